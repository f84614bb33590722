import type { AirtableBaseSettingsStore } from '@faturador/airtable-web';
import type { ActionSubmitter, ConnectionCheck, Operations, PdfLinkSigner } from '@faturador/issuing';
import type { Queues } from '@faturador/jobs';
import type {
  AdminSession,
  AdminStore,
  ApiClientStore,
  ConnectionStore,
  Ledger,
  LifecycleStore,
  MoloniCallLog,
  RequestIndex,
} from '@faturador/store';
import type { AppEnv } from '../context.ts';
import type { Lang } from './texts.ts';

export interface AdminDeps {
  admins: AdminStore;
  ledger: Ledger;
  /** Each request's Moloni calls, for its timeline of attempts. */
  moloniCalls: MoloniCallLog;
  index: RequestIndex;
  operations: Operations;
  /** Finalize, delete, credit, receipt and e-mail: the API's own submitter. */
  actions: ActionSubmitter;
  /** Each request's actions (credit notes, receipts, e-mails…), for its page. */
  lifecycle: Pick<LifecycleStore, 'list'>;
  queues: Queues;
  clients: ApiClientStore;
  /** The bases the API writes results to; their tokens are opened only to check access. */
  airtableBases: Pick<AirtableBaseSettingsStore, 'list' | 'get' | 'access'>;
  connections: ConnectionStore;
  pdfLinks: PdfLinkSigner;
  /** What `faturador connections check` runs (Moloni: a draft inserted and deleted). */
  checkConnection: (connectionId: string) => Promise<ConnectionCheck>;
}

export interface AdminEnv {
  Variables: AppEnv['Variables'] & {
    session: AdminSession;
    lang: Lang;
  };
}
