import { setTimeout as sleep } from 'node:timers/promises';
import { FaturadorError } from '@faturador/core';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { locallyThrottled } from './errors.ts';

/**
 * InvoiceXpress allows about 780 requests a minute per account and answers 429 beyond. Every
 * client of an account, in every process, takes a slot here before each request.
 */
export interface AccountRateLimiter {
  /**
   * Resolves when one more request to the account fits under the limit; rejects with
   * INVOICEXPRESS_UNAVAILABLE (`reason: local_rate_limit`, nothing sent) when that would take
   * longer than `maxWaitMs`.
   */
  acquire(account: string, maxWaitMs: number): Promise<void>;
  /** InvoiceXpress answered 429: hold every caller of the account back for `ms`. */
  pause(account: string, ms: number): Promise<void>;
}

export interface LimiterOptions {
  /**
   * Requests per second per account. Windows are fixed one-second windows, so any 60 s span
   * overlaps at most 61 of them: 12 per second is at most 732 a minute, below 780 even when the
   * service counts over a sliding minute.
   */
  perSecond?: number;
}

export const DEFAULT_PER_SECOND = 12;

type Flexible = RateLimiterMemory | RateLimiterRedis;

class FlexibleAccountLimiter implements AccountRateLimiter {
  constructor(private readonly limiter: Flexible) {}

  async acquire(account: string, maxWaitMs: number): Promise<void> {
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      try {
        await this.limiter.consume(account, 1);
        return;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) {
          throw new FaturadorError(
            'SERVICE_UNAVAILABLE',
            'The InvoiceXpress rate limiter is unavailable.',
            { provider: 'invoicexpress', reason: 'limiter_unavailable', outcome: 'not_applied' },
            { cause: rejection },
          );
        }
        const wait = Math.max(1, rejection.msBeforeNext);
        if (Date.now() + wait > deadline) throw locallyThrottled(account, wait);
        await sleep(wait);
      }
    }
  }

  async pause(account: string, ms: number): Promise<void> {
    await this.limiter.block(account, Math.max(1, Math.ceil(ms / 1000)));
  }
}

/** One process's limiter: enough for a single worker, or for tests. */
export function createMemoryLimiter(options: LimiterOptions = {}): AccountRateLimiter {
  return new FlexibleAccountLimiter(
    new RateLimiterMemory({ points: options.perSecond ?? DEFAULT_PER_SECOND, duration: 1 }),
  );
}

/**
 * The limiter every process shares, in Redis: rate-limiter-flexible's counter is one atomic Lua
 * script (INCRBY with its expiry) per request, keyed `<prefix>:ix:rate:<account>`.
 */
export function createRedisLimiter(
  redis: Redis,
  prefix: string,
  options: LimiterOptions = {},
): AccountRateLimiter {
  return new FlexibleAccountLimiter(
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:ix:rate`,
      points: options.perSecond ?? DEFAULT_PER_SECOND,
      duration: 1,
    }),
  );
}
