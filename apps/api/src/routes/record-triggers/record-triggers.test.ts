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
import {
  createAirtableBaseSettingsStore,
  createAirtableClientFactory,
  deliverToAirtable,
} from '@faturador/airtable-web';
import { createSecretBox, errorEnvelope, FaturadorError, type InvoiceRequest } from '@faturador/core';
import type { LedgerEntry } from '@faturador/store';
import { randomPrefix, testRedis } from '@faturador/testing';
import { createContractChecker } from '@faturador/testing/openapi-contract';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../context.ts';
import { onError } from '../../errors.ts';
import { airtableTriggerRoutes, type SubmitFn } from './index.ts';

const REC = 'recBooking0000001';
const BAD = 'recBooking0000002';
const CLIENT = 'bookings_ops';
const fakes: FakeAirtable[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

type SubmitInput = Parameters<SubmitFn>[0];
type Answer = Awaited<ReturnType<SubmitFn>>;

const accepted = (input: SubmitInput): Answer => ({
  status: 202,
  body: {
    success: true,
    request_id: 'req_1111111111111111',
    reference: (input.body as { reference: string }).reference,
    state: 'queued',
    status_url: 'http://api/x',
  },
});

const issuedDocument = {
  type: 'invoice_receipt',
  status: 'final',
  moloni_document_id: 974989624,
  number: 'FR M/32',
  series: 'M',
  total_gross: 360,
  currency: 'EUR',
  pdf_url: 'https://api.example/api/v1/invoices/req_1111111111111111/pdf?s=1',
  created_at: '2026-05-18T15:07:21Z',
};

// Stands in for the API's authentication (the real one is tested with the store's keys).
const fakeAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const clientId = c.req.header('x-client-id');
  if (!clientId) throw new FaturadorError('AUTH_ERROR', 'Invalid credentials.');
  const scopes = (c.req.header('x-test-scopes') ?? 'record-triggers:write').split(',') as never;
  c.set('client', { clientId, keyId: 'ak_trigger00000000001', scopes, capabilities: [], signed: false });
  await next();
};

