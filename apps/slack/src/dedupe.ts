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
