import { initializeBlock } from '@airtable/blocks/ui';
import { App } from '../src/app.tsx';

initializeBlock(() => <App />);
