import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiClientStore } from '@faturador/store';
import { type EmbeddedRedis, randomPrefix, startEmbeddedRedis, testRedisUrl } from '@faturador/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CLIENT, documentsWithReference, SEED_BODY, type Stack, startStack } from '../stack.ts';

const workerMain = join(import.meta.dirname, '..', '..', '..', 'worker', 'src', 'main.ts');

let stack: Stack | undefined;
let redis: EmbeddedRedis | undefined;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await stack?.close();
  stack = undefined;
  if (redis) {
    await redis.stop();
    rmSync(redis.dataDir, { recursive: true, force: true });
    redis = undefined;
  }
});

/** Short locks by default so the tests are quick; `{}` runs the worker's own defaults. */
const QUICK_LOCKS = { LOCK_DURATION_MS: '2000', STALLED_INTERVAL_MS: '1000' };

function spawnWorker(env: Record<string, string>, locks: Record<string, string> = QUICK_LOCKS): ChildProcess {
  // `node --import tsx` is one process: SIGKILL must hit the worker itself, not a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', workerMain], {
    env: {
      ...process.env,
      ...env,
      LOG_LEVEL: 'silent',
      ...locks,
    },
    stdio: 'ignore',
  });
  children.push(child);
  return child;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('crashes', () => {
  it('a worker SIGKILLed after Moloni committed the insert: the job is re-run and yields one document', async () => {
    stack = await startStack({
      redisUrl: testRedisUrl(),
      prefix: randomPrefix(),
      worker: false,
      syncBudgetMs: 25_000,
    });
    const current = stack;
    // The insert commits, then Moloni's answer never comes: the worker is stuck mid-call.
    current.sandbox.sandbox.faults.add({
      kind: 'commitThenHang',
      endpoint: 'invoiceReceipts/insert',
      times: 1,
    });
    const first = spawnWorker(current.env);
    const answer = current.post(
      '/api/v1/invoices/',
      { ...SEED_BODY, reference: 'KILL-1' },
      { 'idempotency-key': randomUUID() },
    );
    await until(() => documentsWithReference(current, 'KILL-1') === 1, 15_000);
    first.kill('SIGKILL');
    spawnWorker(current.env);
    const response = await answer;
    expect(response.status).toBe(201);
    expect(response.body.document.status).toBe('final');
    expect(documentsWithReference(current, 'KILL-1')).toBe(1);
  }, 40_000);

  it("with the worker's own lock settings, a job whose worker was SIGKILLed is running again within 15 s", async () => {
    stack = await startStack({
      redisUrl: testRedisUrl(),
      prefix: randomPrefix(),
      worker: false,
      syncBudgetMs: 1_000,
    });
    const current = stack;
    current.sandbox.sandbox.faults.add({
      kind: 'commitThenHang',
      endpoint: 'invoiceReceipts/insert',
      times: 1,
    });
    const first = spawnWorker(current.env, {});
    const headers = { 'idempotency-key': randomUUID() };
    const answer = await current.post('/api/v1/invoices/', { ...SEED_BODY, reference: 'KILL-2' }, headers);
    await until(() => documentsWithReference(current, 'KILL-2') === 1, 15_000);
    // A second worker is running, as in production; the first is killed with a fresh lock.
    spawnWorker(current.env, {});
    await new Promise((r) => setTimeout(r, 2_500));
    first.kill('SIGKILL');
    const killedAt = Date.now();
    // Running again: the re-run's first Moloni call is its search by our_reference.
    const rerunSearch = () =>
      current.sandbox.sandbox
        .snapshot()
        .calls.some((call) => call.endpoint === 'invoiceReceipts/getAll' && call.at >= killedAt);
    await until(rerunSearch, 20_000);
    expect(Date.now() - killedAt).toBeLessThan(15_000);
    const ledger = current.api.runtime.ledger;
    await until(async () => (await ledger.get(answer.body.request_id))?.state === 'issued', 10_000);
    const again = await current.post('/api/v1/invoices/', { ...SEED_BODY, reference: 'KILL-2' }, headers);
    expect(again.status).toBe(201);
    expect(documentsWithReference(current, 'KILL-2')).toBe(1);
  }, 60_000);

  it('a job that loses its worker more often than maxStalledCount ends failed in doubt; the same key settles it', async () => {
    stack = await startStack({
      redisUrl: testRedisUrl(),
      prefix: randomPrefix(),
      worker: false,
      syncBudgetMs: 1_000,
    });
    const current = stack;
    const locks = { ...QUICK_LOCKS, MAX_STALLED_COUNT: '0' };
    current.sandbox.sandbox.faults.add({
      kind: 'commitThenHang',
      endpoint: 'invoiceReceipts/insert',
      times: 1,
    });
    const first = spawnWorker(current.env, locks);
    const headers = { 'idempotency-key': randomUUID() };
    const answer = await current.post('/api/v1/invoices/', { ...SEED_BODY, reference: 'STALL-1' }, headers);
    await until(() => documentsWithReference(current, 'STALL-1') === 1, 15_000);
    first.kill('SIGKILL');
    spawnWorker(current.env, locks);
    const ledger = current.api.runtime.ledger;
    await until(async () => (await ledger.get(answer.body.request_id))?.state === 'failed', 20_000);
    const failed = await ledger.get(answer.body.request_id);
    expect(failed?.error).toMatchObject({
      code: 'MOLONI_TIMEOUT',
      details: { in_doubt: true, retry_with_same_idempotency_key: true },
    });
    // Another key for the reference is refused: Moloni may hold the document.
    const other = await current.post(
      '/api/v1/invoices/',
      { ...SEED_BODY, reference: 'STALL-1' },
      { 'idempotency-key': randomUUID() },
    );
    expect(other.status).toBe(409);
    expect(other.body.error.details).toMatchObject({ in_doubt: true });
    let settled = await current.post('/api/v1/invoices/', { ...SEED_BODY, reference: 'STALL-1' }, headers);
    for (let i = 0; i < 20 && settled.status !== 201; i++) {
      settled = await current.post('/api/v1/invoices/', { ...SEED_BODY, reference: 'STALL-1' }, headers);
    }
    expect(settled.status).toBe(201);
    expect(documentsWithReference(current, 'STALL-1')).toBe(1);
  }, 60_000);

  it('Redis restarting during a job loses nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'faturador-restart-'));
    redis = await startEmbeddedRedis({ dataDir });
    const current = await startStack({ redisUrl: redis.url, prefix: randomPrefix(), syncBudgetMs: 1_000 });
    stack = current;
    current.sandbox.sandbox.faults.add({
      kind: 'latency',
      ms: 1_500,
      endpoint: 'invoiceReceipts/insert',
      times: 1,
    });
    const headers = { 'idempotency-key': randomUUID() };
    const first = await current.post('/api/v1/invoices/', { ...SEED_BODY, reference: 'RESTART-1' }, headers);
    expect(first.status).toBe(504);
    await redis.restart();
    // The client retries with the same key until it gets the final answer.
    let response = first;
    for (let i = 0; i < 40 && response.status !== 201; i++) {
      await new Promise((r) => setTimeout(r, 250));
      response = await current
        .post('/api/v1/invoices/', { ...SEED_BODY, reference: 'RESTART-1' }, headers)
        .catch(() => first);
    }
    expect(response.status).toBe(201);
    expect(response.body.request_id).toBe(first.body.request_id);
    expect(documentsWithReference(current, 'RESTART-1')).toBe(1);
  }, 40_000);
});

