// `npm start`: the whole stack on embedded defaults — a private Redis, the Moloni sandbox, the
// API and the worker — with a demo API client that reproduces the seed contract's cURL example.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecretBox, parseMasterKey } from '@faturador/core';
import { DEFAULT_CREDENTIALS, startMoloniSandbox } from '@faturador/moloni-sandbox';
import { assertNoEviction, createRedis } from '@faturador/store';
import { Redis } from 'ioredis';
import { DEMO_CLIENT, seedDemoClient } from './demo.ts';
import { startEmbeddedRedis } from './redis-server.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const dataDir = join(root, '.data');

const stops: Array<() => Promise<void>> = [];

async function stopAll(): Promise<void> {
  for (const stop of stops.reverse()) await stop().catch(() => {});
}

/** A master key generated on first start and kept under .data (never in the repo). */
function localMasterKey(): string {
  if (process.env.FATURADOR_MASTER_KEY) return process.env.FATURADOR_MASTER_KEY;
  const file = join(dataDir, 'master.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

function startService(name: string, entry: string, env: Record<string, string>): ChildProcess {
  // `node --import tsx` keeps each service one process: signals reach it directly.
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, entry)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${name} exited (${signal ?? code}); stopping the stack.\n`);
      void shutdown(1);
    }
  });
  stops.push(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  );
  return child;
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url)
      .then((response) => response.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

async function seedDemo(
  redisUrl: string,
  prefix: string,
  masterKey: string,
  sandboxUrl: string,
): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  try {
    const secretBox = createSecretBox(parseMasterKey(masterKey));
    await seedDemoClient(
      { redis, prefix, secretBox },
      { baseUrl: sandboxUrl, credentials: DEFAULT_CREDENTIALS },
    );
  } finally {
    redis.disconnect();
  }
}

function curlExample(apiUrl: string): string {
  const body = JSON.stringify({
    reference: `TI-${new Date().toISOString().slice(0, 10)}-${randomBytes(2).toString('hex').toUpperCase()}`,
    customer: {
      name: 'Eduardo Costa',
      email: 'eduardo@example.pt',
      address: 'Rua do Campo Grande 45, Lisboa',
    },
    items: [{ product: 'mensalidade TheInventors', gross_price: 10.0, vat_rate: 23 }],
  });
  return [
    `curl -sS -X POST "${apiUrl}/api/v1/invoices/" \\`,
    '  -H "Content-Type: application/json" \\',
    `  -H "X-Client-Id: ${DEMO_CLIENT.clientId}" \\`,
    `  -H "X-Api-Key: ${DEMO_CLIENT.apiKey}" \\`,
    `  -H "X-Api-Secret: ${DEMO_CLIENT.apiSecret}" \\`,
    '  -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid 2>/dev/null || uuidgen)" \\',
    `  --data '${body}'`,
  ].join('\n');
}

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await stopAll();
  process.exit(code);
}

async function main(): Promise<void> {
  const prefix = process.env.FATURADOR_PREFIX ?? '{fat}';
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    const redis = await startEmbeddedRedis({
      dataDir: join(dataDir, 'redis'),
      port: Number(process.env.REDIS_PORT ?? 0) || undefined,
    });
    stops.push(redis.stop);
    redisUrl = redis.url;
  }
  const check = createRedis(redisUrl, 'worker');
  const policy = await assertNoEviction(check);
  check.disconnect();

  const sandbox = await startMoloniSandbox({ port: Number(process.env.MOLONI_SANDBOX_PORT ?? 8765) });
  stops.push(sandbox.close);

  const masterKey = localMasterKey();
  await seedDemo(redisUrl, prefix, masterKey, sandbox.baseUrl);

  const apiPort = Number(process.env.PORT ?? 8787);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const env = {
    REDIS_URL: redisUrl,
    FATURADOR_MASTER_KEY: masterKey,
    FATURADOR_PREFIX: prefix,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  startService('worker', 'apps/worker/src/main.ts', env);
  startService('api', 'apps/api/src/main.ts', { ...env, PORT: String(apiPort), PUBLIC_URL: apiUrl });
  await waitForHttp(`${apiUrl}/readyz`, 30_000);

  const lines = [
    '',
    'Faturador is running:',
    `  api            ${apiUrl}   (docs ${apiUrl}/docs, spec ${apiUrl}/openapi.json)`,
    '  worker         issue + deliver queues',
    `  moloni sandbox ${sandbox.baseUrl}`,
    `  redis          ${redisUrl}  (maxmemory-policy ${policy}${process.env.REDIS_URL ? '' : ', data in .data/redis'})`,
    `  demo client    ${DEMO_CLIENT.clientId} / ${DEMO_CLIENT.apiKey} (the seed contract's demo credentials)`,
    '',
    'Issue an invoice-receipt (the seed example; run it twice with one Idempotency-Key to see the replay):',
    '',
    curlExample(apiUrl),
    '',
    'Operate it with the CLI, in another terminal:',
    `  REDIS_URL=${redisUrl} FATURADOR_MASTER_KEY=$(cat .data/master.key) pnpm --filter @faturador/cli start -- doctor`,
    '',
    'Press Ctrl+C to stop.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
}

main().catch(async (error: unknown) => {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await shutdown(1);
});
