import { randomBytes } from 'node:crypto';
import {
  BOOKINGS_BASE_ID as BASE,
  BOOKINGS_PAT,
  booking,
  bookingSettings,
  bookingsBaseSeed,
  BOOKING_FIELDS as F,
  type FakeAirtable,
  startFakeAirtable,
  BOOKINGS_TABLE_ID as TABLE,
} from '@faturador/airtable-sandbox';
import { createSecretBox, DeliveryError, type InvoiceRequest } from '@faturador/core';
import type { LedgerEntry } from '@faturador/store';
import { randomPrefix, testRedis } from '@faturador/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAirtableClientFactory } from './client.ts';
import { createMemoryRateLimiter } from './rate-limit.ts';
import { createAirtableBaseSettingsStore } from './settings.ts';
import { deliverToAirtable } from './write-back.ts';

const REC = 'recBooking0000001';
const fakes: FakeAirtable[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(options: { penaltyMs?: number; fields?: Record<string, unknown> } = {}) {
  const fake = await startFakeAirtable({
    bases: [bookingsBaseSeed([booking(REC, { [F.status]: 'A emitir', [F.error]: 'erro antigo' })])],
    tokens: { [BOOKINGS_PAT]: { bases: [BASE] } },
    rateLimit: { penaltyMs: options.penaltyMs ?? 30_000 },
  });
  fakes.push(fake);
  const settings = createAirtableBaseSettingsStore({
    redis: testRedis(),
    prefix: randomPrefix(),
    secretBox: createSecretBox(randomBytes(32)),
  });
  await settings.save(
    bookingSettings({ api_url: fake.apiUrl, client_id: 'bookings_ops', ...options.fields }),
  );
  return { fake, settings };
}

function entry(overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    requestId: 'req_4ad9b2ec1d9f3a71',
    clientId: 'bookings_ops',
    idempotencyKey: `airtable:${BASE}:${REC}`,
    fingerprint: 'f',
    reference: `AT-${REC}`,
    request: {} as InvoiceRequest,
    origin: { kind: 'airtable', base_id: BASE, table_id: TABLE, record_id: REC },
    connectionId: 'con_0000000000000001',
    state: 'issued',
    moloniDocumentId: 974989624,
    moloniWrite: 'none',
    referenceScopes: [],
    referenceReused: false,
    incident: null,
    document: {
      type: 'invoice_receipt',
      status: 'final',
      moloni_document_id: 974989624,
      number: 'FR M/32',
      series: 'M',
      total_gross: 360,
      currency: 'EUR',
      pdf_url: 'https://faturador.example/api/v1/invoices/req_4ad9b2ec1d9f3a71/pdf?signature=x',
      created_at: '2026-05-18T15:07:21Z',
    },
    error: null,
    httpStatus: 201,
    createdAt: '2026-05-18T15:07:20Z',
    updatedAt: '2026-05-18T15:07:21Z',
    issuedAt: '2026-05-18T15:07:21.000Z',
    delivery: { state: 'pending', detail: null },
    ...overrides,
  };
}

async function deliveryError(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof DeliveryError)) throw new Error(`expected a DeliveryError, got ${String(error)}`);
  return error;
}

