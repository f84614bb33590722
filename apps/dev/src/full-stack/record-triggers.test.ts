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
import { createAirtableBaseSettingsStore } from '@faturador/airtable-web';
import { type ApiClientStore, createApiClientStore, type LedgerEntry } from '@faturador/store';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import { buildDeliverers } from '@faturador/worker/deliverers';
import { loadEnv } from '@faturador/worker/env';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { documentsWithReference, type Stack, startStack } from '../stack.ts';

/**
 * `POST /api/v1/record-triggers/airtable` through the whole stack: the API reads the record with
 * the base's token, submits it as any request, and the worker's deliver step is the record's only
 * writer ("A emitir", then the result, or why it cannot be invoiced).
 */
const CLIENT = 'bookings_ops';
const PATH = '/api/v1/record-triggers/airtable';

let stack: Stack;
let airtable: FakeAirtable;
let clients: ApiClientStore;
let headers: Record<string, string>;
let records = 0;
let rec = '';
const BAD = 'recBooking0000bad';

beforeAll(async () => {
  stack = await startStack({
    redisUrl: testRedisUrl(),
    prefix: randomPrefix(),
    worker: false,
    deliverers: (runtime) =>
      buildDeliverers(loadEnv({ ...stack.env, PUBLIC_URL: stack.url, LOG_LEVEL: 'silent' }), runtime),
  });
  await stack.startWorker();
  const deps = {
    redis: stack.api.runtime.redis,
    prefix: stack.env.FATURADOR_PREFIX ?? '',
    secretBox: stack.api.runtime.secretBox,
  };
  clients = createApiClientStore(deps);
  await clients.createClient({ client_id: CLIENT, name: 'Bookings ops', connection_id: stack.connectionId });
  const key = await clients.createKey(CLIENT, { scopes: ['record-triggers:write'] });
  headers = { 'x-client-id': CLIENT, 'x-api-key': key.key.key_id, 'x-api-secret': key.secret };
  airtable = await startFakeAirtable({
    bases: [bookingsBaseSeed([booking(BAD, { [F.nif]: '123456780', [F.guest]: '' })])],
    tokens: { [BOOKINGS_PAT]: { bases: [BASE] } },
    // The tests edit records over HTTP too (as a person would); Airtable's own limit is tested
    // with its 429 answer below and in the client's tests.
    rateLimit: { requestsPerSecond: 1000 },
  });
  await createAirtableBaseSettingsStore(deps).save(
    bookingSettings({ api_url: airtable.apiUrl, client_id: CLIENT }),
  );
});
afterAll(async () => {
  await stack?.close();
  await airtable?.close();
});
beforeEach(() => {
  // A fresh record per test: a reference (AT-<record>) is issued once.
  records += 1;
  rec = `recBooking${String(records).padStart(7, '0')}`;
  airtable.bases.addRecord(BASE, TABLE, booking(rec));
});
afterEach(() => {
  stack.sandbox.sandbox.faults.clear();
});

const trig = (record_id = rec) => ({ base_id: BASE, table_id: TABLE, record_id });
const record = (id = rec) => airtable.bases.record(BASE, TABLE, id);

