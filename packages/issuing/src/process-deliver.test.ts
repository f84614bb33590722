import { randomBytes } from 'node:crypto';
import { type AirtableOrigin, newId, notDeliverable, parseInvoiceRequest } from '@faturador/core';
import { createDestinationLock, fingerprint } from '@faturador/store';
import { randomPrefix, SEED_EXAMPLE_BODY, testRedisUrl } from '@faturador/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeliverDeps, type Notice, processDeliver } from './process-deliver.ts';
import { createRuntime, type Runtime } from './runtime.ts';

/**
 * The deliver step is a destination's only writer. These tests run it on a real ledger and lock,
 * with deliverers that record what they would have written, in order.
 */
let runtime: Runtime;
beforeAll(async () => {
  runtime = await createRuntime({
    redisUrl: testRedisUrl(),
    masterKey: randomBytes(32).toString('hex'),
    prefix: randomPrefix(),
    mode: 'worker',
  });
});
afterAll(async () => {
  await runtime?.close();
});

const origin = (record_id: string): AirtableOrigin => ({
  kind: 'airtable',
  base_id: 'appBase0000000001',
  table_id: 'tblTable000000001',
  record_id,
});

async function claim(record: string): Promise<string> {
  const body = { ...SEED_EXAMPLE_BODY, reference: `AT-${record}` };
  const parsed = parseInvoiceRequest(body);
  if (!parsed.ok) throw parsed.error;
  const result = await runtime.idempotency.claim({
    requestId: newId('req'),
    clientId: 'ops',
    idempotencyKey: randomBytes(8).toString('hex'),
    fingerprint: fingerprint(body),
    reference: body.reference,
    request: parsed.value,
    origin: origin(record),
    connectionId: null,
  });
  if (result.kind !== 'claimed') throw new Error(`claim: ${result.kind}`);
  return result.requestId;
}

const DOCUMENT = {
  type: 'invoice_receipt',
  status: 'final',
  moloni_document_id: 1,
  number: 'FR M/1',
  series: 'M',
  total_gross: 10,
  currency: 'EUR',
  pdf_url: null,
  created_at: '2026-12-02T10:00:00Z',
} as const;

function harness(options: { slowNoticeMs?: number; guard?: (clientId: string) => string | null } = {}) {
  const written: string[] = [];
  const deps: DeliverDeps = {
    ledger: runtime.ledger,
    lock: createDestinationLock(runtime.redis, runtime.prefix, { waitMs: 5_000 }),
    guard: async (target) => options.guard?.(target.clientId) ?? null,
    deliverers: {
      airtable: async (entry) => void written.push(`result:${entry.state}`),
    },
    notices: {
      airtable: async (_target, notice: Notice) => {
        // The notice read the ledger before this pause; a result may land meanwhile.
        if (options.slowNoticeMs) await new Promise((resolve) => setTimeout(resolve, options.slowNoticeMs));
        written.push(notice.kind === 'issuing' ? 'issuing' : `refused:${notice.error.code}`);
      },
    },
  };
  return { deps, written };
}

