import { randomUUID } from 'node:crypto';
import { newId, parseInvoiceRequest } from '@faturador/core';
import { randomPrefix, SEED_EXAMPLE_BODY, testRedis } from '@faturador/testing';
import { describe, expect, it } from 'vitest';
import { createIdempotency, fingerprint } from './idempotency.ts';
import { createLedger, type NewLedgerEntry } from './ledger.ts';
import { createRequestIndex, nameWords, requestIndexKeys } from './request-index.ts';

function setup() {
  const redis = testRedis();
  const prefix = randomPrefix();
  return {
    redis,
    prefix,
    ledger: createLedger({ redis, prefix }),
    idempotency: createIdempotency({ redis, prefix, ttlSeconds: 3600 }),
    index: createRequestIndex({ redis, prefix }),
  };
}

type Setup = ReturnType<typeof setup>;

async function claim(
  s: Setup,
  overrides: { clientId?: string; name?: string; nif?: string; origin?: NewLedgerEntry['origin'] } = {},
): Promise<string> {
  const body = {
    ...SEED_EXAMPLE_BODY,
    reference: `R-${randomUUID().slice(0, 8)}`,
    customer: {
      ...SEED_EXAMPLE_BODY.customer,
      name: overrides.name ?? SEED_EXAMPLE_BODY.customer.name,
      vat_number: overrides.nif ?? SEED_EXAMPLE_BODY.customer.vat_number,
    },
  };
  const parsed = parseInvoiceRequest(body);
  if (!parsed.ok) throw parsed.error;
  const requestId = newId('req');
  const result = await s.idempotency.claim({
    requestId,
    clientId: overrides.clientId ?? 'acme_erp',
    idempotencyKey: randomUUID(),
    fingerprint: fingerprint(body),
    reference: body.reference,
    request: parsed.value,
    origin: overrides.origin ?? { kind: 'api' },
    connectionId: 'con_0000000000000001',
  });
  expect(result.kind).toBe('claimed');
  // Distinct creation times, so that the order below is the order of creation.
  await new Promise((resolve) => setTimeout(resolve, 2));
  return requestId;
}

const DOCUMENT = {
  type: 'invoice_receipt' as const,
  status: 'final' as const,
  moloni_document_id: 7,
  number: 'FR M/7',
  series: 'M',
  total_gross: 10,
  currency: 'EUR' as const,
  pdf_url: null,
  created_at: '2026-05-18T10:00:00Z',
};

describe('the request index', () => {
  it('splits names into plain lowercase words', () => {
    expect(nameWords('José Gonçalves, Lda.')).toEqual(['jose', 'goncalves', 'lda']);
  });

  it('is written with the claim and follows every change of state', async () => {
    const s = setup();
    const id = await claim(s);
    expect((await s.index.page({ state: 'queued' }, { limit: 10 })).ids).toEqual([id]);
    await s.ledger.markIssuing(id);
    expect((await s.index.page({ state: 'queued' }, { limit: 10 })).ids).toEqual([]);
    expect((await s.index.page({ state: 'issuing' }, { limit: 10 })).ids).toEqual([id]);
    await s.ledger.markIssued(id, DOCUMENT);
    expect((await s.index.page({ state: 'issued' }, { limit: 10 })).ids).toEqual([id]);
    expect((await s.index.page({ documentNumber: 'fr  m/7' }, { limit: 10 })).ids).toEqual([id]);
    // A state set holds each request once: nothing left behind in the others.
    const keys = requestIndexKeys(s.prefix);
    for (const state of ['queued', 'issuing', 'failed'] as const)
      expect(await s.redis.zcard(keys.state(state))).toBe(0);
    const entry = await s.ledger.get(id);
    expect(entry?.state).toBe('issued');
  });

  it('intersects filters, newest first, and pages with a cursor that skips nothing', async () => {
    const s = setup();
    const mine: string[] = [];
    for (let i = 0; i < 7; i++) {
      mine.push(await claim(s, { clientId: 'acme_erp' }));
      await claim(s, { clientId: 'other_client' });
    }
    await s.ledger.markFailed(
      mine[2] as string,
      { code: 'MOLONI_UNAVAILABLE', message: 'x', details: null },
      503,
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await s.index.page({ clientId: 'acme_erp' }, { limit: 3, cursor });
      seen.push(...page.ids);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...mine].reverse());
    expect((await s.index.page({ clientId: 'acme_erp', state: 'failed' }, { limit: 10 })).ids).toEqual([
      mine[2],
    ]);
    expect((await s.index.page({ clientId: 'nobody' }, { limit: 10 })).ids).toEqual([]);
  });

  it('finds by reference, NIF, origin, date range and a prefix of the customer name', async () => {
    const s = setup();
    const before = Date.now();
    const ana = await claim(s, { name: 'Ana Gonçalves', nif: '123456789' });
    const bruno = await claim(s, {
      name: 'Bruno Gomes',
      origin: { kind: 'slack', channel: 'C0123ABCD', message_ts: '1.2', team_id: 'T1' },
    });
    const entry = await s.ledger.get(ana);
    expect((await s.index.page({ reference: entry?.reference ?? '' }, { limit: 10 })).ids).toEqual([ana]);
    expect((await s.index.page({ nif: '123456789' }, { limit: 10 })).ids).toEqual([ana]);
    expect((await s.index.page({ origin: 'slack' }, { limit: 10 })).ids).toEqual([bruno]);
    expect((await s.index.page({ name: 'GONC' }, { limit: 10 })).ids).toEqual([ana]);
    expect((await s.index.page({ name: 'go' }, { limit: 10 })).ids).toEqual([bruno, ana]);
    const firstOfTwo = await s.index.page({ name: 'go' }, { limit: 1 });
    expect(firstOfTwo.ids).toEqual([bruno]);
    expect((await s.index.page({ name: 'go' }, { limit: 1, cursor: firstOfTwo.nextCursor })).ids).toEqual([
      ana,
    ]);
    expect((await s.index.page({ name: 'go', origin: 'api' }, { limit: 10 })).ids).toEqual([ana]);
    expect((await s.index.page({ fromMs: before, toMs: before - 1 }, { limit: 10 })).ids).toEqual([]);
    const created = Date.parse(entry?.createdAt ?? '');
    expect((await s.index.page({ toMs: created }, { limit: 10 })).ids).toEqual([ana]);
  });

  it('refuses a cursor it did not make', async () => {
    const s = setup();
    await expect(s.index.page({}, { limit: 1, cursor: 'bm9wZQ' })).rejects.toThrow(/cursor/);
  });

  it('records failed attempts while retrying, and who acted on a request', async () => {
    const s = setup();
    const id = await claim(s);
    await s.ledger.recordAttemptFailure(id, {
      attempts: 2,
      nextAttemptAt: '2026-05-18T10:00:05.000Z',
      error: { code: 'MOLONI_UNAVAILABLE', message: 'Moloni is unavailable.', details: null },
    });
    await s.ledger.recordAction(id, { action: 'retry', by: 'admin:ops@example.pt' });
    const entry = await s.ledger.get(id);
    expect(entry).toMatchObject({
      attempts: 2,
      nextAttemptAt: '2026-05-18T10:00:05.000Z',
      lastError: { code: 'MOLONI_UNAVAILABLE' },
      actions: [{ action: 'retry', by: 'admin:ops@example.pt' }],
    });
    expect(await s.ledger.getMany([id, 'req_0000000000000000'])).toHaveLength(1);
  });
});
