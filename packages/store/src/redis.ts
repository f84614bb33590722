import { Cluster, Redis, type RedisOptions } from 'ioredis';

/**
 * How a connection behaves while Redis is away. Inside an HTTP request we fail fast (the caller
 * gets a 503 and retries); a worker waits the outage out.
 */
export type RedisMode = 'request' | 'worker';

/**
 * `redis-cluster://host:port,host:port,…` names a Redis Cluster by some of its nodes; any other
 * URL one server (or a proxy in front of Sentinel-managed ones).
 */
export function clusterNodes(url: string): Array<{ host: string; port: number }> | null {
  const match = /^redis-cluster:\/\/(.+)$/.exec(url);
  if (!match?.[1]) return null;
  return match[1].split(',').map((node) => {
    const [host = '127.0.0.1', port = '6379'] = node.trim().split(':');
    return { host, port: Number(port) };
  });
}

/**
 * `redis-sentinel://host:port,host:port/<master name>`: Sentinels that watch one master and its
 * replicas. ioredis asks them for the current master and follows a failover by itself.
 */
export function sentinelsOf(
  url: string,
): { sentinels: Array<{ host: string; port: number }>; name: string } | null {
  const match = /^redis-sentinel:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!match?.[1] || !match[2]) return null;
  const sentinels = match[1].split(',').map((node) => {
    const [host = '127.0.0.1', port = '26379'] = node.trim().split(':');
    return { host, port: Number(port) };
  });
  return { sentinels, name: decodeURIComponent(match[2]) };
}

/**
 * One connection to Redis, or to a Redis Cluster. Every key of Faturador (queues included) starts
 * with one hash-tagged prefix (`{fat}`), so all of them live in one slot: multi-key scripts and
 * transactions work on a cluster as on one server, and a cluster spreads several installations
 * (prefixes), not one installation's keys. A Cluster client is typed as Redis: it answers the
 * commands used here the same way.
 */
export function createRedis(url: string, mode: RedisMode, options: RedisOptions = {}): Redis {
  const behaviour: RedisOptions = {
    ...(mode === 'request'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 }
      : { maxRetriesPerRequest: null, enableOfflineQueue: true }),
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
    ...options,
  };
  const sentinel = sentinelsOf(url);
  const nodes = clusterNodes(url);
  const redis = sentinel
    ? new Redis({ ...behaviour, sentinels: sentinel.sentinels, name: sentinel.name })
    : nodes
      ? (new Cluster(nodes, {
          redisOptions: behaviour,
          enableOfflineQueue: behaviour.enableOfflineQueue ?? true,
          clusterRetryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
        }) as unknown as Redis)
      : new Redis(url, behaviour);
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
