import {
  BOOKINGS_BASE_ID as BASE,
  BOOKINGS_PAT,
  booking,
  bookingSettings,
  bookingsBaseSeed,
  type FakeAirtable,
  startFakeAirtable,
} from '@faturador/airtable-sandbox';
import { type ApiClientStore, createApiClientStore } from '@faturador/store';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../stack.ts';

/**
 * The server's base settings are the one mapping: an admin key saves them, checked against
 * Airtable first; the extension's trigger key reads them; nobody reads the token back.
 */
const CLIENT = 'bookings_ops';
const READ_ONLY_OAUTH = 'oaaReadOnly000000.token';
const WRITING_OAUTH = 'oaaWriting0000000.token';

let stack: Stack;
let airtable: FakeAirtable;
let clients: ApiClientStore;
let admin: Record<string, string>;
let trigger: Record<string, string>;

async function headersOf(clientId: string, scopes: string[], airtableBase?: string) {
  const issued = await clients.createKey(clientId, {
    scopes,
    ...(airtableBase ? { airtable_base: airtableBase } : {}),
  });
  return { 'x-client-id': clientId, 'x-api-key': issued.key.key_id, 'x-api-secret': issued.secret };
}

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), prefix: randomPrefix() });
  clients = createApiClientStore({
    redis: stack.api.runtime.redis,
    prefix: stack.env.FATURADOR_PREFIX ?? '',
    secretBox: stack.api.runtime.secretBox,
  });
  await clients.createClient({ client_id: CLIENT, name: 'Bookings ops', connection_id: stack.connectionId });
  await clients.createClient({ client_id: 'other_ops', name: 'Other ops' });
  admin = await headersOf(CLIENT, ['airtable-bases:write']);
  trigger = await headersOf(CLIENT, ['record-triggers:write'], BASE);
  airtable = await startFakeAirtable({
    bases: [bookingsBaseSeed([booking('recBooking0000001')])],
    tokens: {
      [BOOKINGS_PAT]: { bases: [BASE] },
      [READ_ONLY_OAUTH]: { bases: [BASE], scopes: ['data.records:read'], kind: 'oauth' },
      [WRITING_OAUTH]: { bases: [BASE], kind: 'oauth' },
    },
    rateLimit: { requestsPerSecond: 1000 },
  });
});
afterAll(async () => {
  await stack?.close();
  await airtable?.close();
});

const path = (base = BASE) => `/api/v1/airtable/bases/${base}`;
const settings = (overrides: Record<string, unknown> = {}) => {
  const {
    base_id: _base,
    client_id: _client,
    ...rest
  } = bookingSettings({ api_url: airtable.apiUrl, client_id: CLIENT });
  return { ...rest, ...overrides };
};

async function call(method: 'GET' | 'PUT', url: string, headers: Record<string, string>, body?: unknown) {
  const response = await request(`${stack.url}${url}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.body.text();
  return { status: response.statusCode, text, body: JSON.parse(text) as Record<string, any> };
}

describe('the base settings endpoint', () => {
  it('refuses settings Airtable contradicts, saving nothing: a wrong token, a missing field, a read-only token', async () => {
    const wrongToken = await call('PUT', path(), admin, settings({ pat: 'patWrong000000000.nope' }));
    expect(wrongToken.status).toBe(422);
    expect(wrongToken.body.error).toMatchObject({ code: 'CONNECTION_NOT_CONFIGURED' });
    expect(wrongToken.body.error.message).toContain('refused the token');
    expect(wrongToken.text).not.toContain('patWrong');

    const missing = await call(
      'PUT',
      path(),
      admin,
      settings({ fields: { ...settings().fields, status: 'Estadoo' } }),
    );
    expect(missing.status).toBe(422);
    expect(missing.body.error.details).toMatchObject({ field: 'Estadoo' });
    expect(missing.text).not.toContain(BOOKINGS_PAT);

    const readOnly = await call('PUT', path(), admin, settings({ pat: READ_ONLY_OAUTH }));
    expect(readOnly.status).toBe(422);
    expect(readOnly.body.error.message).toContain('data.records:write');

    const bad = await call('PUT', path(), admin, settings({ amount_mode: 'sometimes' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('amount_mode');

    expect((await call('GET', path(), admin)).status).toBe(404);
  });

  it('saves checked settings; the trigger key reads them (never the token); a later save keeps the token', async () => {
    const saved = await call('PUT', path(), admin, settings());
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      success: true,
      settings: { base_id: BASE, client_id: CLIENT, table_id: settings().table_id },
      checks: { read: 'ok', write: 'unverified' },
    });
    expect(saved.text).not.toContain(BOOKINGS_PAT);

    const read = await call('GET', path(), trigger);
    expect(read.status).toBe(200);
    expect(read.body.settings.fields).toEqual(settings().fields);
    expect(read.text).not.toContain(BOOKINGS_PAT);

    // The token is kept when left out; an OAuth token that lists write is proven to write.
    const { pat: _pat, ...withoutToken } = settings({ product: 'Estadia' });
    const again = await call('PUT', path(), admin, withoutToken);
    expect(again.status).toBe(200);
    expect(again.body.settings.product).toBe('Estadia');
    const oauth = await call('PUT', path(), admin, settings({ pat: WRITING_OAUTH }));
    expect(oauth.body.checks).toEqual({ read: 'ok', write: 'ok' });
    await call('PUT', path(), admin, settings());
  });

  it("keeps each base to its client and key: another client's admin, a key of another base, a billing key", async () => {
    await call('PUT', path(), admin, settings());
    const otherAdmin = await headersOf('other_ops', ['airtable-bases:write']);
    expect((await call('PUT', path(), otherAdmin, settings())).status).toBe(404);
    expect((await call('GET', path(), otherAdmin)).status).toBe(404);
    const elsewhere = await headersOf(CLIENT, ['record-triggers:write'], 'appOtherBase00001');
    expect((await call('GET', path(), elsewhere)).status).toBe(404);
    const billing = await headersOf(CLIENT, ['invoices:write', 'invoices:read']);
    expect((await call('GET', path(), billing)).status).toBe(401);
    expect((await call('PUT', path(), billing, settings())).status).toBe(401);
    // The trigger key reads but never writes the mapping.
    expect((await call('PUT', path(), trigger, settings())).status).toBe(401);
    expect((await call('GET', path(), admin)).body.settings.client_id).toBe(CLIENT);
  });

  it("answers the extension's preflight and its read from the frame (the trigger's origins)", async () => {
    await call('PUT', path(), admin, settings());
    const origin = 'https://blk7bm2w5kyvqh5zc.airtableblocks.com';
    const preflight = await request(`${stack.url}${path()}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'x-client-id,x-api-key,x-api-secret',
      },
    });
    await preflight.body.dump();
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(origin);
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('GET');
    const read = await request(`${stack.url}${path()}`, { headers: { ...trigger, origin } });
    const body = (await read.body.json()) as Record<string, any>;
    expect(read.statusCode).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBe(origin);
    expect(body.settings.amount_mode).toBe('gross');
    const elsewhere = await request(`${stack.url}${path()}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    await elsewhere.body.dump();
    expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined();
  });
});
