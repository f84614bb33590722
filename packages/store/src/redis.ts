import { Redis, type RedisOptions } from 'ioredis';

/**
 * How a connection behaves while Redis is away. Inside an HTTP request we fail fast (the caller
 * gets a 503 and retries); a worker waits the outage out.
 */
export type RedisMode = 'request' | 'worker';

export function createRedis(url: string, mode: RedisMode, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    ...(mode === 'request'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 }
      : { maxRetriesPerRequest: null, enableOfflineQueue: true }),
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
    ...options,
  });
  // Without a listener ioredis prints every reconnect attempt as an unhandled error.
  redis.on('error', () => {});
  return redis;
}

export class UnsafeRedisError extends Error {
  override readonly name = 'UnsafeRedisError';
}

/** Policies under which Redis may delete keys by itself, queue keys included. */
const EVICTING = /^(allkeys|volatile)-(lru|lfu|random|ttl)$/;

/**
 * Refuses a Redis whose eviction policy could drop queue or idempotency keys. Reads the policy
 * with CONFIG GET, or from INFO where managed services disable CONFIG.
 */
export async function assertNoEviction(redis: Redis): Promise<string> {
  let policy: string | undefined;
  try {
    const reply = (await redis.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
    policy = reply[1];
  } catch {
    const info = await redis.info('memory');
    policy = /maxmemory_policy:(\S+)/.exec(info)?.[1];
  }
  if (!policy) throw new UnsafeRedisError('could not read maxmemory-policy from Redis');
  if (EVICTING.test(policy)) {
    throw new UnsafeRedisError(
      `Redis maxmemory-policy is "${policy}": it could evict queue and idempotency keys. ` +
        'Set it to "noeviction" (CONFIG SET maxmemory-policy noeviction, or in redis.conf).',
    );
  }
  return policy;
}
