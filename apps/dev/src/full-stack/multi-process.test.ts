import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { freePort, randomPrefix, testRedisUrl } from '@faturador/testing';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devEnvironment } from '../env.ts';
import { DEMO_CLIENT, documentsWithReference, SEED_BODY, type Stack, startStack } from '../stack.ts';

/**
 * More than one machine, on one Redis: two API processes and three worker processes, as separate
 * `node` processes. Callers retry through either API with the same key, some references are sent
 * under two keys at once, and Moloni drops answers after committing: every reference ends with
 * exactly one closed document, and every caller of one key gets the same answer.
 */
const APPS = join(import.meta.dirname, '..', '..', '..');
const children: ChildProcess[] = [];
let stack: Stack;
const apis: string[] = [];

function start(main: string, env: Record<string, string>): void {
  const child = spawn(process.execPath, ['--import', 'tsx', join(APPS, main)], {
    env: {
      ...devEnvironment(),
      ...env,
      LOG_LEVEL: 'silent',
      LOCK_DURATION_MS: '2000',
      STALLED_INTERVAL_MS: '1000',
    },
    stdio: 'ignore',
  });
  children.push(child);
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  // The in-process stack only seeds Redis and runs the sandbox: its own API is not called.
  stack = await startStack({ redisUrl: testRedisUrl(), prefix: randomPrefix(), worker: false });
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    start('api/src/main.ts', { ...stack.env, PORT: String(port), SYNC_BUDGET_MS: '4000' });
    apis.push(`http://127.0.0.1:${port}`);
  }
  for (let i = 0; i < 3; i++) start('worker/src/main.ts', { ...stack.env, METRICS_PORT: '0' });
  for (const api of apis) {
    await until(async () => (await request(`${api}/readyz`)).statusCode === 200, 30_000);
  }
}, 60_000);
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await stack?.close();
});

interface Answer {
  status: number;
  requestId: string | null;
  number: string | null;
  code: string | null;
}

/** One caller: the same key, alternating APIs, until a final answer (or 30 s). */
async function caller(reference: string, key: string, first: number): Promise<Answer> {
  const deadline = Date.now() + 30_000;
  for (let attempt = first; Date.now() < deadline; attempt++) {
    const api = apis[attempt % apis.length];
    const response = await request(`${api}/api/v1/invoices/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': key,
        'x-client-id': DEMO_CLIENT.clientId,
        'x-api-key': DEMO_CLIENT.apiKey,
        'x-api-secret': DEMO_CLIENT.apiSecret,
      },
      body: JSON.stringify({ ...SEED_BODY, reference }),
    }).catch(() => null);
    if (!response) continue;
    const body = (await response.body.json()) as Record<string, any>;
    if (response.statusCode < 500) {
      return {
        status: response.statusCode,
        requestId: body.request_id ?? null,
        number: body.document?.number ?? body.error?.details?.document?.number ?? null,
        code: body.error?.code ?? null,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { status: 0, requestId: null, number: null, code: null };
}

describe('two API and three worker processes on one Redis', () => {
  it('issue every reference exactly once, whichever API and worker each call meets', async () => {
    const { faults } = stack.sandbox.sandbox;
    faults.add({ kind: 'commitThenDrop', endpoint: 'invoiceReceipts/insert', times: 3 });
    faults.add({ kind: 'status', status: 503, endpoint: 'invoiceReceipts/update', times: 2 });
    const references = Array.from({ length: 24 }, (_, i) => `MULTI-${i}`);
    const runs = await Promise.all(
      references.map(async (reference, i) => {
        const key = randomUUID();
        // Two callers of one key on different APIs at once; every third reference also under a second key.
        const calls = [caller(reference, key, 0), caller(reference, key, 1)];
        if (i % 3 === 0) calls.push(caller(reference, randomUUID(), i));
        return { reference, answers: await Promise.all(calls) };
      }),
    );
    for (const { reference, answers } of runs) {
      expect(documentsWithReference(stack, reference), reference).toBe(1);
      const [a, b, other] = answers as [Answer, Answer, Answer | undefined];
      // The two callers of one key always get the same answer.
      expect(b).toEqual(a);
      // Exactly one key wins the reference (usually the first, sometimes the second when it
      // reserves it first); any other key meets it already issued: never a second document.
      const keys = other ? [a, other] : [a];
      expect(
        keys.filter((answer) => answer.status === 201),
        reference,
      ).toHaveLength(1);
      for (const answer of keys.filter((answer) => answer.status !== 201)) {
        expect(answer.status, reference).toBe(409);
        expect(answer.code, reference).toBe('REFERENCE_ALREADY_ISSUED');
      }
    }
    const closed = [...stack.sandbox.sandbox.state.documents.values()].filter(
      (document) => document.our_reference.startsWith('MULTI-') && document.status === 1,
    );
    expect(closed).toHaveLength(references.length);
    // The faults were met, not skipped: each was used up.
    expect(faults.list()).toEqual([]);
  }, 90_000);
});
