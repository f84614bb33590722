import { randomBytes } from 'node:crypto';
import { newId, parseInvoiceRequest } from '@faturador/core';
import { type DocumentOrder, type RunningMoloniSandbox, startMoloniSandbox } from '@faturador/moloni-sandbox';
import { companyScope, createConnectionStore, fingerprint, startHeartbeat, writerOf } from '@faturador/store';
import { randomPrefix, SEED_EXAMPLE_BODY, testRedisUrl } from '@faturador/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IssueOutcome, processIssue } from './process-issue.ts';
import { createRuntime, type Runtime } from './runtime.ts';

let runtime: Runtime;
let sandbox: RunningMoloniSandbox;
let connectionId: string;
/** The guard's scope: the connection's Moloni company. */
let scope: string;
const errors: string[] = [];
const logger = {
  info: () => {},
  warn: () => {},
  error: (_: object, message: string) => errors.push(message),
};

beforeAll(async () => {
  sandbox = await startMoloniSandbox();
  runtime = await createRuntime({
    redisUrl: testRedisUrl(),
    masterKey: randomBytes(32).toString('hex'),
    prefix: randomPrefix(),
    mode: 'worker',
  });
  const { credentials } = sandbox.sandbox;
  const connection = await createConnectionStore({
    redis: runtime.redis,
    prefix: runtime.prefix,
    secretBox: runtime.secretBox,
  }).createConnection({
    name: 'sandbox',
    kind: 'sandbox',
    base_url: sandbox.baseUrl,
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    username: credentials.username,
    password: credentials.password,
  });
  connectionId = connection.connection_id;
  const account = await (await runtime.moloni.resolve(connectionId)).account();
  scope = companyScope(account.baseUrl, account.companyId);
});
afterAll(async () => {
  await runtime?.close();
  await sandbox?.close();
});

const deps = () => ({ ...runtime, moloniFor: runtime.moloni.resolve, logger });

function requestOf(
  reference: string,
  grossPrice = 10,
  status: 'final' | 'draft' = 'final',
  customer: Record<string, string> = {},
) {
  const body = {
    ...SEED_EXAMPLE_BODY,
    reference,
    status,
    customer: { ...SEED_EXAMPLE_BODY.customer, ...customer },
    items: [{ ...SEED_EXAMPLE_BODY.items[0], gross_price: grossPrice }],
  };
  const parsed = parseInvoiceRequest(body);
  if (!parsed.ok) throw parsed.error;
  return { body, request: parsed.value };
}

/** Claims a request as the API does; returns its id (or throws when the reference is taken). */
async function claim(reference: string, customer: Record<string, string> = {}): Promise<string> {
  const { body, request } = requestOf(reference, 10, 'final', customer);
  const result = await runtime.idempotency.claim({
    requestId: newId('req'),
    clientId: 'erp',
    idempotencyKey: randomBytes(8).toString('hex'),
    fingerprint: fingerprint(body),
    reference,
    request,
    origin: { kind: 'api' },
    connectionId,
  });
  if (result.kind !== 'claimed') throw new Error(`claim: ${result.kind}`);
  return result.requestId;
}

const run = (requestId: string, attemptsMade = 0, maxAttempts = 1): Promise<IssueOutcome> =>
  processIssue({ requestId, attemptsMade, maxAttempts }, deps());

/** A document under `reference` made straight in Moloni, as another system (or a lost run) would. */
async function seedDocument(reference: string, kind: 'final' | 'draft', grossPrice = 10): Promise<number> {
  const moloni = await runtime.moloni.resolve(connectionId);
  const { request } = requestOf(reference, grossPrice, kind);
  return (await moloni.issueDocument({ request, ourReference: reference })).documentId;
}

function documentsOf(reference: string) {
  return [...sandbox.sandbox.state.documents.values()].filter((d) => d.our_reference === reference);
}

async function setOrder(order: DocumentOrder): Promise<void> {
  const response = await fetch(`${sandbox.origin}/_sandbox/documents/order`, {
    method: 'POST',
    body: JSON.stringify({ order }),
  });
  expect(response.status).toBe(200);
}

