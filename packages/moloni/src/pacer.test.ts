import { describe, expect, it } from 'vitest';
import { documentsOf, harness, invoiceRequest } from './test/support.ts';

describe('pacing an account after a 429', () => {
  it("holds every process of the account: another client's next call waits out the pause, nothing is lost or repeated", async () => {
    const h = await harness();
    // Two "processes" of one account (same connection, same Redis).
    const first = h.client({ retry: { rateLimitDelayMs: 400 } });
    const second = h.client();
    await first.issueDocument({ request: invoiceRequest(), ourReference: 'PACE-0' });
    await second.issueDocument({ request: invoiceRequest(), ourReference: 'PACE-1' });
    h.fault({ kind: 'status', status: 429, endpoint: 'invoiceReceipts/insert', times: 1 });
    // The insert is refused (429 before anything ran), and the account is paused for 400 ms.
    await expect(
      first.issueDocument({ request: invoiceRequest(), ourReference: 'PACE-2' }),
    ).rejects.toMatchObject({
      code: 'MOLONI_UNAVAILABLE',
      details: { status: 429, outcome: 'not_applied' },
    });
    // Each process re-reads the account's pause at most every 25 ms.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const started = Date.now();
    await second.issueDocument({ request: invoiceRequest(), ourReference: 'PACE-3' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    const refs = documentsOf(h.running).map((document) => document.our_reference);
    expect(refs.filter((ref) => ref === 'PACE-2')).toHaveLength(0);
    expect(refs.filter((ref) => ref === 'PACE-3')).toHaveLength(1);
    // After the pause, calls go at full speed again.
    const again = Date.now();
    await first.issueDocument({ request: invoiceRequest(), ourReference: 'PACE-4' });
    expect(Date.now() - again).toBeLessThan(300);
  });
});
