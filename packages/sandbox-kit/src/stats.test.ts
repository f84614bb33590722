import { describe, expect, it } from 'vitest';
import { CallCounter, type CallRecord } from './stats.ts';

class Counter extends CallCounter {
  record(endpoint: string): CallRecord {
    return this.track({ endpoint, at: 0, outcome: 'pending' });
  }
  snapshot() {
    return this.counters();
  }
}

describe('CallCounter', () => {
  it('counts every call but keeps only the last 1000 in the history', () => {
    const counter = new Counter();
    for (let index = 0; index < 1001; index += 1) counter.record(index === 0 ? 'first' : 'other');
    const snapshot = counter.snapshot();
    expect(snapshot.total).toBe(1001);
    expect(snapshot.byEndpoint).toEqual({ first: 1, other: 1000 });
    expect(snapshot.calls).toHaveLength(1000);
    expect(snapshot.calls[0]?.endpoint).toBe('other');
  });
});