/** A request whose insert was sent and dropped: Moloni may hold it, nothing came back. */
async function inDoubt(reference: string): Promise<string> {
  const requestId = await claim(reference);
  sandbox.sandbox.faults.add({ kind: 'drop', endpoint: 'invoiceReceipts/insert', times: 1 });
  const outcome = await run(requestId);
  expect(outcome.kind).toBe('failed');
  const entry = await runtime.ledger.get(requestId);
  expect(entry?.error?.details).toMatchObject({ in_doubt: true, retry_with_same_idempotency_key: true });
  await runtime.ledger.markQueued(requestId, 'none');
  return requestId;
}

/** A reference claimed once and freed after a definite refusal, then claimed by a new request. */
async function reused(reference: string): Promise<string> {
  const first = await claim(reference, REFUSED_CUSTOMER);
  expect(await run(first)).toMatchObject({ kind: 'failed', error: { code: 'MOLONI_BUSINESS_ERROR' } });
  return claim(reference);
}

/** Moloni refuses this customer's postcode (a definite business refusal). */
const REFUSED_CUSTOMER = { vat_number: '123456789', zip_code: '12345', name: 'Zé Postal' };

const EARLIER = { 'in doubt (insert dropped)': inDoubt, 'reference freed and claimed again': reused };

describe('processIssue reconciles with what Moloni holds', () => {
  for (const [earlier, prepare] of Object.entries(EARLIER)) {
    for (const order of ['newest_first', 'oldest_first'] as const) {
      describe(`${earlier}, matches listed ${order}`, () => {
        it('nothing under the reference: inserts one document', async () => {
          await setOrder(order);
          const reference = `NONE-${order}-${earlier.length}`;
          const requestId = await prepare(reference);
          expect(await run(requestId)).toEqual({ kind: 'done' });
          expect(documentsOf(reference)).toMatchObject([{ status: 1 }]);
        });

        it('a draft of the total: completes that draft, inserts nothing', async () => {
          await setOrder(order);
          const reference = `DRAFT-${order}-${earlier.length}`;
          const requestId = await prepare(reference);
          const draft = await seedDocument(reference, 'draft');
          expect(await run(requestId)).toEqual({ kind: 'done' });
          expect(documentsOf(reference)).toMatchObject([{ document_id: draft, status: 1 }]);
          expect((await runtime.ledger.get(requestId))?.document?.moloni_document_id).toBe(draft);
        });

        it('a closed document of the total and a draft: the closed one wins, the draft is left alone', async () => {
          await setOrder(order);
          const reference = `BOTH-${order}-${earlier.length}`;
          const requestId = await prepare(reference);
          const closed = await seedDocument(reference, 'final');
          const draft = await seedDocument(reference, 'draft');
          expect(await run(requestId)).toEqual({ kind: 'done' });
          const entry = await runtime.ledger.get(requestId);
          expect(entry?.document).toMatchObject({ moloni_document_id: closed, status: 'final' });
          expect(sandbox.sandbox.state.documents.get(draft)?.status).toBe(0);
          expect(documentsOf(reference).filter((d) => d.status === 1)).toHaveLength(1);
        });

        it('a draft of another total and a draft of ours: ours is completed', async () => {
          await setOrder(order);
          const reference = `TWO-DRAFTS-${order}-${earlier.length}`;
          const requestId = await prepare(reference);
          const theirs = await seedDocument(reference, 'draft', 99);
          const ours = await seedDocument(reference, 'draft');
          expect(await run(requestId)).toEqual({ kind: 'done' });
          expect(sandbox.sandbox.state.documents.get(ours)?.status).toBe(1);
          expect(sandbox.sandbox.state.documents.get(theirs)?.status).toBe(0);
        });

        it('a closed document of another total: REFERENCE_ALREADY_ISSUED, nothing inserted, reference kept', async () => {
          await setOrder(order);
          const reference = `OTHER-${order}-${earlier.length}`;
          const requestId = await prepare(reference);
          await seedDocument(reference, 'final', 99);
          const outcome = await run(requestId);
          expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'REFERENCE_ALREADY_ISSUED' } });
          // The search answered it: not in doubt, and not run again by the same key.
          expect(outcome.kind === 'failed' && outcome.error.details?.in_doubt).toBeFalsy();
          expect(documentsOf(reference)).toHaveLength(1);
          expect(await runtime.idempotency.referenceOwner(scope, reference)).toBe(requestId);
        });

        it('two closed documents: DUPLICATE_DOCUMENTS, an incident on the ledger, never a third', async () => {
          await setOrder(order);
          const reference = `DUP-${order}-${earlier.length}`;
          const requestId = await prepare(reference);
          await seedDocument(reference, 'final');
          await seedDocument(reference, 'final');
          errors.length = 0;
          const outcome = await run(requestId);
          expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'DUPLICATE_DOCUMENTS' } });
          expect(outcome.kind === 'failed' && outcome.error.details?.in_doubt).toBeFalsy();
          expect(documentsOf(reference)).toHaveLength(2);
          const entry = await runtime.ledger.get(requestId);
          expect(entry?.incident).toMatchObject({ kind: 'duplicate_documents' });
          expect(entry?.incident?.documents).toHaveLength(2);
          expect(await runtime.ledger.incidents()).toContain(requestId);
          expect(errors.some((message) => message.includes('2 closed documents'))).toBe(true);
        });
      });
    }
  }
});

