import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedCluster } from './redis-cluster.ts';
import { startEmbeddedRedis } from './redis-server.ts';

/**
 * One private Redis for the whole test run; every test isolates itself with a random key prefix.
 * With FATURADOR_TEST_REDIS_CLUSTER=1, a 3-master Redis Cluster instead (npm test runs the core
 * integration tests that way too).
 */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'faturador-test-redis-'));
  const redis =
    process.env.FATURADOR_TEST_REDIS_CLUSTER === '1'
      ? await startEmbeddedCluster(dataDir)
      : await startEmbeddedRedis({ dataDir });
  project.provide('redisUrl', redis.url);
  return async () => {
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
