// After issuing: the lifecycle processor against the sandbox over HTTP and the run's real Redis,
// with the faults the issuing tests use (an insert that commits and then drops its connection).
import { randomBytes } from 'node:crypto';
import {
  createSecretBox,
  type ErrorCode,
  newId,
  parseCreditInput,
  parseInvoiceRequest,
  parseReceiptInput,
} from '@faturador/core';
import { processAction, toDocumentView } from '@faturador/issuing';
import { createMoloniClient } from '@faturador/moloni';
import { DEFAULT_CREDENTIALS, startMoloniSandbox } from '@faturador/moloni-sandbox';
import {
  type ActionKind,
  createIdempotency,
  createLedger,
  createLifecycleStore,
  fingerprint,
} from '@faturador/store';
import { randomPrefix, SEED_EXAMPLE_BODY, testRedis } from '@faturador/testing';
import { describe, expect, it, onTestFinished } from 'vitest';

async function setup() {
  const running = await startMoloniSandbox();
  onTestFinished(() => running.close());
  const redis = testRedis();
  const prefix = randomPrefix();
  const client = createMoloniClient({
    baseUrl: running.baseUrl,
    credentials: DEFAULT_CREDENTIALS,
    connectionId: 'con_life',
    redis,
    prefix,
    secretBox: createSecretBox(randomBytes(32)),
    retry: { baseDelayMs: 10, rateLimitDelayMs: 50 },
  });
  onTestFinished(() => client.close());
  const ledger = createLedger({ redis, prefix });
  const idempotency = createIdempotency({ redis, prefix, ttlSeconds: 3600 });
  const actions = createLifecycleStore({ redis, prefix, ttlSeconds: 3600 });
  let counter = 0;

  async function issue(overrides: Record<string, unknown> = {}) {
    counter += 1;
    const body = { ...SEED_EXAMPLE_BODY, reference: `TI-LIFE-${counter}`, ...overrides };
    const parsed = parseInvoiceRequest(body);
    if (!parsed.ok) throw parsed.error;
    const requestId = newId('req');
    await idempotency.claim({
      requestId,
      clientId: 'cli_life',
      idempotencyKey: `key-${requestId}`,
      fingerprint: fingerprint(body),
      reference: parsed.value.reference,
      request: parsed.value,
      origin: { kind: 'api' },
      connectionId: 'con_life',
    });
    const document = await client.issueDocument({
      request: parsed.value,
      ourReference: parsed.value.reference,
    });
    await ledger.markIssued(requestId, toDocumentView(document));
    return { requestId, reference: parsed.value.reference, document };
  }

  /** Claims an action and runs it the way BullMQ would: attempts until done or failed. */
  async function act(requestId: string, reference: string, kind: ActionKind, input: object) {
    const actionId = newId('act');
    const code = kind === 'credit_note' ? 'NC' : kind === 'receipt' ? 'RC' : null;
    await actions.claim({
      actionId,
      requestId,
      clientId: 'cli_life',
      kind,
      input: input as Record<string, unknown>,
      idempotencyKey: `key-${actionId}`,
      fingerprint: fingerprint(input),
      referenceCode: code,
      baseReference: reference,
    });
    for (let attemptsMade = 0; attemptsMade < 8; attemptsMade++) {
      const outcome = await processAction(
        { actionId, attemptsMade, maxAttempts: 8 },
        { ledger, actions, moloniFor: async () => client },
      );
      if (outcome.kind !== 'retry') break;
    }
    const action = await actions.get(actionId);
    if (!action) throw new Error('action vanished');
    return action;
  }

  const documentsOfType = (typeId: number) =>
    [...running.sandbox.state.documents.values()].filter((document) => document.document_type_id === typeId);
  const code = (action: { error: { code: ErrorCode } | null }) => action.error?.code ?? null;
  return { running, ledger, issue, act, documentsOfType, code };
}

