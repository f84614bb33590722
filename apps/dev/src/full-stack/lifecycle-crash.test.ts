// Lifecycle jobs under the faults the issuing tests use: a worker SIGKILLed while Moloni (or the
// mail server) holds what it sent, and inserts that commit and then drop their connection. Each
// ends with exactly one credit note, one receipt, one e-mail.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_BODY, type Stack, startStack } from '../stack.ts';

const workerMain = join(import.meta.dirname, '..', '..', '..', 'worker', 'src', 'main.ts');
const QUICK_LOCKS = { LOCK_DURATION_MS: '2000', STALLED_INTERVAL_MS: '1000' };

let stack: Stack | undefined;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await stack?.close();
  stack = undefined;
});

function spawnWorker(env: Record<string, string>): ChildProcess {
  // `node --import tsx` is one process: SIGKILL must hit the worker itself, not a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', workerMain], {
    env: { ...process.env, ...env, LOG_LEVEL: 'silent', METRICS_PORT: '0', ...QUICK_LOCKS },
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

const key = () => ({ 'idempotency-key': randomUUID() });
const ofType = (current: Stack, typeId: number) =>
  [...current.sandbox.sandbox.state.documents.values()].filter((d) => d.document_type_id === typeId);
const CREDIT_NOTE = 3;
const RECEIPT = 2;

async function issue(current: Stack, reference: string, extra: Record<string, unknown> = {}) {
  const response = await current.post('/api/v1/invoices/', { ...SEED_BODY, reference, ...extra }, key());
  expect(response.status).toBe(201);
  return response.body.request_id as string;
}

describe('a worker SIGKILLed mid-action', () => {
  it('after Moloni committed the credit note: the job runs again, adopts it, one NC', async () => {
    stack = await startStack({
      redisUrl: testRedisUrl(),
      prefix: randomPrefix(),
      worker: false,
      syncBudgetMs: 25_000,
    });
    const current = stack;
    const first = spawnWorker(current.env);
    const requestId = await issue(current, 'KILL-NC');
    current.sandbox.sandbox.faults.add({ kind: 'commitThenHang', endpoint: 'creditNotes/insert', times: 1 });
    const answer = current.post(`/api/v1/invoices/${requestId}/credit-notes`, { reason: 'Devolução' }, key());
    await until(() => ofType(current, CREDIT_NOTE).length === 1, 15_000);
    first.kill('SIGKILL');
    spawnWorker(current.env);
    const response = await answer;
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      reference: 'KILL-NC/NC1',
      document: { total: 10 },
      fully_credited: true,
    });
    expect(ofType(current, CREDIT_NOTE)).toHaveLength(1);
  }, 45_000);

  it('after Moloni committed the receipt: the job runs again, finds it, one receipt', async () => {
    stack = await startStack({
      redisUrl: testRedisUrl(),
      prefix: randomPrefix(),
      worker: false,
      syncBudgetMs: 25_000,
    });
    const current = stack;
    const first = spawnWorker(current.env);
    const requestId = await issue(current, 'KILL-RC', { document_type: 'invoice' });
    current.sandbox.sandbox.faults.add({ kind: 'commitThenHang', endpoint: 'receipts/insert', times: 1 });
    const answer = current.post(`/api/v1/invoices/${requestId}/receipts`, {}, key());
    await until(() => ofType(current, RECEIPT).length === 1, 15_000);
    first.kill('SIGKILL');
    spawnWorker(current.env);
    const response = await answer;
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      reference: 'KILL-RC/RC1',
      document: { total: 10 },
      open_amount: 0,
    });
    expect(ofType(current, RECEIPT)).toHaveLength(1);
  }, 45_000);

  it('while the mail server held the message: the e-mail is in doubt, and not sent a second time', async () => {
    stack = await startStack({ redisUrl: testRedisUrl(), prefix: randomPrefix(), worker: false });
    const current = stack;
    const first = spawnWorker(current.env);
    const requestId = await issue(current, 'KILL-MAIL');
    current.mail.addFault({ stage: 'data', action: 'hang_after_commit' });
    const accepted = await current.post(`/api/v1/invoices/${requestId}/email`, {}, key());
    expect(accepted.status).toBe(202);
    const messageId = `<${accepted.body.action_id}@faturador>`;
    const copies = () => current.mail.messages().filter((m) => m.messageId === messageId).length;
    await until(() => copies() === 1, 15_000);
    first.kill('SIGKILL');
    spawnWorker(current.env);
    let email: Record<string, unknown> | undefined;
    await until(async () => {
      const status = await current.get(`/api/v1/invoices/${requestId}`);
      email = status.body.related_documents[0];
      return email?.state === 'in_doubt';
    }, 20_000);
    expect(email).toMatchObject({ message_id: messageId, error: { code: 'EMAIL_IN_DOUBT' } });
    expect(copies()).toBe(1);
  }, 45_000);
});

describe('inserts that commit and then drop the connection, through the API', () => {
  it('make one credit note and one receipt', async () => {
    stack = await startStack({ redisUrl: testRedisUrl(), prefix: randomPrefix(), syncBudgetMs: 8_000 });
    const current = stack;
    const requestId = await issue(current, 'DROP-LIFE', {
      document_type: 'invoice',
      items: [{ product: 'consultoria', gross_price: 10, vat_rate: 23, quantity: 2 }],
    });
    const path = `/api/v1/invoices/${requestId}`;
    current.sandbox.sandbox.faults.add({ kind: 'commitThenDrop', endpoint: 'receipts/insert', times: 1 });
    const receipt = await current.post(`${path}/receipts`, { amount: 5 }, key());
    expect(receipt).toMatchObject({ status: 201, body: { reference: 'DROP-LIFE/RC1', open_amount: 15 } });
    expect(ofType(current, RECEIPT)).toHaveLength(1);

    current.sandbox.sandbox.faults.add({ kind: 'commitThenDrop', endpoint: 'creditNotes/insert', times: 1 });
    const credit = await current.post(
      `${path}/credit-notes`,
      { reason: 'Devolução', items: [{ line: 1, quantity: 1 }] },
      key(),
    );
    expect(credit).toMatchObject({
      status: 201,
      body: { reference: 'DROP-LIFE/NC1', document: { total: 10 } },
    });
    expect(ofType(current, CREDIT_NOTE)).toHaveLength(1);
    expect(current.sandbox.sandbox.stats.count('creditNotes/insert')).toBe(1);
    expect(current.sandbox.sandbox.stats.count('receipts/insert')).toBe(1);
    expect((await current.get(path)).body).toMatchObject({ open_amount: 5, credited_amount: 10 });
  }, 30_000);
});

describe('actions on one request at once', () => {
  it('run one after the other: six receipts sent together settle an FT exactly, the rest refused', async () => {
    stack = await startStack({ redisUrl: testRedisUrl(), prefix: randomPrefix(), syncBudgetMs: 15_000 });
    const current = stack;
    const requestId = await issue(current, 'BUSY-RC', { document_type: 'invoice' });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        current.post(`/api/v1/invoices/${requestId}/receipts`, { amount: 2.5 }, key()),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([201, 201, 201, 201, 409, 409]);
    expect(ofType(current, RECEIPT)).toHaveLength(4);
    const opens = answers.filter((a) => a.status === 201).map((a) => a.body.open_amount);
    expect(opens.sort()).toEqual([0, 2.5, 5, 7.5]);
    expect((await current.get(`/api/v1/invoices/${requestId}`)).body.open_amount).toBe(0);
  }, 30_000);
});