describe('deliverToAirtable', () => {
  it('fills status, number, PDF link and issue time, and clears the old error', async () => {
    const { fake, settings } = await setup();
    await deliverToAirtable(entry(), { settings, airtable: createAirtableClientFactory({ settings }) });
    const record = fake.bases.record(BASE, TABLE, REC);
    expect(record).toMatchObject({
      [F.status]: 'Emitido',
      [F.number]: 'FR M/32',
      [F.pdf]: 'https://faturador.example/api/v1/invoices/req_4ad9b2ec1d9f3a71/pdf?signature=x',
      [F.issuedAt]: '2026-05-18T15:07:21.000Z',
    });
    expect(record).not.toHaveProperty(F.error);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.requestBody).toMatchObject({ typecast: true, records: [{ id: REC }] });
  });

  it('writes a Moloni rejection to the error field, in words', async () => {
    const { fake, settings } = await setup();
    const rejected = entry({
      state: 'failed',
      document: null,
      httpStatus: 422,
      error: {
        code: 'MOLONI_BUSINESS_ERROR',
        message: 'Moloni refused the document: customer_id invalid.',
        details: null,
      },
    });
    await deliverToAirtable(rejected, {
      settings,
      airtable: createAirtableClientFactory({ settings }),
      pdfUrl: () => null,
    });
    const record = fake.bases.record(BASE, TABLE, REC);
    expect(record[F.status]).toBe('Erro');
    expect(record[F.error]).toBe(
      'O Moloni recusou o documento.\n(MOLONI_BUSINESS_ERROR: Moloni refused the document: customer_id invalid.)',
    );
    expect(record).not.toHaveProperty(F.number);
  });

  it('a 429 is retryable after the 30 s wait (short here); the wait is honoured before the next write', async () => {
    const { fake, settings } = await setup({ penaltyMs: 300 });
    fake.failNext(BASE, {
      status: 429,
      body: {
        errors: [{ error: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' }],
      },
    });
    const limiter = createMemoryRateLimiter();
    const airtable = createAirtableClientFactory({ settings, limiter, waitAfter429Ms: 300 });
    const error = await deliveryError(deliverToAirtable(entry(), { settings, airtable }));
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 300 });
    expect(error.message).not.toContain(BOOKINGS_PAT);
    // What the worker does on a retryable DeliveryError: try again later; the limiter held the base.
    const startedAt = Date.now();
    await deliverToAirtable(entry(), { settings, airtable });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(200);
    expect(fake.bases.record(BASE, TABLE, REC)[F.number]).toBe('FR M/32');

    const withRetry = createAirtableClientFactory({ settings, waitAfter429Ms: 100, retriesAfter429: 1 });
    fake.failNext(BASE, { status: 429, body: { errors: [{ error: 'RATE_LIMIT_REACHED' }] } });
    await deliverToAirtable(entry(), { settings, airtable: withRetry });
    expect(fake.calls.map((call) => call.status).slice(-2)).toEqual([429, 200]);
  });

  it('5xx and no answer are retryable; a renamed field, a revoked token or a deleted record are not', async () => {
    const { fake, settings } = await setup();
    const airtable = createAirtableClientFactory({ settings });
    fake.failNext(BASE, { status: 503, body: { error: { type: 'SERVICE_UNAVAILABLE', message: 'down' } } });
    expect(await deliveryError(deliverToAirtable(entry(), { settings, airtable }))).toMatchObject({
      retryable: true,
      retryAfterMs: null,
    });
    const gone = entry({
      origin: { kind: 'airtable', base_id: BASE, table_id: TABLE, record_id: 'recDeleted0000001' },
    });
    expect((await deliveryError(deliverToAirtable(gone, { settings, airtable }))).retryable).toBe(false);

    await settings.save(
      bookingSettings({
        api_url: fake.apiUrl,
        client_id: 'bookings_ops',
        fields: { ...bookingSettings({ api_url: '', client_id: '' }).fields, number: 'Número' },
      }),
    );
    const renamed = await deliveryError(deliverToAirtable(entry(), { settings, airtable }));
    expect(renamed.retryable).toBe(false);
    expect(renamed.message).toContain('UNKNOWN_FIELD_NAME');

    await settings.save(
      bookingSettings({ api_url: fake.apiUrl, client_id: 'bookings_ops', pat: 'patRevoked0000000.x' }),
    );
    expect((await deliveryError(deliverToAirtable(entry(), { settings, airtable }))).retryable).toBe(false);

    await fake.close();
    await settings.save(bookingSettings({ api_url: fake.apiUrl, client_id: 'bookings_ops' }));
    expect((await deliveryError(deliverToAirtable(entry(), { settings, airtable }))).retryable).toBe(true);
  });

  it('refuses entries of other origins and bases without settings, for good', async () => {
    const { settings } = await setup();
    const airtable = createAirtableClientFactory({ settings });
    expect(
      (await deliveryError(deliverToAirtable(entry({ origin: { kind: 'api' } }), { settings, airtable })))
        .retryable,
    ).toBe(false);
    await settings.remove(BASE);
    expect((await deliveryError(deliverToAirtable(entry(), { settings, airtable }))).retryable).toBe(false);
  });
});