describe('credit notes', () => {
  it('credits an FR in full with a reference of its own, then refuses to credit it again', async () => {
    const t = await setup();
    const { requestId, reference, document } = await t.issue();
    const credit = await t.act(
      requestId,
      reference,
      'credit_note',
      parseCreditInput({ reason: 'Erro no NIF' }),
    );
    expect(credit).toMatchObject({
      state: 'done',
      reference: `${reference}/NC1`,
      document: { number: 'NC M/1', totalCents: 1000 },
      outcome: { fully_credited: true },
    });
    const [note] = t.documentsOfType(3);
    expect(note).toMatchObject({
      status: 1,
      our_reference: `${reference}/NC1`,
      notes: 'Erro no NIF',
      associated: [{ associated_id: document.documentId, value: 0 }],
    });
    expect(note?.lines[0]?.related_id).toBe(
      t.running.sandbox.state.documents.get(document.documentId)?.lines[0]?.document_product_id,
    );

    const again = await t.act(requestId, reference, 'credit_note', parseCreditInput({ reason: 'De novo' }));
    expect(again.state).toBe('failed');
    expect(t.code(again)).toBe('CREDIT_EXCEEDS_REMAINING');
    expect(again.httpStatus).toBe(409);
    expect(t.documentsOfType(3)).toHaveLength(1);
  });

  it('makes one credit note when the insert commits and the connection drops', async () => {
    const t = await setup();
    const { requestId, reference } = await t.issue();
    t.running.sandbox.faults.add({ kind: 'commitThenDrop', endpoint: 'creditNotes/insert', times: 1 });
    const credit = await t.act(
      requestId,
      reference,
      'credit_note',
      parseCreditInput({ reason: 'Devolução' }),
    );
    expect(credit).toMatchObject({ state: 'done', document: { number: 'NC M/1' } });
    expect(t.documentsOfType(3)).toHaveLength(1);
    expect(t.running.sandbox.stats.count('creditNotes/insert')).toBe(1);
  });

  it('credits part of a line by quantity and refuses more than remains', async () => {
    const t = await setup();
    const { requestId, reference } = await t.issue({
      items: [{ product: 'hora de formação', gross_price: 10, vat_rate: 23, quantity: 3 }],
    });
    const first = await t.act(
      requestId,
      reference,
      'credit_note',
      parseCreditInput({ reason: 'Uma hora a menos', items: [{ line: 1, quantity: 2 }] }),
    );
    expect(first).toMatchObject({
      state: 'done',
      document: { totalCents: 2000 },
      outcome: { fully_credited: false },
    });
    const tooMuch = await t.act(
      requestId,
      reference,
      'credit_note',
      parseCreditInput({ reason: 'Mais duas', items: [{ line: 1, quantity: 2 }] }),
    );
    expect(t.code(tooMuch)).toBe('CREDIT_EXCEEDS_REMAINING');
    expect(tooMuch.error?.details).toMatchObject({ remaining_quantity: 1 });
    expect(t.documentsOfType(3)).toHaveLength(1);
    expect(() => parseCreditInput({ reason: '  ' })).toThrow(/reason/);
  });
});

describe('receipts', () => {
  it('settles an FT in two payments, refuses more than is open, and one receipt survives a dropped insert', async () => {
    const t = await setup();
    const { requestId, reference } = await t.issue({ document_type: 'invoice' });
    const first = await t.act(requestId, reference, 'receipt', parseReceiptInput({ amount: 4 }));
    expect(first).toMatchObject({
      state: 'done',
      reference: `${reference}/RC1`,
      document: { number: 'RE M/1', totalCents: 400 },
      outcome: { open_amount: 6 },
    });
    const tooMuch = await t.act(requestId, reference, 'receipt', parseReceiptInput({ amount: 7 }));
    expect(t.code(tooMuch)).toBe('AMOUNT_EXCEEDS_OPEN');
    expect(tooMuch.error?.details).toMatchObject({ open_amount: 6 });

    t.running.sandbox.faults.add({ kind: 'commitThenDrop', endpoint: 'receipts/insert', times: 1 });
    const rest = await t.act(requestId, reference, 'receipt', parseReceiptInput({}));
    expect(rest).toMatchObject({
      state: 'done',
      reference: `${reference}/RC3`,
      document: { number: 'RE M/2', totalCents: 600 },
      outcome: { open_amount: 0 },
    });
    expect(t.documentsOfType(2)).toHaveLength(2);
    const paid = await t.act(requestId, reference, 'receipt', parseReceiptInput({}));
    expect(t.code(paid)).toBe('DOCUMENT_ALREADY_PAID');
  });

  it('refuses a receipt for an FR (paid on issue)', async () => {
    const t = await setup();
    const { requestId, reference } = await t.issue();
    const refused = await t.act(requestId, reference, 'receipt', parseReceiptInput({}));
    expect(t.code(refused)).toBe('DOCUMENT_ALREADY_PAID');
    expect(t.documentsOfType(2)).toHaveLength(0);
  });
});

describe('drafts', () => {
  it('finalizes a draft (the ledger shows the final document), and refuses to delete it then', async () => {
    const t = await setup();
    const { requestId, reference, document } = await t.issue({ status: 'draft' });
    const onDraft = await t.act(requestId, reference, 'credit_note', parseCreditInput({ reason: 'x' }));
    expect(t.code(onDraft)).toBe('DOCUMENT_NOT_FINAL');
    const finalized = await t.act(requestId, reference, 'finalize', {});
    expect(finalized).toMatchObject({ state: 'done', document: { number: 'FR M/1', totalCents: 1000 } });
    expect((await t.ledger.get(requestId))?.document).toMatchObject({
      status: 'final',
      number: 'FR M/1',
      moloni_document_id: document.documentId,
    });
    const deleted = await t.act(requestId, reference, 'delete', {});
    expect(t.code(deleted)).toBe('DOCUMENT_FINAL');
  });

  it('deletes a draft in Moloni; afterwards nothing can be done with it', async () => {
    const t = await setup();
    const { requestId, reference, document } = await t.issue({ status: 'draft' });
    t.running.sandbox.faults.add({ kind: 'commitThenDrop', endpoint: 'invoiceReceipts/delete', times: 1 });
    const deleted = await t.act(requestId, reference, 'delete', {});
    expect(deleted).toMatchObject({ state: 'done', outcome: { deleted: true } });
    expect(t.running.sandbox.state.documents.has(document.documentId)).toBe(false);
    const finalize = await t.act(requestId, reference, 'finalize', {});
    expect(t.code(finalize)).toBe('DOCUMENT_NOT_FINAL');
  });
});
