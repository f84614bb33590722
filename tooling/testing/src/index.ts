import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { inject, onTestFinished } from 'vitest';
import { connectTestRedis } from './redis-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Provided by the global setup (tooling/testing/src/vitest-global-setup.ts). */
    redisUrl: string;
  }
}

/** The URL of the run's shared embedded Redis (started by the global setup). */
export function testRedisUrl(): string {
  return inject('redisUrl');
}

/** A key prefix no other test uses, hash-tagged like production prefixes. */
export function randomPrefix(): string {
  return `{t${randomBytes(6).toString('hex')}}`;
}

/** A Redis connection closed when the current test ends. */
export function testRedis(): Redis {
  const redis = connectTestRedis(testRedisUrl());
  onTestFinished(async () => {
    redis.disconnect();
  });
  return redis;
}

/** Every master a command must reach: one Redis, or each master of a Cluster (KEYS, SCRIPT FLUSH…). */
export function mastersOf(redis: Redis): Redis[] {
  const cluster = redis as unknown as { nodes?: (role: 'master') => Redis[] };
  return typeof cluster.nodes === 'function' ? cluster.nodes('master') : [redis];
}

/** The keys under a prefix, from every master (a Cluster's KEYS asks one node). */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  return (await Promise.all(mastersOf(redis).map((node) => node.keys(`${prefix}:*`)))).flat();
}

export { SEED_EXAMPLE_BODY } from './fixtures.ts';
export { clusterNodesOf, type EmbeddedCluster, startEmbeddedCluster } from './redis-cluster.ts';
export {
  type EmbeddedRedis,
  type EmbeddedRedisOptions,
  freePort,
  startEmbeddedRedis,
} from './redis-server.ts';
