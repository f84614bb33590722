import { randomPrefix, testRedis } from '@faturador/testing';
import { describe, expect, it } from 'vitest';
import { createMemoryLimiter, createRedisLimiter } from './limiter.ts';
import { booking, failure, harness } from './test/support.ts';

describe('per-account limiter', () => {
  it('is shared through Redis: two processes together stay within the per-second budget', async () => {
    const prefix = randomPrefix();
    const a = createRedisLimiter(testRedis(), prefix, { perSecond: 4 });
    const b = createRedisLimiter(testRedis(), prefix, { perSecond: 4 });
    const times: number[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).acquire('acme', 5_000).then(() => times.push(Date.now() - started)),
      ),
    );
    times.sort((x, y) => x - y);
    // 4 in the first second, 4 in the next, 2 in the third.
    expect(times.filter((t) => t < 900)).toHaveLength(4);
    expect(times[9]).toBeGreaterThanOrEqual(1_800);
    // Another account has its own budget.
    const other = Date.now();
    await a.acquire('other', 0);
    expect(Date.now() - other).toBeLessThan(200);
  });

  it('by default lets 12 requests a second through: at most 732 in any minute, below 780', async () => {
    const limiter = createMemoryLimiter();
    const started = Date.now();
    const times: number[] = [];
    for (let i = 0; i < 25; i++) {
      await limiter.acquire('acme', 5_000);
      times.push(Date.now() - started);
    }
    expect(times.filter((t) => t < 900)).toHaveLength(12);
    expect(times[24]).toBeGreaterThanOrEqual(1_900);
  });

  it('refuses at once, sending nothing, when the wait would exceed what the caller allows', async () => {
    const limiter = createMemoryLimiter({ perSecond: 2 });
    await limiter.acquire('acme', 0);
    await limiter.acquire('acme', 0);
    const refused = await failure(limiter.acquire('acme', 0));
    expect(refused.code).toBe('INVOICEXPRESS_UNAVAILABLE');
    expect(refused.details).toMatchObject({ reason: 'local_rate_limit', outcome: 'not_applied' });
  });

  it('a 429 pauses every process of the account', async () => {
    const prefix = randomPrefix();
    const a = createRedisLimiter(testRedis(), prefix);
    const b = createRedisLimiter(testRedis(), prefix);
    await a.pause('acme', 1_000);
    const started = Date.now();
    await b.acquire('acme', 3_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
  });

  it('keeps clients under the account limit, so the service never answers 429', async () => {
    // The real ratio in miniature: the service counts over a sliding window longer than the
    // limiter's fixed one-second windows, so at most two of them (3 + 3) fall in any 1.5 s.
    const h = await harness({ rateLimit: { limit: 7, windowMs: 1500 } });
    const limiter = createRedisLimiter(testRedis(), randomPrefix(), { perSecond: 3 });
    const one = h.client({ limiter });
    const two = h.client({ limiter });
    await Promise.all([
      ...Array.from({ length: 5 }, () => one.createDocument('invoices', booking())),
      ...Array.from({ length: 4 }, () => two.listDocuments()),
    ]);
    const outcomes = h.running.sandbox.stats.snapshot().calls.map((call) => call.outcome);
    expect(outcomes).toHaveLength(9);
    expect(outcomes.every((outcome) => outcome === 200 || outcome === 201)).toBe(true);
    expect(h.documents()).toBe(5);
  });
});
