// InvoiceXpress's call counters: endpoints are `<resource>/<action>`, or `downloads/pdf`, and
// each call names the account it was made to.
import { CallCounter, type CallCounts, type CallRecord as KitCallRecord } from '@faturador/sandbox-kit';

export interface CallRecord extends KitCallRecord {
  account: string;
}

export type StatsSnapshot = CallCounts<CallRecord>;

export class CallStats extends CallCounter<CallRecord> {
  record(endpoint: string, account: string, at: number): CallRecord {
    return this.track({ endpoint, account, at, outcome: 'pending' });
  }

  snapshot(): StatsSnapshot {
    return this.counters();
  }
}
