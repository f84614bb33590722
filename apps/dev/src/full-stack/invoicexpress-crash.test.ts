import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  DEFAULT_ACCOUNT,
  type RunningInvoiceXpressSandbox,
  startInvoiceXpressSandbox,
} from '@faturador/invoicexpress-sandbox';
import { createApiClientStore, createConnectionStore } from '@faturador/store';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { SEED_BODY, type Stack, startStack } from '../stack.ts';

// The crash test of Moloni issuing, on InvoiceXpress: a real worker process SIGKILLed while
// InvoiceXpress holds the document it created and never answered for.
const workerMain = join(import.meta.dirname, '..', '..', '..', 'worker', 'src', 'main.ts');
const children: ChildProcess[] = [];
let stack: Stack | undefined;
let ix: RunningInvoiceXpressSandbox | undefined;

afterAll(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await stack?.close();
  await ix?.close();
});

function spawnWorker(env: Record<string, string>): ChildProcess {
  // `node --import tsx` is one process: SIGKILL must hit the worker itself, not a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', workerMain], {
    env: {
      ...process.env,
      ...env,
      LOG_LEVEL: 'silent',
      LOCK_DURATION_MS: '2000',
      STALLED_INTERVAL_MS: '1000',
    },
    stdio: 'ignore',
  });
  children.push(child);
  return child;
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('crashes on InvoiceXpress', () => {
  it('a worker SIGKILLed after InvoiceXpress created the document: the re-run adopts it, one document', async () => {
    stack = await startStack({
      redisUrl: testRedisUrl(),
      prefix: randomPrefix(),
      worker: false,
      syncBudgetMs: 25_000,
    });
    ix = await startInvoiceXpressSandbox();
    const { runtime } = stack.api;
    const deps = { redis: runtime.redis, prefix: runtime.prefix, secretBox: runtime.secretBox };
    const connection = await createConnectionStore(deps).createConnection({
      provider: 'invoicexpress',
      name: 'InvoiceXpress',
      account: DEFAULT_ACCOUNT.name,
      api_key: DEFAULT_ACCOUNT.apiKey,
      base_url: ix.baseUrlTemplate,
    });
    const clients = createApiClientStore(deps);
    await clients.createClient({
      client_id: 'ix_crash',
      name: 'Crash',
      connection_id: connection.connection_id,
    });
    const key = await clients.createKey('ix_crash', { scopes: ['invoices:write'] });
    const headers = { 'x-client-id': 'ix_crash', 'x-api-key': key.key.key_id, 'x-api-secret': key.secret };
    const running = ix;
    const documents = () =>
      [...(running.sandbox.state.accounts.get(DEFAULT_ACCOUNT.name)?.documents.values() ?? [])].filter(
        (document) => document.reference === 'IX-KILL-1' && document.status !== 'deleted',
      );
    // The create commits, then InvoiceXpress never answers: the worker is stuck mid-call.
    running.sandbox.faults.add({ kind: 'commitThenHang', endpoint: 'invoice_receipts/create', times: 1 });
    const first = spawnWorker(stack.env);
    const answer = stack.post(
      '/api/v1/invoices/',
      { ...SEED_BODY, reference: 'IX-KILL-1' },
      { ...headers, 'idempotency-key': randomUUID() },
    );
    await until(() => documents().length === 1, 15_000);
    first.kill('SIGKILL');
    spawnWorker(stack.env);
    const response = await answer;
    expect(response.status).toBe(201);
    expect(response.body.document).toMatchObject({
      status: 'final',
      number: expect.stringMatching(/^FR \S+\/\d+$/),
    });
    expect(documents()).toHaveLength(1);
    expect(response.body.document.moloni_document_id).toBe(documents()[0]?.id);
  }, 60_000);
});
