// Per-endpoint call counters, so tests can assert "exactly one create" and count the calls a
// client makes.

export interface CallRecord {
  /** `<resource>/<action>`, or `downloads/pdf`. */
  endpoint: string;
  account: string;
  at: number;
  /** HTTP status sent; `pending` while in flight; `dropped` / `hung` when no response was sent. */
  outcome: number | 'pending' | 'dropped' | 'hung';
  fault?: string;
}

export interface StatsSnapshot {
  total: number;
  byEndpoint: Record<string, number>;
  /** The most recent calls, oldest first (at most 1000). */
  calls: CallRecord[];
}

const HISTORY = 1000;

export class CallStats {
  private counts = new Map<string, number>();
  private history: CallRecord[] = [];
  private total = 0;

  record(endpoint: string, account: string, at: number): CallRecord {
    const call: CallRecord = { endpoint, account, at, outcome: 'pending' };
    this.total += 1;
    this.counts.set(endpoint, (this.counts.get(endpoint) ?? 0) + 1);
    this.history.push(call);
    if (this.history.length > HISTORY) this.history.shift();
    return call;
  }

  count(endpoint?: string): number {
    return endpoint === undefined ? this.total : (this.counts.get(endpoint) ?? 0);
  }

  snapshot(): StatsSnapshot {
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