async function trigger(body: unknown, options: { query?: string; headers?: Record<string, string> } = {}) {
  const response = await request(`${stack.url}${PATH}${options.query ?? ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers, ...options.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    body: (await response.body.json()) as Record<string, any>,
  };
}

async function eventually<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, timeoutMs = 8_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in time: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The status values the fake Airtable received for a record, in order. */
const statusesWritten = (id = rec) =>
  airtable.calls
    .filter((call) => call.method === 'PATCH' && JSON.stringify(call.requestBody ?? '').includes(id))
    .map(
      (call) =>
        (call.requestBody as { records: { fields: Record<string, unknown> }[] }).records[0]?.fields[F.status],
    );

const ledger = (requestId: string): Promise<LedgerEntry | null> => stack.api.runtime.ledger.get(requestId);

describe('POST /api/v1/record-triggers/airtable', () => {
  it('reads the record, submits its invoice once, shows "A emitir" then the number; a repeated trigger issues nothing', async () => {
    // Moloni answers slowly, so the record is seen issuing before it is issued.
    stack.sandbox.sandbox.faults.add({
      kind: 'latency',
      ms: 600,
      endpoint: 'invoiceReceipts/insert',
      times: 1,
    });
    const first = await trigger(trig());
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ success: true, reference: `AT-${rec}` });
    const entry = await ledger(first.body.request_id);
    expect(entry).toMatchObject({
      clientId: CLIENT,
      origin: { kind: 'airtable', base_id: BASE, table_id: TABLE, record_id: rec },
      request: {
        reference: `AT-${rec}`,
        customer: { name: 'Eduardo Costa', vatNumber: '509999999' },
        lines: [
          { description: 'Estadia de 12/05/2026 a 15/05/2026 (3 noites)', unitGrossCents: 36000, vatRate: 6 },
        ],
      },
    });
    expect(entry?.idempotencyKey).toMatch(new RegExp(`^airtable:${BASE}:${rec}:[0-9a-f]{16}$`));
    await eventually(
      () => record()[F.status],
      (status) => status === 'A emitir',
    );

    // While it is issuing, a second trigger is the same request (same key): nothing new.
    const second = await trigger(trig());
    expect(second.body.request_id).toBe(first.body.request_id);

    // The worker delivers; from then on the record itself says it is invoiced.
    const issued = await eventually(
      () => record(),
      (fields) => fields[F.status] === 'Emitido',
    );
    expect(String(issued[F.number])).toMatch(/^FR M\/\d+$/);
    expect(statusesWritten()).toEqual(['A emitir', 'Emitido']);
    const again = await trigger(trig());
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'REFERENCE_ALREADY_ISSUED',
      details: { reference: `AT-${rec}`, number: issued[F.number] },
    });
    expect(documentsWithReference(stack, `AT-${rec}`)).toBe(1);
  });

  it('writes a record that cannot be invoiced back to its error field, and answers the same', async () => {
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
    expect(await stack.api.runtime.ledger.get(answer.body.request_id)).toBeNull();
    const fields = await eventually(
      () => record(BAD),
      (value) => value[F.status] === 'Erro',
    );
    expect(fields[F.error]).toBe(answer.body.error.message);
    expect(fields[F.error]).toContain('NIF: o NIF tem o dígito de controlo errado');
  });

  it('a bad ?wait is a 400 VALIDATION_ERROR naming it (the route schema, through the app hook); a key without the scope is a 401 first', async () => {
    const bad = await trigger(trig(), { query: '?wait=later' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      success: false,
      request_id: expect.stringMatching(/^req_[0-9a-f]{16}$/),
      error: {
        code: 'VALIDATION_ERROR',
        message: 'wait is invalid: must be sync or async.',
        details: { issues: [{ path: 'wait', reason: 'must be sync or async' }] },
      },
    });
    const demo = { 'x-client-id': 'airtable_ops_prod' };
    const wrongKey = await trigger(trig(), { query: '?wait=later', headers: demo });
    expect(wrongKey.status).toBe(401);
    expect(statusesWritten()).toEqual([]);
  });

  it('a corrected record is a new request (new key), the reference stays AT-<record>', async () => {
    // A definite refusal frees the reference: the corrected record may take it.
    stack.sandbox.sandbox.faults.add({
      kind: 'refuse',
      endpoint: 'invoiceReceipts/insert',
      body: [['10 associated_id'], '5 related_id'],
      times: 1,
    });
    const first = await trigger(trig(), { query: '?wait=sync' });
    expect(first.status).toBe(422);
    await eventually(
      () => record()[F.status],
      (status) => status === 'Erro',
    );
    await request(new URL(`${BASE}/${TABLE}/${rec}`, airtable.apiUrl), {
      method: 'PATCH',
      headers: { authorization: `Bearer ${BOOKINGS_PAT}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fields: { [F.nif]: '501442600', [F.status]: null } }),
    });
    const second = await trigger(trig(), { query: '?wait=sync' });
    expect(second.status).toBe(201);
    expect(second.body.request_id).not.toBe(first.body.request_id);
    const [a, b] = [await ledger(first.body.request_id), await ledger(second.body.request_id)];
    expect(b?.idempotencyKey).not.toBe(a?.idempotencyKey);
    expect(b?.reference).toBe(`AT-${rec}`);
    expect(b?.request.customer).toMatchObject({ vatNumber: '501442600' });
  });

  it('with ?wait=sync answers the result at once and the record gets it: the number, or the Moloni rejection', async () => {
    const ok = await trigger(trig(), { query: '?wait=sync' });
    expect(ok.status).toBe(201);
    const fields = await eventually(
      () => record(),
      (value) => value[F.status] === 'Emitido',
    );
    expect(fields).toMatchObject({ [F.number]: ok.body.document.number });
    expect(String(fields[F.pdf])).toContain(`/api/v1/invoices/${ok.body.request_id}/pdf`);

    records += 1;
    const refused = `recBooking${String(records).padStart(7, '0')}`;
    airtable.bases.addRecord(BASE, TABLE, booking(refused));
    stack.sandbox.sandbox.faults.add({
      kind: 'refuse',
      endpoint: 'invoiceReceipts/insert',
      body: { valid: 0, error_msg: 'A série está fechada' },
    });
    const rejected = await trigger(trig(refused), { query: '?wait=sync' });
    expect(rejected.status).toBe(422);
    const rejectedFields = await eventually(
      () => record(refused),
      (value) => value[F.status] === 'Erro',
    );
    // In Portuguese only: the title, Moloni's own words, the code and the request for support.
    expect(String(rejectedFields[F.error])).toBe(
      `O Moloni recusou o documento.\nA série está fechada\n(código MOLONI_BUSINESS_ERROR, pedido ${rejected.body.request_id})`,
    );
  });

  it('the deliver step writes the request id and the Moloni id; cancelling with it writes the credit note back to the record', async () => {
    const settings = createAirtableBaseSettingsStore({
      redis: stack.api.runtime.redis,
      prefix: stack.env.FATURADOR_PREFIX ?? '',
      secretBox: stack.api.runtime.secretBox,
    });
    const base = bookingSettings({ api_url: airtable.apiUrl, client_id: CLIENT });
    await settings.save({
      ...base,
      fields: {
        ...base.fields,
        request_id: F.requestId,
        document_id: F.documentId,
        credit_note_number: F.creditNote,
      },
    });
    try {
      const ok = await trigger(trig(), { query: '?wait=sync' });
      expect(ok.status).toBe(201);
      const fields = await eventually(
        () => record(),
        (value) => value[F.status] === 'Emitido' && Boolean(value[F.requestId]),
      );
      expect(fields).toMatchObject({
        [F.requestId]: ok.body.request_id,
        [F.documentId]: String(ok.body.document.moloni_document_id),
      });

      // What the extension does with it, with a billing key: a credit note of the whole document.
      const billing = await clients.createKey(CLIENT, { scopes: ['invoices:write'] });
      const credit = await request(`${stack.url}/api/v1/invoices/${fields[F.requestId]}/credit-notes`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': `airtable:${rec}:nc:00000001`,
          'x-client-id': CLIENT,
          'x-api-key': billing.key.key_id,
          'x-api-secret': billing.secret,
        },
        body: JSON.stringify({ reason: 'Reserva cancelada' }),
      });
      const answer = (await credit.body.json()) as Record<string, any>;
      expect(credit.statusCode).toBe(201);
      expect(answer).toMatchObject({ fully_credited: true, document: { type: 'credit_note' } });
      expect(answer.reference).toBe(`AT-${rec}/NC1`);
      // The record hears of it from the worker, whoever asked: the credit note's number, Anulado.
      const credited = await eventually(
        () => record(),
        (value) => value[F.status] === 'Anulado',
      );
      expect(credited[F.creditNote]).toBe(answer.document.number);
      expect(credited[F.creditNote]).toMatch(/^NC M\/\d+$/);
    } finally {
      await settings.save(base);
    }
  });

  it('shows a document issued before when the record lost its result fields', async () => {
    const ok = await trigger(trig(), { query: '?wait=sync' });
    expect(ok.status).toBe(201);
    await eventually(
      () => record()[F.status],
      (status) => status === 'Emitido',
    );
    const clear = (fields: Record<string, unknown>) =>
      request(new URL(`${BASE}/${TABLE}/${rec}`, airtable.apiUrl), {
        method: 'PATCH',
        headers: { authorization: `Bearer ${BOOKINGS_PAT}`, 'content-type': 'application/json' },
        body: JSON.stringify({ fields: { [F.status]: null, [F.number]: null, ...fields } }),
      }).then((response) => response.body.dump());
    const shown = () =>
      eventually(
        () => record(),
        (value) => value[F.status] === 'Emitido' && value[F.number] === ok.body.document.number,
      );

    // Someone clears the result fields by hand: the same request answers, and the record shows it.
    await clear({});
    const replay = await trigger(trig());
    expect(replay.status).toBe(201);
    expect(replay.body).toMatchObject({ request_id: ok.body.request_id });
    expect(replay.body.document.number).toBe(ok.body.document.number);
    await shown();

    // Cleared and changed: the reference is taken (409), and the record still shows its document.
    await clear({ [F.gross]: 400 });
    const changed = await trigger(trig());
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('REFERENCE_ALREADY_ISSUED');
    await shown();
    expect(documentsWithReference(stack, `AT-${rec}`)).toBe(1);
  });

  it('refuses unknown bases, other clients, other tables, unknown records, bad bodies and keys', async () => {
    expect((await trigger({ ...trig(), base_id: 'appUnknownBase001' })).body.error.code).toBe('NOT_FOUND');
    await clients.createClient({ client_id: 'someone_else', name: 'Someone else' });
    const other = await clients.createKey('someone_else', { scopes: ['record-triggers:write'] });
    const otherHeaders = {
      'x-client-id': 'someone_else',
      'x-api-key': other.key.key_id,
      'x-api-secret': other.secret,
    };
    expect((await trigger(trig(), { headers: otherHeaders })).status).toBe(404);
    const table = await trigger({ ...trig(), table_id: 'tblOtherTable0001' });
    expect(table.status).toBe(400);
    expect(table.body.error.details.issues[0].path).toBe('table_id');
    expect((await trigger(trig('recMissing0000001'))).status).toBe(404);
    const bad = await trigger({ base_id: 'x', record_id: rec, extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((issue: { path: string }) => issue.path)).toEqual(
      expect.arrayContaining(['base_id', 'table_id']),
    );
    expect((await trigger('{nope')).status).toBe(400);
    expect((await trigger(trig(), { query: '?wait=forever' })).status).toBe(400);
    const invoicesKey = await clients.createKey(CLIENT, { scopes: ['invoices:write'] });
    const noScope = await trigger(trig(), {
      headers: { 'x-api-key': invoicesKey.key.key_id, 'x-api-secret': invoicesKey.secret },
    });
    expect(noScope.status).toBe(401);
    expect(noScope.body).toMatchObject({ success: false, error: { code: 'AUTH_ERROR' } });
    expect((await trigger(trig(), { headers: { 'x-client-id': '' } })).status).toBe(401);

    const settings = createAirtableBaseSettingsStore({
      redis: stack.api.runtime.redis,
      prefix: stack.env.FATURADOR_PREFIX ?? '',
      secretBox: stack.api.runtime.secretBox,
    });
    await settings.save(
      bookingSettings({ api_url: airtable.apiUrl, client_id: CLIENT, pat: 'patRevoked0000000.x' }),
    );
    try {
      const revoked = await trigger(trig());
      expect(revoked.status).toBe(422);
      expect(revoked.body.error.code).toBe('CONNECTION_NOT_CONFIGURED');
      expect(JSON.stringify(revoked.body)).not.toContain('patRevoked');
    } finally {
      await settings.save(bookingSettings({ api_url: airtable.apiUrl, client_id: CLIENT }));
    }
    // Nothing was submitted for the record, and nothing was written to it.
    expect(documentsWithReference(stack, `AT-${rec}`)).toBe(0);
    expect(statusesWritten()).toEqual([]);
  });

  it("a key bound to one base (the extension's) triggers that base only; such a key has no other scope", async () => {
    const bound = await clients.createKey(CLIENT, { scopes: ['record-triggers:write'], airtable_base: BASE });
    expect(bound.key.airtable_base).toBe(BASE);
    const boundHeaders = { 'x-api-key': bound.key.key_id, 'x-api-secret': bound.secret };
    const elsewhere = await trigger({ ...trig(), base_id: 'appOtherBase00001' }, { headers: boundHeaders });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error.code).toBe('NOT_FOUND');
    const here = await trigger(trig(), { headers: boundHeaders, query: '?wait=sync' });
    expect(here.status).toBe(201);
    await eventually(
      () => record()[F.status],
      (status) => status === 'Emitido',
    );
    // It cannot issue through the billing API either: its one scope is record triggers.
    const billing = await stack.post(
      '/api/v1/invoices/',
      { reference: 'X' },
      { ...boundHeaders, 'x-client-id': CLIENT },
    );
    expect(billing.status).toBe(401);
    await expect(
      clients.createKey(CLIENT, { scopes: ['record-triggers:write', 'invoices:write'], airtable_base: BASE }),
    ).rejects.toThrow(/record-triggers:write scope only/);
    await expect(
      clients.createKey(CLIENT, { scopes: ['record-triggers:write'], airtable_base: 'base1' }),
    ).rejects.toThrow(/Airtable base id/);
  });

  it('answers 429 with Retry-After when Airtable rate-limits the base', async () => {
    airtable.failNext(BASE, {
      status: 429,
      body: { errors: [{ error: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded.' }] },
    });
    const limited = await trigger(trig());
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(limited.headers['retry-after']).toBe('30');
    expect(documentsWithReference(stack, `AT-${rec}`)).toBe(0);
  });

  it("answers the extension's CORS preflight, and only for Airtable's origins", async () => {
    const preflight = (origin: string) =>
      request(`${stack.url}${PATH}`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-client-id,x-api-key,x-api-secret',
        },
      });
    const allowed = await preflight('https://blk7bm2w5kyvqh5zc.airtableblocks.com');
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(
      'https://blk7bm2w5kyvqh5zc.airtableblocks.com',
    );
    expect(String(allowed.headers['access-control-allow-headers']).toLowerCase()).toContain('x-api-secret');
    expect((await preflight('https://localhost:9000')).headers['access-control-allow-origin']).toBe(
      'https://localhost:9000',
    );
    expect((await preflight('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
    // An auth failure stays readable by the extension.
    const refused = await request(`${stack.url}${PATH}`, {
      method: 'POST',
      headers: { origin: 'https://blk7bm2w5kyvqh5zc.airtableblocks.com', 'content-type': 'application/json' },
      body: JSON.stringify(trig()),
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe(
      'https://blk7bm2w5kyvqh5zc.airtableblocks.com',
    );
    await refused.body.dump();
  });
});
