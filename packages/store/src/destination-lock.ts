import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { evalScript } from './lua.ts';

/**
 * One writer at a time per destination (an Airtable record, a Slack thread). Deliveries of one
 * request — "issuing…" first, the result later, a re-delivery, a refusal — each read the ledger and
 * write under this lock, so the last write is always the newest state: a notice that lost the race
 * finds the result in the ledger and writes nothing.
 */
export interface DestinationLock {
  /** Runs `work` holding the destination's lock; null when it stayed busy for `waitMs`. */
  withLock<T>(destination: string, work: () => Promise<T>): Promise<{ value: T } | null>;
}

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export function createDestinationLock(
  redis: Redis,
  prefix: string,
  options: { ttlMs?: number; waitMs?: number } = {},
): DestinationLock {
  // Longer than one write to Slack or Airtable (their clients time out sooner), so a lock is never
  // lost mid-write; a holder that died frees it at the TTL.
  const ttlMs = options.ttlMs ?? 30_000;
  const waitMs = options.waitMs ?? 10_000;
  return {
    async withLock(destination, work) {
      const key = `${prefix}:deliver-lock:${destination}`;
      const token = randomBytes(8).toString('hex');
      const deadline = Date.now() + waitMs;
      let delay = 10;
      while ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') {
        if (Date.now() >= deadline) return null;
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 200);
      }
      try {
        return { value: await work() };
      } finally {
        await evalScript(redis, RELEASE, 1, key, token).catch(() => undefined);
      }
    },
  };
}
