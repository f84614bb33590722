// `npm start`: the whole stack on embedded defaults. Later services (Moloni sandbox, api, worker)
// are started here in order, each handed what the previous one produced.
import { join } from 'node:path';
import { assertNoEviction, createRedis } from '@faturador/store';
import { startEmbeddedRedis } from './redis-server.ts';

const root = join(import.meta.dirname, '..', '..', '..');

const stops: Array<() => Promise<void>> = [];

async function stopAll(): Promise<void> {
  for (const stop of stops.reverse()) await stop().catch(() => {});
}

async function main(): Promise<void> {
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    const redis = await startEmbeddedRedis({
      dataDir: join(root, '.data', 'redis'),
      port: Number(process.env.REDIS_PORT ?? 0) || undefined,
    });
    stops.push(redis.stop);
    redisUrl = redis.url;
  }
  const check = createRedis(redisUrl, 'worker');
  const policy = await assertNoEviction(check);
  check.disconnect();

  const lines = [
    'Faturador is running:',
    `  redis   ${redisUrl}  (maxmemory-policy ${policy}${process.env.REDIS_URL ? '' : ', data in .data/redis'})`,
    'Press Ctrl+C to stop.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await stopAll();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch(async (error: unknown) => {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await stopAll();
  process.exit(1);
});
