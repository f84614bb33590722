import { FaturadorError } from '@faturador/core';
import { createClock } from '@faturador/moloni-sandbox';
import { describe, expect, it } from 'vitest';
import { CREDENTIALS, harness } from './test/support.ts';

const COMPANY_ID = 240211;
const MINUTE = 60_000;

/** A sandbox on a controllable clock, and our clock that can be moved along with it. */
async function clockedHarness() {
  const clock = createClock();
  const h = await harness({ clock });
  let offset = 0;
  const now = () => Date.now() + offset;
  return {
    h,
    now,
    /** Moves Moloni's clock, and ours too unless `ours` is false. */
    advance(ms: number, ours = true) {
      clock.advance(ms);
      if (ours) offset += ms;
    },
  };
}

// Any authenticated call will do; documents/getAll is cheap and needs no setup.
const ping = (client: { findByOurReference(reference: string): Promise<unknown[]> }) =>
  client.findByOurReference('PING');

describe('Moloni tokens', () => {
  it('logs in once and shares the sealed token with every process through Redis', async () => {
    const { h } = await clockedHarness();
    await ping(h.client({ companyId: COMPANY_ID }));
    await ping(h.client({ companyId: COMPANY_ID }));
    await ping(h.client({ companyId: COMPANY_ID }));
    expect(h.grants()).toEqual({ password: 1, refresh_token: 0 });

    const sealed = await h.redis.get(`${h.prefix}:moloni:token:con_test`);
    expect(sealed).toMatch(/^v1\./);
    const token = JSON.parse(h.secretBox.open(sealed ?? '', 'moloni-token:con_test'));
    expect(token.accessToken).toMatch(/^[0-9a-f]{40}$/);
    expect(sealed).not.toContain(token.accessToken);
    expect(sealed).not.toContain(token.refreshToken);
    // Bound to its purpose: another connection's key cannot open it.
    expect(() => h.secretBox.open(sealed ?? '', 'moloni-token:other')).toThrow();
  });

  it('refreshes before expiry exactly once for 20 concurrent processes, and keeps the rotated token', async () => {
    const { h, now, advance } = await clockedHarness();
    const clients = Array.from({ length: 20 }, () => h.client({ companyId: COMPANY_ID, now }));
    await ping(clients[0]!);
    advance(55 * MINUTE); // inside the 10-minute margin, not yet expired for Moloni
    const results = await Promise.allSettled(clients.map(ping));
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(h.grants()).toEqual({ password: 1, refresh_token: 1 });
    expect(h.calls('grant')).toBe(2);
    expect(await h.redis.exists(`${h.prefix}:moloni:token-lock:con_test`)).toBe(0);

    // The second refresh only works if the first one's rotated refresh token was stored.
    advance(55 * MINUTE);
    await Promise.all(clients.map(ping));
    expect(h.grants()).toEqual({ password: 1, refresh_token: 2 });
  });

  it('renews a token Moloni rejects mid-call exactly once for 20 concurrent processes', async () => {
    const { h, now, advance } = await clockedHarness();
    const clients = Array.from({ length: 20 }, () => h.client({ companyId: COMPANY_ID, now }));
    await ping(clients[0]!);
    advance(61 * MINUTE, false); // expired for Moloni; our clock does not know
    const results = await Promise.allSettled(clients.map(ping));
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(h.grants()).toEqual({ password: 1, refresh_token: 1 });
    // Every process repeated its call at most once.
    expect(h.calls('documents/getAll')).toBeGreaterThan(21);
    expect(h.calls('documents/getAll')).toBeLessThanOrEqual(41);
  });

  it('logs in again with the password when Moloni rejects the expired refresh token', async () => {
    const { h, now, advance } = await clockedHarness();
    const client = h.client({ companyId: COMPANY_ID, now });
    await ping(client);
    advance(15 * 24 * 60 * MINUTE, false);
    await ping(client);
    expect(h.grants()).toEqual({ password: 2, refresh_token: 0 });
    expect(h.calls('grant')).toBe(3); // password, refused refresh, password
  });

  it('skips the refresh when our clock already knows the refresh token is too old', async () => {
    const { h, now, advance } = await clockedHarness();
    const client = h.client({ companyId: COMPANY_ID, now });
    await ping(client);
    advance(15 * 24 * 60 * MINUTE);
    await ping(client);
    expect(h.grants()).toEqual({ password: 2, refresh_token: 0 });
    expect(h.calls('grant')).toBe(2);
  });

  it('recovers when every token was revoked (refresh refused too)', async () => {
    const { h } = await clockedHarness();
    const client = h.client({ companyId: COMPANY_ID });
    await ping(client);
    h.running.sandbox.tokens.revokeAll();
    await expect(ping(client)).resolves.toEqual([]);
    expect(h.grants()).toEqual({ password: 1, refresh_token: 0 }); // counters reset by revokeAll
    expect(h.calls('grant')).toBe(3);
  });

  it('a process that keeps a token in memory takes the one another process renewed, with no grant of its own', async () => {
    const { h } = await clockedHarness();
    const [a, b] = [h.client({ companyId: COMPANY_ID }), h.client({ companyId: COMPANY_ID })];
    await ping(a);
    await ping(b);
    h.running.sandbox.tokens.revokeAll();
    await ping(b); // refresh refused, logs in again, stores the new token
    const grantsBefore = h.calls('grant');
    const callsBefore = h.calls('documents/getAll');
    // `a` still holds the revoked token in memory: Moloni refuses it once, and the renewal
    // finds b's token in Redis instead of granting another one.
    await expect(ping(a)).resolves.toEqual([]);
    expect(h.calls('grant')).toBe(grantsBefore);
    expect(h.calls('documents/getAll')).toBe(callsBefore + 2);
  });

  it('reports refused credentials as AUTH_ERROR without retrying them', async () => {
    const { h } = await clockedHarness();
    const client = h.client({
      companyId: COMPANY_ID,
      credentials: { ...CREDENTIALS, password: 'wrong-password-123' },
    });
    const error = await ping(client).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FaturadorError);
    expect(error).toMatchObject({
      code: 'AUTH_ERROR',
      details: { provider: 'moloni', error: 'invalid_grant', endpoint: 'grant' },
    });
    expect(h.calls('grant')).toBe(1);
    expect(h.calls('documents/getAll')).toBe(0);

    const badClient = h.client({
      companyId: COMPANY_ID,
      credentials: { ...CREDENTIALS, clientSecret: 'not-the-secret' },
    });
    await expect(ping(badClient)).rejects.toMatchObject({
      code: 'AUTH_ERROR',
      details: { error: 'invalid_client' },
    });
  });

  it('ignores a token it cannot open (another master key) and logs in again', async () => {
    const { h } = await clockedHarness();
    await ping(h.client({ companyId: COMPANY_ID }));
    await h.redis.set(`${h.prefix}:moloni:token:con_test`, 'v1.garbage.garbage.garbage');
    await ping(h.client({ companyId: COMPANY_ID }));
    expect(h.grants()).toEqual({ password: 2, refresh_token: 0 });
  });
});
