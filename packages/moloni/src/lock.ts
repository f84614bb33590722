import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

// Deletes the lock only if it still holds our token: a holder whose lock expired must not release
// the lock another process has taken since.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface RedisLock {
  /** Tries once; resolves to a release function, or null when another process holds the lock. */
  tryAcquire(key: string, ttlMs: number): Promise<(() => Promise<void>) | null>;
}

export function createRedisLock(redis: Redis): RedisLock {
  return {
    async tryAcquire(key, ttlMs) {
      const token = randomBytes(16).toString('hex');
      const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
      if (ok !== 'OK') return null;
      return async () => {
        // A failed release only delays the next holder until the lock expires.
        await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
      };
    },
  };
}

export interface WithLockOptions {
  ttlMs: number;
  /** Give up waiting after this long and run anyway: the lock only avoids duplicates, it is not a guarantee. */
  waitMs: number;
  pollMs: number;
}

/**
 * Runs `task` while holding `key`, waiting for another holder first. Used where two workers doing
 * the same thing at once would only create a duplicate (a customer), so after `waitMs` the task
 * runs without the lock rather than failing the issuance.
 */
export async function withLock<T>(
  lock: RedisLock,
  key: string,
  options: WithLockOptions,
  task: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    const release = await lock.tryAcquire(key, options.ttlMs);
    if (release) {
      try {
        return await task();
      } finally {
        await release();
      }
    }
    if (Date.now() >= deadline) return task();
    await sleep(options.pollMs);
  }
}
