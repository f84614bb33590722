import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmbeddedCluster, startEmbeddedCluster } from '@faturador/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterNodes, createRedis, sentinelsOf } from './redis.ts';

/**
 * A Redis Cluster of three masters (redis-server --cluster-enabled, redis-cli --cluster create):
 * `redis-cluster://…` connects to it, and every key of one prefix lives in one slot.
 */
let cluster: EmbeddedCluster;
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'faturador-cluster-'));
  cluster = await startEmbeddedCluster(dataDir);
}, 30_000);
afterAll(async () => {
  await cluster?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('createRedis on a Redis Cluster', () => {
  it('reads the seed nodes of a redis-cluster:// URL', () => {
    expect(clusterNodes('redis-cluster://10.0.0.1:7000,10.0.0.2:7001')).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
    ]);
    expect(clusterNodes('redis://127.0.0.1:6379')).toBeNull();
    expect(sentinelsOf('redis-sentinel://10.0.0.1:26379,10.0.0.2/faturador')).toEqual({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26379 },
      ],
      name: 'faturador',
    });
  });

  it('runs multi-key scripts on one prefix, which a cluster refuses across slots', async () => {
    const redis = createRedis(cluster.url, 'worker');
    try {
      const info = String(await redis.cluster('INFO'));
      expect(info).toContain('cluster_state:ok');
      expect(info).toContain('cluster_known_nodes:3');
      const script = "redis.call('SET', KEYS[1], ARGV[1]); redis.call('SET', KEYS[2], ARGV[1]); return 1";
      expect(await redis.eval(script, 2, '{fat}:a', '{fat}:b', 'x')).toBe(1);
      expect(await redis.get('{fat}:b')).toBe('x');
      // Without the hash tag the two keys fall in different slots: the cluster says so.
      await expect(redis.eval(script, 2, 'fat:a', 'fat:b', 'x')).rejects.toThrow(/CROSSSLOT/);
    } finally {
      redis.disconnect();
    }
  });
});
