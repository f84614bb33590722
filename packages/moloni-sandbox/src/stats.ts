// Moloni's call counters: endpoints are `class/method`, `grant`, or `downloads/…` for the PDF
// pages, and a snapshot adds the successful grants by type (from the token store).
import { CallCounter, type CallCounts, type CallRecord } from '@faturador/sandbox-kit';

export type { CallRecord };

export interface StatsSnapshot extends CallCounts {
  /** Successful grants by type (from the token store). */
  grants: Record<string, number>;
}

export class CallStats extends CallCounter {
  record(endpoint: string, at: number): CallRecord {
    return this.track({ endpoint, at, outcome: 'pending' });
  }

  snapshot(grants: Record<string, number> = {}): StatsSnapshot {
    const { total, byEndpoint, calls } = this.counters();
    return { total, byEndpoint, grants: { ...grants }, calls };
  }
}
