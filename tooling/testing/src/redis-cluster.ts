import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { type EmbeddedRedis, startEmbeddedRedis } from './redis-server.ts';

/**
 * A Redis Cluster URL: `redis-cluster://host:port,host:port,…` (the seed nodes). Everything else
 * is one server. Production code reads the same form (packages/store's createRedis).
 */
export function clusterNodesOf(url: string): Array<{ host: string; port: number }> | null {
  const match = /^redis-cluster:\/\/(.+)$/.exec(url);
  if (!match?.[1]) return null;
  return match[1].split(',').map((node) => {
    const [host = '127.0.0.1', port = '6379'] = node.trim().split(':');
    return { host, port: Number(port) };
  });
}

/** A connection to the test Redis, a cluster when the URL names one. */
export function connectTestRedis(url: string): Redis {
  const nodes = clusterNodesOf(url);
  if (!nodes) return new Redis(url, { maxRetriesPerRequest: null });
  // A Cluster answers the commands the code uses as a Redis does; its type differs only in name.
  return new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: null } }) as unknown as Redis;
}

export interface EmbeddedCluster {
  readonly url: string;
  readonly nodes: EmbeddedRedis[];
  stop(): Promise<void>;
}

/**
 * Three masters on loopback, made a cluster by `redis-cli --cluster create` (Debian's redis-tools,
 * installed with redis-server): the real engine, nothing home-made.
 */
export async function startEmbeddedCluster(dataDir: string, masters = 3): Promise<EmbeddedCluster> {
  const nodes: EmbeddedRedis[] = [];
  for (let i = 0; i < masters; i++) {
    const dir = join(dataDir, `node-${i}`);
    mkdirSync(dir, { recursive: true });
    nodes.push(await startEmbeddedRedis({ dataDir: dir, clusterNode: true }));
  }
  const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
  await promisify(execFile)('redis-cli', [
    '--cluster',
    'create',
    ...addresses,
    '--cluster-replicas',
    '0',
    '--cluster-yes',
  ]);
  // The slots are assigned at once; every node learns the others' slots over the cluster bus a
  // moment later, and a client may ask any of them first: wait until all say so.
  await Promise.all(nodes.map((node) => untilClusterOk(node.url, masters)));
  return {
    url: `redis-cluster://${addresses.join(',')}`,
    nodes,
    stop: async () => {
      await Promise.all(nodes.map((node) => node.stop()));
    },
  };
}

async function untilClusterOk(url: string, masters: number): Promise<void> {
  const probe = new Redis(url);
  try {
    let info = '';
    for (let i = 0; i < 200; i++) {
      info = String(await probe.cluster('INFO'));
      if (info.includes('cluster_state:ok') && info.includes(`cluster_size:${masters}`)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`The cluster node at ${url} did not agree on the cluster in 10 s:\n${info}`);
  } finally {
    probe.disconnect();
  }
}
