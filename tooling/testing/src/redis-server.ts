import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';

export interface EmbeddedRedis {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Stops the server (SIGTERM: Redis flushes its AOF first) and waits for it to exit. */
  stop(): Promise<void>;
  /** Stops and starts again on the same port and data directory: what a Redis restart looks like. */
  restart(): Promise<void>;
}

export interface EmbeddedRedisOptions {
  dataDir: string;
  port?: number;
  /** Where Redis writes its log; by default it is discarded. */
  logFile?: string;
  startTimeoutMs?: number;
  /** Starts the server as a Redis Cluster node (`--cluster-enabled yes`). */
  clusterNode?: boolean;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function redisArgs(port: number, dataDir: string, logFile: string | undefined, cluster = false): string[] {
  return [
    ...(cluster ? ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`] : []),
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dataDir,
    // Queue state must survive a restart: append-only file, fsync every second.
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--save',
    '',
    // BullMQ keys must never be evicted.
    '--maxmemory-policy',
    'noeviction',
    '--daemonize',
    'no',
    '--logfile',
    logFile ?? '',
    '--loglevel',
    'warning',
  ];
}

async function waitUntilAnswers(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`redis-server exited with code ${child.exitCode} while starting`);
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    probe.on('error', () => {});
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch (error) {
      lastError = error;
    } finally {
      probe.disconnect();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

function spawnServer(
  port: number,
  dataDir: string,
  logFile: string | undefined,
  cluster = false,
): ChildProcess {
  const child = spawn('redis-server', redisArgs(port, dataDir, logFile, cluster), {
    stdio: ['ignore', 'ignore', 'pipe'],
    // Its own process group: Ctrl+C in the terminal reaches the services, which still need Redis
    // to shut down cleanly, but not Redis, which is stopped last by its owner.
    detached: true,
  });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[redis] ${chunk}`));
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(killer);
      done();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts a private `redis-server` on a free loopback port, with AOF on and `noeviction`, and
 * resolves once it answers PING.
 */
export async function startEmbeddedRedis(options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const timeoutMs = options.startTimeoutMs ?? 10_000;
  const port = options.port ?? (await freePort());
  const url = `redis://127.0.0.1:${port}`;

  let child = spawnServer(port, dataDir, options.logFile, options.clusterNode);
  const onSpawnError = (error: Error) => {
    if ('code' in error && error.code === 'ENOENT') {
      process.stderr.write(
        'redis-server is not installed: run `npm start` or `npm test`, which install it.\n',
      );
    }
  };
  child.on('error', onSpawnError);
  await waitUntilAnswers(url, child, timeoutMs);

  return {
    url,
    port,
    dataDir,
    stop: () => stopChild(child),
    async restart() {
      await stopChild(child);
      child = spawnServer(port, dataDir, options.logFile, options.clusterNode);
      child.on('error', onSpawnError);
      await waitUntilAnswers(url, child, timeoutMs);
    },
  };
}
