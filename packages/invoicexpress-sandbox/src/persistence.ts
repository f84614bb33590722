// A sandbox that keeps its accounts across restarts, as InvoiceXpress does: `npm start` would
// otherwise forget every document while Redis keeps the ledger. The whole state is one JSON file,
// rewritten (to a temporary file, then renamed) after every call that changed it and before that
// call is answered.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SandboxState, SavedState } from './state.ts';

const VERSION = 1;

interface SavedFile {
  version: number;
  state: SavedState;
}

export interface StateFile {
  load(): boolean;
  save(): void;
}

export function stateFile(path: string, state: SandboxState): StateFile {
  return {
    load() {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
      const saved = JSON.parse(text) as SavedFile;
      if (saved.version !== VERSION) {
        throw new Error(`${path} holds sandbox state version ${saved.version}, not ${VERSION}; move it away`);
      }
      state.importData(saved.state);
      return true;
    },
    save() {
      mkdirSync(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(
        temporary,
        JSON.stringify({ version: VERSION, state: state.exportData() } satisfies SavedFile),
      );
      renameSync(temporary, path);
    },
  };
}
