import type { Redis } from 'ioredis';

/**
 * Remembers which Slack interactions were already taken, so that a redelivery (Slack's retries
 * carry `X-Slack-Retry-Num`) or a double submission is acknowledged and ignored. The billing API's
 * Idempotency-Key already makes a second issuance impossible; this keeps the channel free of a
 * second "A emitir fatura…" message too.
 */
export interface SeenStore {
  /** True the first time a key is offered (within the TTL), false afterwards. */
  first(key: string): Promise<boolean>;
}

export function createMemorySeen(options: { ttlMs?: number; max?: number } = {}): SeenStore {
  const ttlMs = options.ttlMs ?? 60 * 60 * 1000;
  const max = options.max ?? 10_000;
  const seen = new Map<string, number>();
  return {
    async first(key) {
      const now = Date.now();
      const until = seen.get(key);
      if (until !== undefined && until > now) return false;
      seen.set(key, now + ttlMs);
      // Map keeps insertion order: the oldest entries go first when the cap is reached.
      while (seen.size > max) {
        const oldest = seen.keys().next();
        if (oldest.done) break;
        seen.delete(oldest.value);
      }
      return true;
    },
  };
}

/**
 * The same memory shared by every bot process through Redis (`SET NX PX`), so a redelivery that
 * reaches another replica, or a restarted one, is still recognised. If Redis cannot answer, the
 * interaction goes through: the Idempotency-Key still makes a second issuance impossible, and
 * losing a command would be worse than a duplicate "A emitir…" message.
 */
export function createRedisSeen(
  redis: Redis,
  options: { prefix: string; ttlMs?: number; onError?: (error: unknown) => void },
): SeenStore {
  const ttlMs = options.ttlMs ?? 60 * 60 * 1000;
  return {
    async first(key) {
      try {
        return (await redis.set(`${options.prefix}:slack:seen:${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
      } catch (error) {
        options.onError?.(error);
        return true;
      }
    },
  };
}
