import { randomBytes } from 'node:crypto';
import { BOOKINGS_BASE_ID, BOOKINGS_PAT, bookingSettings } from '@faturador/airtable-sandbox';
import { createSecretBox, FaturadorError } from '@faturador/core';
import { randomPrefix, testRedis } from '@faturador/testing';
import { describe, expect, it } from 'vitest';
import { baseSettingsKey, createAirtableBaseSettingsStore } from './settings.ts';

function setup() {
  const redis = testRedis();
  const prefix = randomPrefix();
  const secretBox = createSecretBox(randomBytes(32));
  return { redis, prefix, secretBox, store: createAirtableBaseSettingsStore({ redis, prefix, secretBox }) };
}

const input = (overrides: Record<string, unknown> = {}) =>
  bookingSettings({ api_url: 'http://127.0.0.1:9/v0', client_id: 'bookings_ops', ...overrides });

async function rejection(promise: Promise<unknown>): Promise<FaturadorError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof FaturadorError)) throw new Error(`expected a FaturadorError, got ${String(error)}`);
  return error;
}

describe('Airtable base settings store', () => {
  it('stores the settings with defaults and the token sealed, never in clear', async () => {
    const { redis, prefix, store } = setup();
    const saved = await store.save(input());
    expect(saved).toMatchObject({
      base_id: BOOKINGS_BASE_ID,
      api_url: 'http://127.0.0.1:9/v0/',
      amount_mode: 'gross',
      default_vat_rate: 6,
      status_values: { issuing: 'A emitir', issued: 'Emitido' },
      typecast: true,
    });
    expect(saved).not.toHaveProperty('pat');
    expect(await store.get(BOOKINGS_BASE_ID)).toEqual(saved);
    expect(await store.access(BOOKINGS_BASE_ID)).toEqual({
      apiUrl: 'http://127.0.0.1:9/v0/',
      pat: BOOKINGS_PAT,
    });
    const raw = JSON.stringify(await redis.hgetall(baseSettingsKey(prefix, BOOKINGS_BASE_ID)));
    expect(raw).not.toContain(BOOKINGS_PAT);
    expect(raw).not.toContain('FakeDemoToken');
  });

  it('keeps the stored token when an update leaves it out, and needs one for a new base', async () => {
    const { store } = setup();
    const { pat: _pat, ...withoutPat } = input();
    expect((await rejection(store.save(withoutPat))).details).toEqual({
      issues: [{ path: 'pat', reason: 'is required for a new base' }],
    });
    await store.save(input());
    await store.save({ ...withoutPat, amount_mode: 'net_of_commission' });
    expect((await store.get(BOOKINGS_BASE_ID))?.amount_mode).toBe('net_of_commission');
    expect((await store.access(BOOKINGS_BASE_ID))?.pat).toBe(BOOKINGS_PAT);
  });

  it('refuses invalid settings, naming each field', async () => {
    const { store } = setup();
    const error = await rejection(
      store.save(
        input({
          base_id: 'nope',
          default_vat_rate: 5,
          location_rules: [{ match: ['funchal'], fiscal_zone: 'PT-MA', vat_rate: 6 }],
          fields: { customer_name: 'fldGuest000000001', gross_amount: 'Valor', status: 'Estado' },
        }),
      ),
    );
    expect(error.code).toBe('VALIDATION_ERROR');
    const paths = ((error.details?.issues ?? []) as Array<{ path: string }>).map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['base_id', 'location_rules[0].vat_rate']));
    const mixed = await rejection(
      store.save(
        input({ fields: { customer_name: 'fldGuest000000001', gross_amount: 'Valor', status: 'Estado' } }),
      ),
    );
    expect(mixed.details).toEqual({
      issues: [
        { path: 'fields', reason: 'must name every field by id (fld…) or every field by name, not a mix' },
      ],
    });
    const rate = await rejection(store.save(input({ default_vat_rate: 5 })));
    expect(rate.details).toEqual({
      issues: [{ path: 'default_vat_rate', reason: 'must be a VAT rate of default_fiscal_zone' }],
    });
  });

  it('lists and removes bases; a token sealed under another master key is an operator error', async () => {
    const { redis, prefix, store } = setup();
    await store.save(input());
    expect((await store.list()).map((settings) => settings.base_id)).toEqual([BOOKINGS_BASE_ID]);
    const otherKey = createAirtableBaseSettingsStore({
      redis,
      prefix,
      secretBox: createSecretBox(randomBytes(32)),
    });
    const error = await rejection(otherKey.access(BOOKINGS_BASE_ID));
    expect(error.code).toBe('INTERNAL_ERROR');
    expect(error.message).not.toContain(BOOKINGS_PAT);
    expect(await store.remove(BOOKINGS_BASE_ID)).toBe(true);
    expect(await store.get(BOOKINGS_BASE_ID)).toBeNull();
    expect(await store.list()).toEqual([]);
    expect(await store.get('not-a-base')).toBeNull();
  });
});
