import {
  BOOKINGS_BASE_ID as BASE,
  BOOKINGS_PAT,
  booking,
  bookingsBaseSeed,
  BOOKING_FIELDS as F,
  type FakeAirtable,
  startFakeAirtable,
  BOOKINGS_TABLE_ID as TABLE,
} from '@faturador/airtable-sandbox';
import { randomPrefix, testRedis } from '@faturador/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { AirtableApiError, createAirtableWebClient } from './client.ts';
import { createMemoryRateLimiter, createRedisRateLimiter } from './rate-limit.ts';

const fakes: FakeAirtable[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const ids = Array.from({ length: 25 }, (_, i) => `recBooking${String(i).padStart(7, '0')}`);

async function start(options: { penaltyMs?: number } = {}) {
  const fake = await startFakeAirtable({
    bases: [bookingsBaseSeed(ids.map((id) => booking(id)))],
    tokens: { [BOOKINGS_PAT]: { bases: [BASE] } },
    rateLimit: { penaltyMs: options.penaltyMs ?? 30_000 },
  });
  fakes.push(fake);
  return fake;
}

async function failure(promise: Promise<unknown>): Promise<AirtableApiError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AirtableApiError))
    throw new Error(`expected an AirtableApiError, got ${String(error)}`);
  return error;
}