describe('processIssue and the reference guard', () => {
  it('an insert that committed but never answered keeps the reference: in doubt, then settled by a re-run', async () => {
    const requestId = await claim('DOUBT-1');
    sandbox.sandbox.faults.add({ kind: 'commitThenDrop', endpoint: 'invoiceReceipts/insert', times: 1 });
    const outcome = await run(requestId);
    expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'MOLONI_TIMEOUT' } });
    expect(documentsOf('DOUBT-1')).toMatchObject([{ status: 0 }]);
    // The reference stays with the request: a new request for it is refused at the claim.
    await expect(claim('DOUBT-1')).rejects.toThrow('reference-taken');
    await runtime.ledger.markQueued(requestId, 'none');
    expect(await run(requestId)).toEqual({ kind: 'done' });
    expect(documentsOf('DOUBT-1')).toMatchObject([{ status: 1 }]);
  });

  it('a definite refusal with nothing in Moloni frees the reference; the next claim searches first', async () => {
    const requestId = await claim('REFUSED-1', REFUSED_CUSTOMER);
    const outcome = await run(requestId);
    expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'MOLONI_BUSINESS_ERROR' } });
    expect(await runtime.idempotency.referenceOwner(scope, 'REFUSED-1')).toBeNull();
    const again = await claim('REFUSED-1');
    expect((await runtime.ledger.get(again))?.referenceReused).toBe(true);
    sandbox.sandbox.stats.reset();
    expect(await run(again)).toEqual({ kind: 'done' });
    expect(sandbox.sandbox.snapshot().byEndpoint['invoiceReceipts/getAll']).toBeGreaterThanOrEqual(1);
  });

  it("a live worker's unanswered insert is waited for, not raced; a dead worker's is not", async () => {
    const requestId = await claim('INFLIGHT-1');
    const alive = startHeartbeat(runtime.redis, runtime.prefix, 5_000);
    try {
      const writer = writerOf(alive.workerId, 'a-run-that-lost-its-lock');
      expect(await runtime.ledger.beginWrite(requestId, writer, 60_000)).toEqual({ kind: 'ok' });
      const outcome = await run(requestId, 1, 3);
      expect(outcome.kind).toBe('wait');
      expect(documentsOf('INFLIGHT-1')).toHaveLength(0);
    } finally {
      alive.stop();
    }
    // The same, by a worker whose heartbeat is gone: this run searches, finds nothing, inserts.
    const other = await claim('INFLIGHT-2');
    const dead = writerOf('a-worker-that-died', 'its-run');
    expect(await runtime.ledger.beginWrite(other, dead, 60_000)).toEqual({ kind: 'ok' });
    expect(await run(other, 1, 3)).toEqual({ kind: 'done' });
    expect(documentsOf('INFLIGHT-2')).toMatchObject([{ status: 1 }]);
  });
});
