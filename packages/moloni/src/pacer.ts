import type { Redis } from 'ioredis';

/**
 * How an account slows down when Moloni says "too many requests": every process of the account
 * (API, workers) waits out the same pause, kept in Redis, before its next call. Each 429 within a
 * pause doubles the next one (from Retry-After or 2 s, at most 60 s); a call that succeeds after
 * the pause ends the streak. Nothing is lost or repeated by it: a 429 is a refusal before anything
 * ran, and the caller's own retry rules still apply.
 */
export interface MoloniPacer {
  /** Resolves when this account may call Moloni again. */
  wait(): Promise<void>;
  /** Moloni answered 429: hold every process of the account for `askedMs` or longer. */
  slowDown(askedMs: number): Promise<void>;
  /** A call went through: the next 429 starts from what Moloni asks again. */
  succeeded(): void;
}

const MAX_PAUSE_MS = 60_000;

/** Pause = max(current pause end, now + wait); the streak doubles the wait of the next 429. */
const SLOW_DOWN = `
local now = tonumber(ARGV[1])
local asked = tonumber(ARGV[2])
local streak = tonumber(redis.call('HGET', KEYS[1], 'streak') or '0')
local untilMs = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
local waitMs = math.min(asked * (2 ^ streak), tonumber(ARGV[3]))
local target = math.max(untilMs, now + waitMs)
redis.call('HSET', KEYS[1], 'until', target, 'streak', streak + 1)
redis.call('PEXPIRE', KEYS[1], math.floor(target - now + 60000))
return target
`;

export function createRedisPacer(redis: Redis, key: string, now: () => number = Date.now): MoloniPacer {
  // Read at most every 25 ms per process: a pause is rare, the check is on every call.
  let known = { until: 0, checkedAt: Number.NEGATIVE_INFINITY };
  let streak = false;
  async function pauseEnd(): Promise<number> {
    if (now() - known.checkedAt < 25) return known.until;
    const stored = await redis.hget(key, 'until').catch(() => null);
    known = { until: Number(stored ?? 0), checkedAt: now() };
    return known.until;
  }
  return {
    async wait() {
      for (;;) {
        const until = await pauseEnd();
        const left = until - now();
        if (left <= 0) return;
        streak = true;
        await new Promise((resolve) => setTimeout(resolve, Math.min(left, 1_000)));
        known.checkedAt = Number.NEGATIVE_INFINITY;
      }
    },
    async slowDown(askedMs) {
      const target = Number(await redis.eval(SLOW_DOWN, 1, key, now(), Math.max(askedMs, 100), MAX_PAUSE_MS));
      known = { until: target, checkedAt: now() };
      streak = true;
    },
    succeeded() {
      if (!streak) return;
      streak = false;
      redis.hset(key, 'streak', 0).catch(() => undefined);
    },
  };
}
