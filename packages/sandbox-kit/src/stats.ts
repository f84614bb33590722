// Per-endpoint call counters, so tests can assert "exactly one insert" and count the calls a
// client makes. A sandbox adds its own fields to the record (the account, say) by subclassing.

export interface CallRecord {
  /** The sandbox's endpoint name (see its README). */
  endpoint: string;
  /** Sandbox clock time, epoch ms. */
  at: number;
  /** HTTP status sent; `pending` while in flight; `dropped` / `hung` when no response was sent. */
  outcome: number | 'pending' | 'dropped' | 'hung';
  /** The fault kind applied, if any. */
  fault?: string;
}

export interface CallCounts<Call extends CallRecord = CallRecord> {
  total: number;
  byEndpoint: Record<string, number>;
  /** The most recent calls, oldest first (at most 1000). */
  calls: Call[];
}

const HISTORY = 1000;

export class CallCounter<Call extends CallRecord = CallRecord> {
  private counts = new Map<string, number>();
  private history: Call[] = [];
  private total = 0;

  /** Counts a call as it arrives; the caller fills in `outcome` on it later. */
  protected track(call: Call): Call {
    this.total += 1;
    this.counts.set(call.endpoint, (this.counts.get(call.endpoint) ?? 0) + 1);
    this.history.push(call);
    if (this.history.length > HISTORY) this.history.shift();
    return call;
  }

  /** Calls to one endpoint, or to all when omitted. */
  count(endpoint?: string): number {
    return endpoint === undefined ? this.total : (this.counts.get(endpoint) ?? 0);
  }

  protected counters(): CallCounts<Call> {
    return {
      total: this.total,
      byEndpoint: Object.fromEntries(this.counts),
      calls: this.history.map((call) => ({ ...call })),
    };
  }

  reset(): void {
    this.counts = new Map();
    this.history = [];
    this.total = 0;
  }
}