describe('network rules', () => {
  it('an allowlisted key refuses other IPs, and a spoofed X-Forwarded-For from an untrusted peer changes nothing', async () => {
    stack = await startStack({ redisUrl: testRedisUrl(), prefix: randomPrefix() });
    const deps = {
      redis: stack.api.runtime.redis,
      prefix: stack.env.FATURADOR_PREFIX ?? '',
      secretBox: stack.api.runtime.secretBox,
    };
    await createApiClientStore(deps).setAllowlist(DEMO_CLIENT.clientId, DEMO_CLIENT.apiKey, ['10.0.0.0/8']);
    const body = { ...SEED_BODY, reference: 'IP-1' };
    const refused = await stack.post('/api/v1/invoices/', body, { 'idempotency-key': randomUUID() });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('IP_NOT_ALLOWED');
    const spoofed = await stack.post('/api/v1/invoices/', body, {
      'idempotency-key': randomUUID(),
      'x-forwarded-for': '10.1.2.3',
    });
    expect(spoofed.status).toBe(403);
    await createApiClientStore(deps).setAllowlist(DEMO_CLIENT.clientId, DEMO_CLIENT.apiKey, [
      '127.0.0.0/8',
      '::1/128',
    ]);
    expect((await stack.post('/api/v1/invoices/', body, { 'idempotency-key': randomUUID() })).status).toBe(
      201,
    );
    expect(documentsWithReference(stack, 'IP-1')).toBe(1);
  });
});
