import { randomBytes } from 'node:crypto';
import { createSecretBox, type InvoiceRequest, newId, parseInvoiceRequest } from '@faturador/core';
import { randomPrefix, SEED_EXAMPLE_BODY, testRedis } from '@faturador/testing';
import { describe, expect, it } from 'vitest';
import { createConnectionStore } from './connections.ts';
import { companyScope, createIdempotency, referenceScope } from './idempotency.ts';
import { createLedger } from './ledger.ts';

function setup() {
  const redis = testRedis();
  const prefix = randomPrefix();
  const secretBox = createSecretBox(randomBytes(32));
  return {
    redis,
    idempotency: createIdempotency({ redis, prefix, ttlSeconds: 60 }),
    ledger: createLedger({ redis, prefix }),
    connections: createConnectionStore({ redis, prefix, secretBox }),
  };
}

/** A parsed request of this reference (the claim indexes its customer and document type). */
function requestOf(reference: string): InvoiceRequest {
  const parsed = parseInvoiceRequest({ ...SEED_EXAMPLE_BODY, reference });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

const entryFor = (reference: string, connectionId: string | null, clientId = 'erp') => ({
  requestId: newId('req'),
  clientId,
  idempotencyKey: randomBytes(8).toString('hex'),
  fingerprint: 'f',
  reference,
  request: requestOf(reference),
  origin: { kind: 'api' as const },
  connectionId,
});

const sandbox = (name: string, companyId?: number) => ({
  name,
  kind: 'sandbox' as const,
  base_url: 'http://127.0.0.1:8765/v1/',
  client_id: 'c',
  client_secret: 's',
  username: 'u',
  password: 'p',
  ...(companyId ? { company_id: companyId } : {}),
});

describe('the reference guard', () => {
  it('a freed reference is claimable again, and its next claim knows it was used before', async () => {
    const { idempotency, ledger } = setup();
    const first = entryFor('R-1', 'con_0000000000000001');
    expect(await idempotency.claim(first)).toMatchObject({ kind: 'claimed' });
    expect(await idempotency.claim(entryFor('R-1', 'con_0000000000000001'))).toEqual({
      kind: 'reference-taken',
      requestId: first.requestId,
    });
    const stored = await ledger.get(first.requestId);
    if (!stored) throw new Error('no entry');
    expect(stored.referenceReused).toBe(false);
    expect(stored.referenceScopes).toEqual([referenceScope(first)]);
    // Only the owner frees it.
    await idempotency.releaseReference({ ...stored, requestId: newId('req') });
    expect(await idempotency.referenceOwner(referenceScope(first), 'R-1')).toBe(first.requestId);
    await idempotency.releaseReference(stored);
    expect(await idempotency.referenceOwner(referenceScope(first), 'R-1')).toBeNull();

    const second = entryFor('R-1', 'con_0000000000000001');
    const claimed = await idempotency.claim(second);
    expect((await ledger.get(second.requestId))?.referenceReused).toBe(true);
    // The entry a claim hands back is the one a read returns (no read needed after a claim).
    expect(claimed).toEqual({
      kind: 'claimed',
      requestId: second.requestId,
      entry: await ledger.get(second.requestId),
    });
  });

  it("a run's start reads the entry as it was and marks it issuing in one step, unless it is final", async () => {
    const { idempotency, ledger } = setup();
    const first = entryFor('R-9', 'con_0000000000000009');
    await idempotency.claim(first);
    const before = await ledger.beginIssuing(first.requestId);
    expect(before?.state).toBe('queued');
    expect((await ledger.get(first.requestId))?.state).toBe('issuing');
    expect((await ledger.beginIssuing(first.requestId))?.state).toBe('issuing');
    await ledger.markFailed(
      first.requestId,
      { code: 'MOLONI_UNAVAILABLE', message: 'x', details: null },
      503,
    );
    expect((await ledger.beginIssuing(first.requestId))?.state).toBe('failed');
    expect((await ledger.get(first.requestId))?.state).toBe('failed');
    expect(await ledger.beginIssuing('req_missing')).toBeNull();
    expect(await ledger.get('req_missing')).toBeNull();
  });

  it('is per Moloni company once a connection knows it: two connections to one company share it', async () => {
    const { idempotency, connections, ledger } = setup();
    const configured = await connections.createConnection(sandbox('configured', 240211));
    const resolved = await connections.createConnection(sandbox('resolved later'));
    const first = entryFor('R-2', configured.connection_id);
    expect(await idempotency.claim(first)).toMatchObject({ kind: 'claimed' });
    // Before its company is known, the other connection guards per connection…
    const early = entryFor('R-2', resolved.connection_id, 'other');
    expect(await idempotency.claim(early)).toMatchObject({ kind: 'claimed' });
    // …and its worker then finds the company's guard taken.
    const scope = companyScope('http://127.0.0.1:8765/v1', 240211);
    expect(await idempotency.claimScope(scope, 'R-2', early.requestId)).toEqual({
      kind: 'taken',
      requestId: first.requestId,
    });
    expect(await idempotency.claimScope(scope, 'R-2', first.requestId)).toEqual({ kind: 'held' });
    // Once recorded, the API claims per company from the start.
    await connections.recordResolvedCompany(resolved.connection_id, 240211);
    expect(await idempotency.claim(entryFor('R-2', resolved.connection_id, 'other'))).toEqual({
      kind: 'reference-taken',
      requestId: first.requestId,
    });
    const fresh = entryFor('R-3', resolved.connection_id, 'other');
    await idempotency.claim(fresh);
    expect((await ledger.get(fresh.requestId))?.referenceScopes).toEqual([scope]);
  });
});

describe('the ledger around an insert', () => {
  it('one writer at a time, a failure never overwrites an issued request', async () => {
    const { idempotency, ledger } = setup();
    const entry = entryFor('R-4', null);
    await idempotency.claim(entry);
    expect(await ledger.beginWrite(entry.requestId, '|run-1', 60_000)).toEqual({ kind: 'ok' });
    expect((await ledger.get(entry.requestId))?.moloniWrite).toBe('unknown');
    expect(await ledger.beginWrite(entry.requestId, '|run-2', 60_000)).toMatchObject({ kind: 'busy' });
    // A search that finds nothing cannot clear a write still in flight.
    await ledger.recordNothingInMoloni(entry.requestId);
    expect((await ledger.get(entry.requestId))?.moloniWrite).toBe('unknown');
    await ledger.endWrite(entry.requestId, '|run-1', 'none');
    expect(await ledger.beginWrite(entry.requestId, '|run-2', 60_000)).toEqual({ kind: 'ok' });

    await ledger.markIssued(entry.requestId, {
      type: 'invoice_receipt',
      status: 'final',
      moloni_document_id: 1,
      number: 'FR M/1',
      series: 'M',
      total_gross: 10,
      currency: 'EUR',
      pdf_url: null,
      created_at: '2026-05-18T15:07:21Z',
    });
    const late = await ledger.markFailed(
      entry.requestId,
      { code: 'MOLONI_TIMEOUT', message: 'x', details: null },
      504,
    );
    expect(late).toBeNull();
    expect((await ledger.get(entry.requestId))?.state).toBe('issued');
  });
});
