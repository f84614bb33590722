import { randomPrefix, testRedis } from '@faturador/testing';
import { describe, expect, it } from 'vitest';
import { ledgerKey } from './ledger.ts';
import { createMoloniCallLog, moloniCallsKey, type RecordedMoloniCall } from './moloni-calls.ts';

const call = (n: number): RecordedMoloniCall => ({
  at: new Date(1_700_000_000_000 + n).toISOString(),
  endpoint: n % 2 ? 'invoiceReceipts/insert' : 'documents/getAll',
  ok: n % 2 === 0,
  code: n % 2 ? 'MOLONI_UNAVAILABLE' : null,
  status: n % 2 ? 503 : 200,
  durationMs: n,
  attempt: 1,
  try: 1,
  job: 'issue',
});

describe('the Moloni call log', () => {
  it('keeps the newest calls of a request, oldest first, bounded', async () => {
    const redis = testRedis();
    const prefix = randomPrefix();
    const log = createMoloniCallLog({ redis, prefix, maxPerRequest: 3 });
    for (let n = 1; n <= 5; n++) await log.record('req_a', call(n));
    await log.record('req_b', call(9));
    expect((await log.list('req_a')).map((c) => c.durationMs)).toEqual([3, 4, 5]);
    expect(await log.list('req_b')).toEqual([call(9)]);
    expect(await log.list('req_none')).toEqual([]);
    // The ledger entry has no TTL: neither has its list.
    await expect(redis.pttl(moloniCallsKey(prefix, 'req_a'))).resolves.toBe(-1);
    redis.disconnect();
  });

  it('expires with its ledger entry when the entry has a TTL', async () => {
    const redis = testRedis();
    const prefix = randomPrefix();
    const log = createMoloniCallLog({ redis, prefix });
    await redis.set(ledgerKey(prefix, 'req_t'), 'x', 'EX', 600);
    await log.record('req_t', call(2));
    const ttl = await redis.pttl(moloniCallsKey(prefix, 'req_t'));
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
    redis.disconnect();
  });
});