describe('processDeliver', () => {
  it('writes "issuing" while the request runs, then the result; the ledger records the delivery', async () => {
    const { deps, written } = harness();
    const requestId = await claim('recDeliver0000001');
    expect(await processDeliver({ requestId, progress: true }, false, deps)).toEqual({ kind: 'done' });
    await runtime.ledger.markIssued(requestId, DOCUMENT);
    expect(await processDeliver({ requestId }, false, deps)).toEqual({ kind: 'done' });
    expect(written).toEqual(['issuing', 'result:issued']);
    expect((await runtime.ledger.get(requestId))?.delivery.state).toBe('delivered');
  });

  it('a notice that comes after the result writes nothing: the record keeps the result', async () => {
    const { deps, written } = harness();
    const requestId = await claim('recDeliver0000002');
    await runtime.ledger.markIssued(requestId, DOCUMENT);
    await processDeliver({ requestId }, false, deps);
    await processDeliver({ requestId, progress: true }, false, deps);
    expect(written).toEqual(['result:issued']);
  });

  it('a notice and the result racing for one record: the result is always written last', async () => {
    const { deps, written } = harness({ slowNoticeMs: 150 });
    const requestId = await claim('recDeliver0000003');
    const notice = processDeliver({ requestId, progress: true }, false, deps);
    // The result lands while the notice is being written; its delivery waits for the lock.
    await new Promise((resolve) => setTimeout(resolve, 30));
    await runtime.ledger.markIssued(requestId, DOCUMENT);
    const result = processDeliver({ requestId }, false, deps);
    await Promise.all([notice, result]);
    expect(written).toEqual(['issuing', 'result:issued']);
  });

  it("a trigger's refusal goes to its record, unless the record's base is another client's", async () => {
    const { deps, written } = harness({ guard: (clientId) => (clientId === 'ops' ? null : 'not yours') });
    const refusal = (clientId: string) => ({
      refusal: {
        clientId,
        origin: origin('recDeliver0000004'),
        error: { code: 'VALIDATION_ERROR', message: 'O registo não tem NIF.' },
      },
    });
    expect(await processDeliver(refusal('ops'), false, deps)).toEqual({ kind: 'done' });
    expect((await processDeliver(refusal('intruder'), false, deps)).kind).toBe('refused');
    expect(written).toEqual(['refused:VALIDATION_ERROR']);
  });

  it('a destination held by another delivery is retried later, not written out of turn', async () => {
    const { deps } = harness();
    const requestId = await claim('recDeliver0000005');
    await runtime.ledger.markIssued(requestId, DOCUMENT);
    const held = createDestinationLock(runtime.redis, runtime.prefix, { waitMs: 0 });
    const busy = { ...deps, lock: createDestinationLock(runtime.redis, runtime.prefix, { waitMs: 50 }) };
    const outcome = await held.withLock(
      `airtable:appBase0000000001:tblTable000000001:recDeliver0000005`,
      () => processDeliver({ requestId }, false, busy),
    );
    expect(outcome?.value.kind).toBe('retry');
    expect((await runtime.ledger.get(requestId))?.delivery.state).not.toBe('delivered');
  });

  describe('the outcome of an action after issuing', () => {
    async function settledAction(requestId: string, state: 'done' | 'failed' | 'running') {
      const claimed = await runtime.actions.claim({
        actionId: newId('act'),
        requestId,
        clientId: 'ops',
        kind: 'credit_note',
        input: { reason: 'NIF errado' },
        idempotencyKey: randomBytes(8).toString('hex'),
        fingerprint: randomBytes(8).toString('hex'),
        referenceCode: 'NC',
        baseReference: 'AT-rec',
        by: 'admin:ops@example.pt',
      });
      const { actionId } = claimed.action;
      if (state === 'running') await runtime.actions.markRunning(actionId);
      if (state === 'done') {
        await runtime.actions.markDone(
          actionId,
          {
            moloniDocumentId: 9,
            number: 'NC M/1',
            totalCents: 1000,
            createdAt: '2026-12-02T10:01:00Z',
          },
          null,
        );
      }
      if (state === 'failed') {
        await runtime.actions.markFailed(
          actionId,
          { code: 'CREDIT_EXCEEDS_REMAINING', message: 'Nothing left.', details: null },
          409,
        );
      }
      return actionId;
    }

    function actionHarness(guard?: () => string | null) {
      const told: string[] = [];
      const { deps } = harness();
      return {
        told,
        deps: {
          ...deps,
          actions: runtime.actions,
          guard: async () => guard?.() ?? null,
          actionDeliverers: {
            airtable: async (_entry, action, history) =>
              void told.push(`${action.kind}:${action.state}:${history.related.credited_amount}`),
          },
        } satisfies DeliverDeps,
      };
    }

    it("tells the request's record once, with what the document adds up to; a second job writes nothing", async () => {
      const { deps, told } = actionHarness();
      const requestId = await claim('recDeliver0000006');
      await runtime.ledger.markIssued(requestId, DOCUMENT);
      const actionId = await settledAction(requestId, 'done');
      expect(await processDeliver({ requestId, actionId }, false, deps)).toEqual({ kind: 'done' });
      expect(await processDeliver({ requestId, actionId }, false, deps)).toEqual({ kind: 'done' });
      expect(told).toEqual(['credit_note:done:10']);
      expect((await runtime.actions.get(actionId))?.delivery).toEqual({ state: 'delivered', detail: null });
    });

    it('tells a failure too; an action still running, or of another request, is not delivered', async () => {
      const { deps, told } = actionHarness();
      const requestId = await claim('recDeliver0000007');
      const other = await claim('recDeliver0000008');
      await runtime.ledger.markIssued(requestId, DOCUMENT);
      const failed = await settledAction(requestId, 'failed');
      const running = await settledAction(requestId, 'running');
      expect(await processDeliver({ requestId, actionId: failed }, false, deps)).toEqual({ kind: 'done' });
      expect((await processDeliver({ requestId, actionId: running }, false, deps)).kind).toBe('failed');
      expect((await processDeliver({ requestId: other, actionId: failed }, false, deps)).kind).toBe('failed');
      expect(told).toEqual(['credit_note:failed:0']);
    });

    it("a destination that is not the client's is refused, and recorded so on the action", async () => {
      const { deps, told } = actionHarness(() => 'not yours');
      const requestId = await claim('recDeliver0000009');
      await runtime.ledger.markIssued(requestId, DOCUMENT);
      const actionId = await settledAction(requestId, 'done');
      expect((await processDeliver({ requestId, actionId }, false, deps)).kind).toBe('refused');
      expect(told).toEqual([]);
      expect((await runtime.actions.get(actionId))?.delivery?.state).toBe('refused');
    });
  });

  it('a destination it has no means to reach ends without delivery and says why, not as a refusal', async () => {
    const reason = 'no token for that destination';
    const unreachable = async () => {
      throw notDeliverable(reason);
    };
    const { deps } = harness();
    const logged: string[] = [];
    const bare: DeliverDeps = {
      ...deps,
      actions: runtime.actions,
      deliverers: { airtable: unreachable },
      actionDeliverers: { airtable: unreachable },
      notices: { airtable: unreachable },
      logger: {
        error: (_obj, msg) => void logged.push(`error:${msg}`),
        warn: () => void logged.push('warn'),
      },
    };
    const requestId = await claim('recDeliver0000010');
    expect(await processDeliver({ requestId, progress: true }, false, bare)).toEqual({ kind: 'done' });
    await runtime.ledger.markIssued(requestId, DOCUMENT);
    // Not the last attempt: still not retried, since nothing would change by waiting.
    expect(await processDeliver({ requestId }, false, bare)).toEqual({ kind: 'done' });
    expect((await runtime.ledger.get(requestId))?.delivery).toEqual({ state: 'none', detail: reason });
    const claimed = await runtime.actions.claim({
      actionId: newId('act'),
      requestId,
      clientId: 'ops',
      kind: 'email',
      input: { to: 'cliente@example.pt' },
      idempotencyKey: randomBytes(8).toString('hex'),
      fingerprint: randomBytes(8).toString('hex'),
      referenceCode: null,
      baseReference: 'AT-rec',
    });
    const { actionId } = claimed.action;
    await runtime.actions.markDone(actionId, null, { to: 'cliente@example.pt' });
    expect(await processDeliver({ requestId, actionId }, false, bare)).toEqual({ kind: 'done' });
    expect((await runtime.actions.get(actionId))?.delivery).toEqual({ state: 'none', detail: reason });
    // Logged for the operator as a warning each time; never as a refusal.
    expect(logged).toEqual(['warn', 'warn', 'warn']);
  });
});
