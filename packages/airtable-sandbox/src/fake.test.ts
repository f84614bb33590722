import { afterEach, describe, expect, it } from 'vitest';
import {
  BOOKINGS_BASE_ID as BASE,
  BOOKINGS_PAT,
  booking,
  bookingsBaseSeed,
  BOOKING_FIELDS as F,
  BOOKINGS_TABLE_ID as TABLE,
} from './bookings.ts';
import { type FakeAirtable, startFakeAirtable } from './index.ts';

const fakes: FakeAirtable[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const REC = 'recBooking0000001';

async function start(requestsPerSecond = 5) {
  const fake = await startFakeAirtable({
    rateLimit: { requestsPerSecond },
    bases: [bookingsBaseSeed([booking(REC)])],
    tokens: {
      [BOOKINGS_PAT]: { bases: [BASE] },
      patReadOnly0000000: { bases: '*', scopes: ['data.records:read'] },
    },
  });
  fakes.push(fake);
  const call = async (method: string, path: string, body?: unknown, token = BOOKINGS_PAT) => {
    const response = await fetch(new URL(path, fake.apiUrl), {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { fake, call };
}

describe('fake Airtable Web API', () => {
  it('answers with the real shapes: records, 401, 403, 404', async () => {
    const { call } = await start();
    const got = await call('GET', `${BASE}/${TABLE}/${REC}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: REC, fields: { [F.guest]: 'Eduardo Costa', [F.gross]: 360 } });
    expect(got.body.fields).not.toHaveProperty(F.number);
    expect(await call('GET', `${BASE}/${TABLE}/${REC}`, undefined, 'patNope')).toEqual({
      status: 401,
      body: { error: { type: 'AUTHENTICATION_REQUIRED', message: 'Authentication required' } },
    });
    expect((await call('GET', `appUnknownBase0001/${TABLE}/${REC}`)).status).toBe(403);
    expect((await call('GET', `${BASE}/tblUnknown0000001/${REC}`)).body).toMatchObject({
      error: { type: 'TABLE_NOT_FOUND' },
    });
    expect(await call('GET', `${BASE}/${TABLE}/recUnknown0000001`)).toEqual({
      status: 404,
      body: { error: 'NOT_FOUND' },
    });
  });

  it('enforces the write rules: 10 records, known fields, types, select options, scopes', async () => {
    // Room for the dozen requests of this test in one second.
    const { call, fake } = await start(100);
    const eleven = Array.from({ length: 11 }, () => ({ id: REC, fields: { [F.number]: 'x' } }));
    expect((await call('PATCH', `${BASE}/${TABLE}`, { records: eleven })).body).toMatchObject({
      error: { type: 'INVALID_RECORDS' },
    });
    expect(
      await call('PATCH', `${BASE}/${TABLE}`, { records: [{ id: REC, fields: { Fatura: 'x' } }] }),
    ).toEqual({
      status: 422,
      body: { error: { type: 'UNKNOWN_FIELD_NAME', message: 'Unknown field name: "Fatura"' } },
    });
    const computed = await call('PATCH', `${BASE}/${TABLE}/${REC}`, { fields: { [F.nights]: 3 } });
    expect(computed.body).toMatchObject({ error: { type: 'INVALID_VALUE_FOR_COLUMN' } });
    const option = await call('PATCH', `${BASE}/${TABLE}/${REC}`, { fields: { [F.status]: 'Novo' } });
    expect(option.body).toMatchObject({ error: { type: 'INVALID_MULTIPLE_CHOICE_OPTIONS' } });
    const typecast = await call('PATCH', `${BASE}/${TABLE}`, {
      records: [{ id: REC, fields: { [F.status]: 'Novo', [F.error]: null } }],
      typecast: true,
    });
    expect(typecast.status).toBe(200);
    expect(fake.bases.record(BASE, TABLE, REC)[F.status]).toBe('Novo');
    expect((await call('PATCH', `${BASE}/${TABLE}`, '{not json')).status).toBe(422);
    const readOnly = await call(
      'PATCH',
      `${BASE}/${TABLE}/${REC}`,
      { fields: { [F.number]: 'x' } },
      'patReadOnly0000000',
    );
    expect(readOnly.status).toBe(403);
    expect(fake.bases.record(BASE, TABLE, REC)).not.toHaveProperty(F.number);
  });

  it('answers 429 RATE_LIMIT_REACHED past 5 requests a second to a base, and keeps refusing', async () => {
    const { call, fake } = await start();
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await call('GET', `${BASE}/${TABLE}/${REC}`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect((await call('GET', `${BASE}/${TABLE}/${REC}`)).body).toEqual({
      errors: [{ error: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' }],
    });
    expect(fake.calls).toHaveLength(8);
  });

  it('counts one token across all its bases: past 50 a second (4 here) every base of the token gets 429 for the wait', async () => {
    const other = { ...bookingsBaseSeed([booking(REC)]), id: 'appFaturadorDemo2' };
    const fake = await startFakeAirtable({
      rateLimit: { requestsPerSecond: 5, tokenRequestsPerSecond: 4, penaltyMs: 400 },
      bases: [bookingsBaseSeed([booking(REC)]), other],
      tokens: { [BOOKINGS_PAT]: { bases: '*' }, patOtherUser00000: { bases: '*' } },
    });
    fakes.push(fake);
    const get = async (base: string, token = BOOKINGS_PAT) =>
      (
        await fetch(new URL(`${base}/${TABLE}/${REC}`, fake.apiUrl), {
          headers: { authorization: `Bearer ${token}` },
        })
      ).status;
    // 2 + 2 requests: under each base's 5, at the token's 4; the fifth is one too many.
    const first = [await get(BASE), await get(other.id), await get(BASE), await get(other.id)];
    expect(first).toEqual([200, 200, 200, 200]);
    expect(await get(other.id)).toBe(429);
    // The token is held back on both bases; another token is not.
    expect([await get(BASE), await get(other.id)]).toEqual([429, 429]);
    expect(await get(BASE, 'patOtherUser00000')).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await get(BASE)).toBe(200);
  });
});
