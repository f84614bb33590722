// Per-endpoint call counters, so tests can assert "exactly one insert" and count the Moloni calls
// an issuance makes.

export interface CallRecord {
  /** `class/method`, `grant`, or `download` for PDF downloads. */
  endpoint: string;
  /** Sandbox clock time, epoch ms. */
  at: number;
  /** HTTP status sent; `pending` while in flight; `dropped` / `hung` when no response was sent. */
  outcome: number | 'pending' | 'dropped' | 'hung';
  /** The fault kind applied, if any. */
  fault?: string;
}

export interface StatsSnapshot {
  total: number;
  byEndpoint: Record<string, number>;
  /** Successful grants by type (from the token store). */
  grants: Record<string, number>;
  /** The most recent calls, oldest first (at most 1000). */
  calls: CallRecord[];
}

const HISTORY = 1000;

export class CallStats {
  private counts = new Map<string, number>();
  private history: CallRecord[] = [];
  private total = 0;

  /** Counts a call as it arrives; the caller fills in `outcome` on the returned record later. */
  record(endpoint: string, at: number): CallRecord {
    const call: CallRecord = { endpoint, at, outcome: 'pending' };
    this.total += 1;
    this.counts.set(endpoint, (this.counts.get(endpoint) ?? 0) + 1);
    this.history.push(call);
    if (this.history.length > HISTORY) this.history.shift();
    return call;
  }

  /** Calls to one endpoint (`invoiceReceipts/insert`), or to all when omitted. */
  count(endpoint?: string): number {
    return endpoint === undefined ? this.total : (this.counts.get(endpoint) ?? 0);
  }

  snapshot(grants: Record<string, number> = {}): StatsSnapshot {
    return {
      total: this.total,
      byEndpoint: Object.fromEntries(this.counts),
      grants: { ...grants },
      calls: this.history.map((call) => ({ ...call })),
    };
  }

  reset(): void {
    this.counts = new Map();
    this.history = [];
    this.total = 0;
  }
}
