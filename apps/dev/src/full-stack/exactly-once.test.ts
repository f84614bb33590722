import { randomUUID } from 'node:crypto';
import { startHeartbeat, writerOf } from '@faturador/store';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_BODY, type Stack, startStack } from '../stack.ts';

let stack: Stack | undefined;

afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const key = () => ({ 'idempotency-key': randomUUID() });
const body = (reference: string) => ({ ...SEED_BODY, reference });

function documents(current: Stack, reference: string) {
  return [...current.sandbox.sandbox.state.documents.values()].filter((d) => d.our_reference === reference);
}

describe('a reference is never freed while Moloni may hold its document', () => {
  it('seven 503s, then an insert that commits and drops: A is in doubt, B is refused, A settles to one document', async () => {
    stack = await startStack({
      redisUrl: testRedisUrl(),
      prefix: randomPrefix(),
      syncBudgetMs: 15_000,
      issueAttempts: 8,
    });
    const current = stack;
    const faults = current.sandbox.sandbox.faults;
    faults.add({ kind: 'status', status: 503, endpoint: 'invoiceReceipts/insert', times: 7 });
    faults.add({ kind: 'commitThenDrop', endpoint: 'invoiceReceipts/insert', times: 1 });

    // 1. A uses its 8 attempts; the 8th commits a draft in Moloni and its answer is lost.
    const keyA = key();
    const a = await current.post('/api/v1/invoices/', body('SEQ-1'), keyA);
    expect(a.status).toBe(504);
    expect(a.body.error).toMatchObject({
      code: 'MOLONI_TIMEOUT',
      details: { outcome: 'unknown', in_doubt: true, retry_with_same_idempotency_key: true },
    });
    expect(a.body.error.message).toContain('same Idempotency-Key');
    expect(documents(current, 'SEQ-1')).toMatchObject([{ status: 0 }]);

    // 2–3. The same reference under key B: refused, pointing at A, and nothing is inserted.
    const b = await current.post('/api/v1/invoices/', body('SEQ-1'), key());
    expect(b.status).toBe(409);
    expect(b.body.error).toMatchObject({
      code: 'REFERENCE_ALREADY_ISSUED',
      details: { request_id: a.body.request_id, state: 'failed', in_doubt: true },
    });
    expect(documents(current, 'SEQ-1')).toHaveLength(1);

    // A retries with its key: the re-run finds its own draft by reference and closes it.
    const settled = await current.post('/api/v1/invoices/', body('SEQ-1'), keyA);
    expect(settled.status).toBe(201);
    expect(settled.body.request_id).toBe(a.body.request_id);
    expect(settled.body.document.number).toMatch(/^FR M\//);
    expect(documents(current, 'SEQ-1')).toMatchObject([{ status: 1 }]);

    const later = await current.post('/api/v1/invoices/', body('SEQ-1'), key());
    expect(later.status).toBe(409);
    expect(later.body.error.details.document.number).toBe(settled.body.document.number);
    expect(documents(current, 'SEQ-1')).toHaveLength(1);
  }, 60_000);

  it('a job that used all its attempts, re-run by the same key, gets a fresh budget of retries', async () => {
    stack = await startStack({
      redisUrl: testRedisUrl(),
      prefix: randomPrefix(),
      syncBudgetMs: 10_000,
      issueAttempts: 3,
    });
    const current = stack;
    const faults = current.sandbox.sandbox.faults;
    faults.add({ kind: 'status', status: 503, endpoint: 'invoiceReceipts/insert', times: 3 });
    const headers = key();
    const first = await current.post('/api/v1/invoices/', body('BUDGET-1'), headers);
    expect(first.status).toBe(503);
    // Moloni is still flaky for two more calls: the re-run must retry them, not fail on the first.
    faults.add({ kind: 'status', status: 503, endpoint: 'invoiceReceipts/insert', times: 2 });
    const rerun = await current.post('/api/v1/invoices/', body('BUDGET-1'), headers);
    expect(rerun.status).toBe(201);
    expect(rerun.body.request_id).toBe(first.body.request_id);
    expect(documents(current, 'BUDGET-1')).toMatchObject([{ status: 1 }]);
  }, 60_000);

  it("waits for a live worker's unanswered insert as a delayed job, then issues once that worker is gone", async () => {
    stack = await startStack({ redisUrl: testRedisUrl(), prefix: randomPrefix(), worker: false });
    const current = stack;
    const accepted = await current.post('/api/v1/invoices/', body('WAIT-1'), {
      ...key(),
      prefer: 'respond-async',
    });
    expect(accepted.status).toBe(202);
    const requestId = accepted.body.request_id as string;
    // Another worker, alive, has an insert of this request in flight (it lost its lock, say).
    const runtime = current.api.runtime;
    const other = startHeartbeat(runtime.redis, runtime.prefix, 1_000);
    await runtime.ledger.beginWrite(requestId, writerOf(other.workerId, 'in-flight'), 60_000);
    await current.startWorker();
    await sleep(1_500);
    expect((await runtime.ledger.get(requestId))?.state).toBe('issuing');
    expect(documents(current, 'WAIT-1')).toHaveLength(0);
    const job = await current.api.runtime.queues.issue.getJob(requestId);
    expect(await job?.getState()).toBe('delayed');
    expect(job?.attemptsMade).toBe(0);
    // That worker dies: its heartbeat lapses and the delayed run goes ahead, once.
    other.stop();
    const started = Date.now();
    while ((await runtime.ledger.get(requestId))?.state !== 'issued' && Date.now() - started < 15_000) {
      await sleep(100);
    }
    expect((await runtime.ledger.get(requestId))?.state).toBe('issued');
    expect(documents(current, 'WAIT-1')).toMatchObject([{ status: 1 }]);
  }, 60_000);
});