describe('Airtable Web API client', () => {
  it('reads a record by field name or by field id, with the token as a Bearer', async () => {
    const fake = await start();
    const client = createAirtableWebClient(BASE, { apiUrl: fake.apiUrl, pat: BOOKINGS_PAT });
    const record = await client.getRecord(TABLE, ids[0] ?? '');
    expect(record.fields[F.guest]).toBe('Eduardo Costa');
    const byId = await client.getRecord('Reservas', ids[0] ?? '', { fieldsById: true });
    const guestField = fake.bases.table(BASE, TABLE).fields[0]?.id ?? '';
    expect(byId.fields[guestField]).toBe('Eduardo Costa');
  });

  it('reports 401, 403 and 404 as final errors without the token in the message', async () => {
    const fake = await start();
    const bad = createAirtableWebClient(BASE, { apiUrl: fake.apiUrl, pat: 'patWrongToken00000.secret' });
    const unauthorized = await failure(bad.getRecord(TABLE, ids[0] ?? ''));
    expect(unauthorized).toMatchObject({ status: 401, type: 'AUTHENTICATION_REQUIRED', retryable: false });
    expect(unauthorized.message).not.toContain('patWrongToken');
    const client = createAirtableWebClient(BASE, { apiUrl: fake.apiUrl, pat: BOOKINGS_PAT });
    const otherBase = createAirtableWebClient('appOtherBase000001', {
      apiUrl: fake.apiUrl,
      pat: BOOKINGS_PAT,
    });
    expect(await failure(otherBase.getRecord(TABLE, ids[0] ?? ''))).toMatchObject({
      status: 403,
      type: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND',
    });
    expect(await failure(client.getRecord(TABLE, 'recMissing0000000'))).toMatchObject({
      status: 404,
      type: 'NOT_FOUND',
    });
    const unknownField = await failure(
      client.updateRecords(TABLE, [{ id: ids[0] ?? '', fields: { Nope: 'x' } }]),
    );
    expect(unknownField).toMatchObject({ status: 422, type: 'UNKNOWN_FIELD_NAME', retryable: false });
    for (const call of fake.calls) expect(JSON.stringify(call)).not.toContain(BOOKINGS_PAT);
  });

  it('writes 25 records in PATCHes of at most 10, paced under 5 requests per second', async () => {
    const fake = await start();
    const client = createAirtableWebClient(BASE, { apiUrl: fake.apiUrl, pat: BOOKINGS_PAT });
    const updated = await client.updateRecords(
      TABLE,
      ids.map((id, i) => ({ id, fields: { [F.number]: `FR M/${i + 1}`, [F.status]: 'Emitido' } })),
      { typecast: true },
    );
    expect(updated).toHaveLength(25);
    const patches = fake.calls.filter((call) => call.method === 'PATCH');
    expect(patches.map((call) => (call.requestBody as { records: unknown[] }).records.length)).toEqual([
      10, 10, 5,
    ]);
    expect(patches.every((call) => call.status === 200)).toBe(true);
    expect(fake.bases.record(BASE, TABLE, ids[24] ?? '')[F.number]).toBe('FR M/25');
    // Twelve reads in a row stay under the limit: the limiter spaces them.
    for (const id of ids.slice(0, 12)) await client.getRecord(TABLE, id);
    expect(fake.calls.some((call) => call.status === 429)).toBe(false);
  });

  it("paces one token across all its bases under the token's limit (50 a second; 10 here)", async () => {
    const bases = ['appFaturadorDemo1', 'appFaturadorDemo2', 'appFaturadorDemo3'];
    const fake = await startFakeAirtable({
      bases: bases.map((id) => ({ ...bookingsBaseSeed([booking(ids[0] ?? '')]), id })),
      tokens: { [BOOKINGS_PAT]: { bases: '*' } },
      rateLimit: { requestsPerSecond: 5, tokenRequestsPerSecond: 10 },
    });
    fakes.push(fake);
    // Three bases at their own 4.5 a second would be 13.5 a second for the token.
    const limiter = createMemoryRateLimiter();
    const startedAt = Date.now();
    await Promise.all(
      bases.map(async (base) => {
        const client = createAirtableWebClient(
          base,
          { apiUrl: fake.apiUrl, pat: BOOKINGS_PAT },
          { limiter, tokenIntervalMs: 110 },
        );
        for (let i = 0; i < 5; i++) await client.getRecord(TABLE, ids[0] ?? '');
      }),
    );
    expect(fake.calls).toHaveLength(15);
    expect(fake.calls.filter((call) => call.status === 429)).toHaveLength(0);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(14 * 110 - 50);
  });

  it('after a 429 leaves the base alone for the wait, then sends again', async () => {
    const fake = await start({ penaltyMs: 400 });
    const unpaced = createMemoryRateLimiter({ intervalMs: 0 });
    const impatient = createAirtableWebClient(
      BASE,
      { apiUrl: fake.apiUrl, pat: BOOKINGS_PAT },
      { limiter: unpaced, waitAfter429Ms: 400 },
    );
    const results = await Promise.allSettled(ids.slice(0, 6).map((id) => impatient.getRecord(TABLE, id)));
    const rejected = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({
      status: 429,
      type: 'RATE_LIMIT_REACHED',
      retryable: true,
      retryAfterMs: 400,
    });
    const body = fake.calls.find((call) => call.status === 429);
    expect(body?.errorType).toBe('RATE_LIMIT_REACHED');

    const patient = createAirtableWebClient(
      BASE,
      { apiUrl: fake.apiUrl, pat: BOOKINGS_PAT },
      { limiter: unpaced, waitAfter429Ms: 400, retriesAfter429: 1 },
    );
    const startedAt = Date.now();
    await patient.getRecord(TABLE, ids[0] ?? '');
    // The base was paused by the first client's 429: this one waited it out instead of being refused.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(250);
    expect(fake.calls.at(-1)?.status).toBe(200);
  });

  it('shares the pace of a base between processes through Redis', async () => {
    const fake = await start();
    const deps = { redis: testRedis(), prefix: randomPrefix() };
    const clients = [0, 1, 2].map(() =>
      createAirtableWebClient(
        BASE,
        { apiUrl: fake.apiUrl, pat: BOOKINGS_PAT },
        { limiter: createRedisRateLimiter(deps) },
      ),
    );
    await Promise.all(ids.slice(0, 12).map((id, i) => clients[i % 3]?.getRecord(TABLE, id)));
    expect(fake.calls).toHaveLength(12);
    expect(fake.calls.every((call) => call.status === 200)).toBe(true);
    const refused = createRedisRateLimiter(deps);
    await refused.pause(BASE, 5_000);
    expect(await refused.reserve(BASE, 1_000)).toBeNull();
  });

  it('fails a request that would queue too long instead of hanging', async () => {
    const fake = await start();
    const limiter = createMemoryRateLimiter();
    await limiter.pause(BASE, 60_000);
    const client = createAirtableWebClient(BASE, { apiUrl: fake.apiUrl, pat: BOOKINGS_PAT }, { limiter });
    expect(await failure(client.getRecord(TABLE, ids[0] ?? ''))).toMatchObject({
      status: 429,
      type: 'LOCAL_QUEUE_FULL',
      retryable: true,
    });
    expect(fake.calls).toHaveLength(0);
  });
});