async function setup(answer: (input: SubmitInput) => Answer = accepted) {
  const fake = await startFakeAirtable({
    bases: [bookingsBaseSeed([booking(REC), booking(BAD, { [F.nif]: '123456780', [F.guest]: '' })])],
    tokens: { [BOOKINGS_PAT]: { bases: [BASE] } },
  });
  fakes.push(fake);
  const settings = createAirtableBaseSettingsStore({
    redis: testRedis(),
    prefix: randomPrefix(),
    secretBox: createSecretBox(randomBytes(32)),
  });
  await settings.save(bookingSettings({ api_url: fake.apiUrl, client_id: CLIENT }));
  const airtable = createAirtableClientFactory({ settings });
  const submitted: SubmitInput[] = [];
  const submit: SubmitFn = async (input) => {
    submitted.push(input);
    return answer(input);
  };
  const app = new OpenAPIHono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('requestId', 'req_aaaaaaaaaaaaaaaa');
    c.set('logger', pino({ level: 'silent' }));
    await next();
  });
  app.route('/', airtableTriggerRoutes({ settings, airtable, submit, authenticate: fakeAuth }));
  app.onError(onError);
  // Every answer these tests receive must be one the route's OpenAPI declares.
  const contract = createContractChecker(
    app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: { title: 'record triggers', version: '1' },
    }),
  );
  const trigger = async (
    body: unknown,
    options: { query?: string; headers?: Record<string, string> } = {},
  ) => {
    const response = await app.request(`/api/v1/record-triggers/airtable${options.query ?? ''}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-client-id': CLIENT, ...options.headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const answer = {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, any>,
    };
    contract.check({
      method: 'POST',
      path: '/api/v1/record-triggers/airtable',
      status: answer.status,
      contentType: response.headers.get('content-type') ?? '',
      body: answer.body,
    });
    return answer;
  };
  const record = (id = REC) => fake.bases.record(BASE, TABLE, id);
  return { app, fake, settings, airtable, submitted, trigger, record };
}

const trig = (record_id = REC) => ({ base_id: BASE, table_id: TABLE, record_id });

function ledgerEntryOf(input: SubmitInput): LedgerEntry {
  return {
    requestId: 'req_1111111111111111',
    clientId: input.clientId,
    idempotencyKey: input.idempotencyKey,
    fingerprint: 'f',
    reference: (input.body as { reference: string }).reference,
    request: {} as InvoiceRequest,
    origin: input.origin,
    connectionId: null,
    state: 'issued',
    moloniDocumentId: 974989624,
    moloniWrite: 'none',
    referenceScopes: [],
    referenceReused: false,
    incident: null,
    document: issuedDocument as LedgerEntry['document'],
    error: null,
    httpStatus: 201,
    createdAt: '2026-05-18T15:07:20Z',
    updatedAt: '2026-05-18T15:07:21Z',
    issuedAt: '2026-05-18T15:07:21.000Z',
    delivery: { state: 'pending', detail: null },
  };
}

describe('POST /api/v1/record-triggers/airtable', () => {
  it('reads the record, submits its invoice once and marks it "A emitir"; a repeated trigger issues nothing', async () => {
    const { trigger, submitted, record, settings, airtable, fake } = await setup();
    const first = await trigger(trig());
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ success: true, reference: `AT-${REC}` });
    expect(submitted).toHaveLength(1);
    const [input] = submitted;
    expect(input).toMatchObject({
      clientId: CLIENT,
      origin: { kind: 'airtable', base_id: BASE, table_id: TABLE, record_id: REC },
      wait: 'async',
      body: {
        reference: `AT-${REC}`,
        customer: { name: 'Eduardo Costa', vat_number: '509999999' },
        items: [
          { description: 'Estadia de 12/05/2026 a 15/05/2026 (3 noites)', gross_price: 360, vat_rate: 6 },
        ],
      },
    });
    expect(input?.idempotencyKey).toMatch(new RegExp(`^airtable:${BASE}:${REC}:[0-9a-f]{16}$`));
    expect(record()[F.status]).toBe('A emitir');
    expect(fake.calls.map((call) => call.method)).toEqual(['GET', 'PATCH']);

    // While it is issuing, a second trigger is the same request (same key): nothing new.
    await trigger(trig());
    expect(submitted[1]?.idempotencyKey).toBe(input?.idempotencyKey);

    // The worker delivers; from then on the record itself says it is invoiced.
    if (!input) throw new Error('no submit');
    await deliverToAirtable(ledgerEntryOf(input), { settings, airtable });
    expect(record()).toMatchObject({ [F.status]: 'Emitido', [F.number]: 'FR M/32' });
    const again = await trigger(trig());
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'REFERENCE_ALREADY_ISSUED',
      details: { reference: `AT-${REC}`, number: 'FR M/32' },
    });
    expect(submitted).toHaveLength(2);
  });

  it('writes a record that cannot be invoiced back to its error field, and answers the same', async () => {
    const { trigger, submitted, record } = await setup();
    const answer = await trigger(trig(BAD));
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('VALIDATION_ERROR');
    expect(answer.body.error.details.issues).toEqual([
      { path: 'customer.name', field: F.guest, reason: 'falta o nome do cliente' },
      {
        path: 'customer.vat_number',
        field: F.nif,
        reason: 'o NIF tem o dígito de controlo errado («123456780»)',
      },
    ]);
    expect(submitted).toHaveLength(0);
    expect(record(BAD)[F.status]).toBe('Erro');
    expect(record(BAD)[F.error]).toBe(answer.body.error.message);
    expect(record(BAD)[F.error]).toContain('NIF: o NIF tem o dígito de controlo errado');
  });

  it('a bad ?wait is a 400 VALIDATION_ERROR naming it (the route schema, through the app hook); a key without the scope is a 401 first', async () => {
    const { trigger, submitted } = await setup();
    const bad = await trigger(trig(), { query: '?wait=later' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      success: false,
      request_id: 'req_aaaaaaaaaaaaaaaa',
      error: {
        code: 'VALIDATION_ERROR',
        message: 'wait is invalid: must be sync or async.',
        details: { issues: [{ path: 'wait', reason: 'must be sync or async' }] },
      },
    });
    const wrongKey = await trigger(trig(), {
      query: '?wait=later',
      headers: { 'x-test-scopes': 'invoices:write' },
    });
    expect(wrongKey.status).toBe(401);
    expect(submitted).toHaveLength(0);
  });

  it('a corrected record is a new request (new key), the reference stays AT-<record>', async () => {
    const { trigger, submitted, fake } = await setup();
    await trigger(trig());
    await fetch(new URL(`${BASE}/${TABLE}/${REC}`, fake.apiUrl), {
      method: 'PATCH',
      headers: { authorization: `Bearer ${BOOKINGS_PAT}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fields: { [F.nif]: '501442600', [F.status]: null } }),
    });
    await trigger(trig());
    expect(submitted[1]?.idempotencyKey).not.toBe(submitted[0]?.idempotencyKey);
    expect(submitted[1]?.body).toHaveProperty('reference', `AT-${REC}`);
  });

  it('with ?wait=sync writes the result right away: the number, or the Moloni rejection', async () => {
    const issued = await setup(() => ({
      status: 201,
      body: {
        success: true,
        request_id: 'req_1111111111111111',
        reference: `AT-${REC}`,
        document: issuedDocument,
      },
    }));
    const ok = await issued.trigger(trig(), { query: '?wait=sync' });
    expect(ok.status).toBe(201);
    expect(issued.submitted[0]?.wait).toBe('sync');
    expect(issued.record()).toMatchObject({
      [F.status]: 'Emitido',
      [F.number]: 'FR M/32',
      [F.pdf]: issuedDocument.pdf_url,
    });

    const rejected = await setup(() => ({
      status: 422,
      body: errorEnvelope('req_2222222222222222', {
        code: 'MOLONI_BUSINESS_ERROR',
        message: 'Moloni refused the document: the series is closed.',
        details: null,
      }),
    }));
    const refused = await rejected.trigger(trig(), { query: '?wait=sync' });
    expect(refused.status).toBe(422);
    expect(rejected.record()[F.status]).toBe('Erro');
    expect(rejected.record()[F.error]).toBe(
      'O Moloni recusou o documento.\n(MOLONI_BUSINESS_ERROR: Moloni refused the document: the series is closed.)',
    );
  });

  it('shows a document issued before when the record lost its result fields', async () => {
    const { trigger, record } = await setup(() => ({
      status: 409,
      body: errorEnvelope('req_3333333333333333', {
        code: 'REFERENCE_ALREADY_ISSUED',
        message: 'Reference already used.',
        details: { request_id: 'req_1111111111111111', state: 'issued', document: issuedDocument },
      }),
    }));
    expect((await trigger(trig())).status).toBe(409);
    expect(record()).toMatchObject({ [F.status]: 'Emitido', [F.number]: 'FR M/32' });
  });

  it('refuses unknown bases, other clients, other tables, unknown records, bad bodies and keys', async () => {
    const { trigger, settings, fake, submitted } = await setup();
    expect((await trigger({ ...trig(), base_id: 'appUnknownBase001' })).body.error.code).toBe('NOT_FOUND');
    expect((await trigger(trig(), { headers: { 'x-client-id': 'someone_else' } })).status).toBe(404);
    const table = await trigger({ ...trig(), table_id: 'tblOtherTable0001' });
    expect(table.status).toBe(400);
    expect(table.body.error.details.issues[0].path).toBe('table_id');
    expect((await trigger(trig('recMissing0000001'))).status).toBe(404);
    const bad = await trigger({ base_id: 'x', record_id: REC, extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((issue: { path: string }) => issue.path)).toEqual(
      expect.arrayContaining(['base_id', 'table_id']),
    );
    expect((await trigger('{nope')).status).toBe(400);
    expect((await trigger(trig(), { query: '?wait=forever' })).status).toBe(400);
    const noScope = await trigger(trig(), { headers: { 'x-test-scopes': 'invoices:write' } });
    expect(noScope.status).toBe(401);
    expect(noScope.body).toMatchObject({
      success: false,
      request_id: 'req_aaaaaaaaaaaaaaaa',
      error: { code: 'AUTH_ERROR' },
    });
    expect((await trigger(trig(), { headers: { 'x-client-id': '' } })).status).toBe(401);

    await settings.save(
      bookingSettings({ api_url: fake.apiUrl, client_id: CLIENT, pat: 'patRevoked0000000.x' }),
    );
    const revoked = await trigger(trig());
    expect(revoked.status).toBe(422);
    expect(revoked.body.error.code).toBe('CONNECTION_NOT_CONFIGURED');
    expect(JSON.stringify(revoked.body)).not.toContain('patRevoked');
    expect(submitted).toHaveLength(0);
  });

  it('answers 429 with Retry-After when Airtable rate-limits the base', async () => {
    const { trigger, fake, submitted } = await setup();
    fake.failNext(BASE, {
      status: 429,
      body: { errors: [{ error: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded.' }] },
    });
    const limited = await trigger(trig());
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(submitted).toHaveLength(0);
  });

  it("answers the extension's CORS preflight, and only for Airtable's origins", async () => {
    const { app } = await setup();
    const preflight = (origin: string) =>
      app.request('/api/v1/record-triggers/airtable', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-client-id,x-api-key,x-api-secret',
        },
      });
    const allowed = await preflight('https://blk7bm2w5kyvqh5zc.airtableblocks.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(
      'https://blk7bm2w5kyvqh5zc.airtableblocks.com',
    );
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-api-secret');
    expect((await preflight('https://localhost:9000')).headers.get('access-control-allow-origin')).toBe(
      'https://localhost:9000',
    );
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    // An auth failure stays readable by the extension.
    const refused = await app.request('/api/v1/record-triggers/airtable', {
      method: 'POST',
      headers: { origin: 'https://blk7bm2w5kyvqh5zc.airtableblocks.com', 'content-type': 'application/json' },
      body: JSON.stringify(trig()),
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(
      'https://blk7bm2w5kyvqh5zc.airtableblocks.com',
    );
  });
});
