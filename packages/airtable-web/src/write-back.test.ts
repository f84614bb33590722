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

  it('a draft reads "Rascunho", with the request id and the Moloni id written back (it has no number yet)', async () => {
    const fields = { ...bookingSettings({ api_url: '', client_id: '' }).fields };
    // Without typecast: "Rascunho" must be one of the select's own options.
    const { fake, settings } = await setup({
      fields: { typecast: false, fields: { ...fields, request_id: F.requestId, document_id: F.documentId } },
    });
    const base = entry();
    const draft = entry({
      document: base.document ? { ...base.document, status: 'draft', number: null, pdf_url: null } : null,
    });
    await deliverToAirtable(draft, {
      settings,
      airtable: createAirtableClientFactory({ settings }),
      pdfUrl: () => null,
    });
    const record = fake.bases.record(BASE, TABLE, REC);
    expect(record).toMatchObject({
      [F.status]: 'Rascunho',
      [F.requestId]: 'req_4ad9b2ec1d9f3a71',
      [F.documentId]: '974989624',
    });
    expect(record).not.toHaveProperty(F.number);
    expect(record).not.toHaveProperty(F.error);

    // A total mismatch leaves a draft for review: the ids are written with the error.
    const mismatch = entry({
      state: 'failed',
      document: draft.document,
      error: { code: 'TOTAL_MISMATCH', message: 'Moloni total 359.99 differs from 360.00.', details: null },
    });
    await deliverToAirtable(mismatch, {
      settings,
      airtable: createAirtableClientFactory({ settings }),
      pdfUrl: () => null,
    });
    expect(fake.bases.record(BASE, TABLE, REC)).toMatchObject({
      [F.status]: 'Rascunho',
      [F.documentId]: '974989624',
      [F.error]: expect.stringContaining('ficou em rascunho'),
    });
  });

  it('writes the issue time as text in the base time zone when the field is text', async () => {
    const fields = { ...bookingSettings({ api_url: '', client_id: '' }).fields, issued_at: F.issuedAtText };
    const { fake, settings } = await setup({ fields: { fields, issued_at_format: 'text' } });
    const airtable = createAirtableClientFactory({ settings });
    await deliverToAirtable(entry(), { settings, airtable });
    // 15:07:21 UTC on 18 May: 16:07 in Lisbon (the default zone), not the UTC of the ISO time.
    expect(fake.bases.record(BASE, TABLE, REC)[F.issuedAtText]).toBe('18/05/2026, 16:07');
    await settings.save(
      bookingSettings({
        api_url: fake.apiUrl,
        client_id: 'bookings_ops',
        fields,
        issued_at_format: 'text',
        time_zone: 'Atlantic/Azores',
      }),
    );
    await deliverToAirtable(entry(), { settings, airtable });
    expect(fake.bases.record(BASE, TABLE, REC)[F.issuedAtText]).toBe('18/05/2026, 15:07');
    expect(
      (await settings
        .save({
          ...bookingSettings({ api_url: fake.apiUrl, client_id: 'bookings_ops' }),
          time_zone: 'Lua/Mar',
        })
        .then(
          () => null,
          (error: unknown) => String(error),
        )) ?? '',
    ).toMatch(/time_zone/);
  });

  it('writes a Moloni rejection to the error field, in words', async () => {
    const { fake, settings } = await setup();
    const rejected = entry({
      state: 'failed',
      document: null,
      httpStatus: 422,
      error: {
        code: 'MOLONI_BUSINESS_ERROR',
        message: 'Moloni rejected invoiceReceipts/insert: A série está fechada',
        details: {
          provider: 'moloni',
          endpoint: 'invoiceReceipts/insert',
          errors: [{ code: 2, field: 'document_set_id', params: [], description: 'A série está fechada' }],
        },
      },
    });
    await deliverToAirtable(rejected, {
      settings,
      airtable: createAirtableClientFactory({ settings }),
      pdfUrl: () => null,
    });
    const record = fake.bases.record(BASE, TABLE, REC);
    expect(record[F.status]).toBe('Erro');
    // Portuguese only: the title, Moloni's own words, the code and the request for support.
    expect(record[F.error]).toBe(
      'O Moloni recusou o documento.\nA série está fechada\n(código MOLONI_BUSINESS_ERROR, pedido req_4ad9b2ec1d9f3a71)',
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
