import { randomBytes } from 'node:crypto';
import { createSecretBox, FaturadorError } from '@faturador/core';
import { keysUnder, randomPrefix, testRedis } from '@faturador/testing';
import { describe, expect, it } from 'vitest';
import { createApiClientStore } from './api-clients.ts';
import { createConnectionStore } from './connections.ts';

function setup() {
  const redis = testRedis();
  const prefix = randomPrefix();
  const secretBox = createSecretBox(randomBytes(32));
  let clock = Date.parse('2026-05-18T15:00:00Z');
  const deps = { redis, prefix, secretBox, now: () => clock };
  return {
    redis,
    prefix,
    store: createApiClientStore(deps),
    connections: createConnectionStore(deps),
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  return error instanceof FaturadorError ? error.code : String(error);
}

describe('API clients', () => {
  it('creates, lists, gets and revokes clients', async () => {
    const { store } = setup();
    const created = await store.createClient({ client_id: 'airtable_ops_prod', name: ' Airtable ops ' });
    expect(created).toEqual({
      client_id: 'airtable_ops_prod',
      name: 'Airtable ops',
      status: 'active',
      created_at: '2026-05-18T15:00:00.000Z',
      revoked_at: null,
      connection_id: null,
      capabilities: [],
    });
    await store.createClient({ client_id: 'slack_bot', name: 'Slack' });
    expect((await store.listClients()).map((c) => c.client_id)).toEqual(['airtable_ops_prod', 'slack_bot']);
    expect(await store.getClient('airtable_ops_prod')).toEqual(created);
    expect(await store.getClient('nobody')).toBeNull();
    expect(await store.getClient('../etc')).toBeNull();

    const revoked = await store.revokeClient('slack_bot');
    expect(revoked.status).toBe('revoked');
    expect(revoked.revoked_at).not.toBeNull();
  });

  it('records capabilities only as the operator names them, and refuses unknown ones', async () => {
    const { store, redis, prefix } = setup();
    const bot = await store.createClient({ client_id: 'bot', name: 'Bot', capabilities: ['slack:T0TEAM01'] });
    expect(bot.capabilities).toEqual(['slack:T0TEAM01']);
    expect(
      await codeOf(store.createClient({ client_id: 'x1', name: 'x', capabilities: ['airtable:*'] })),
    ).toBe('VALIDATION_ERROR');
    expect(await store.getClient('x1')).toBeNull();
    expect(await codeOf(store.setCapabilities('bot', ['slack:general']))).toBe('VALIDATION_ERROR');
    expect((await store.getClient('bot'))?.capabilities).toEqual(['slack:T0TEAM01']);
    expect((await store.setCapabilities('bot', [])).capabilities).toEqual([]);
    // A stored value that is not a list of known capabilities grants nothing.
    await redis.hset(`${prefix}:client:bot`, 'capabilities', '"slack:T0TEAM01"');
    expect((await store.getClient('bot'))?.capabilities).toEqual([]);
  });

  it('refuses duplicates, bad ids and unknown connections', async () => {
    const { store } = setup();
    await store.createClient({ client_id: 'acme', name: 'Acme' });
    expect(await codeOf(store.createClient({ client_id: 'acme', name: 'Again' }))).toBe('VALIDATION_ERROR');
    expect(await codeOf(store.createClient({ client_id: 'Bad Id', name: 'x' }))).toBe('VALIDATION_ERROR');
    expect(await codeOf(store.createClient({ client_id: 'a:b', name: 'x' }))).toBe('VALIDATION_ERROR');
    expect(await codeOf(store.createClient({ client_id: 'acme2', name: '' }))).toBe('VALIDATION_ERROR');
    expect(
      await codeOf(
        store.createClient({ client_id: 'acme3', name: 'x', connection_id: 'con_0000000000000000' }),
      ),
    ).toBe('NOT_FOUND');
    expect(await codeOf(store.revokeClient('ghost'))).toBe('NOT_FOUND');
  });

  it('links a client to a Moloni connection', async () => {
    const { store, connections } = setup();
    const connection = await connections.createConnection({
      name: 'Sandbox',
      kind: 'sandbox',
      base_url: 'http://127.0.0.1:4010/v1',
      client_id: 'c',
      client_secret: 's',
      username: 'u',
      password: 'p',
    });
    await store.createClient({ client_id: 'acme', name: 'Acme', connection_id: connection.connection_id });
    expect((await store.getClient('acme'))?.connection_id).toBe(connection.connection_id);
    expect((await store.setMoloniConnection('acme', null)).connection_id).toBeNull();
    expect(await codeOf(store.setMoloniConnection('acme', 'con_ffffffffffffffff'))).toBe('NOT_FOUND');
  });
});

describe('API keys', () => {
  it('creates a key with generated id and secret, shown once and stored sealed', async () => {
    const { store, redis, prefix } = setup();
    await store.createClient({ client_id: 'acme', name: 'Acme' });
    const { key, secret } = await store.createKey('acme', {
      ip_allowlist: ['10.0.0.9/8'],
      signed_only: true,
    });
    expect(key.key_id).toMatch(/^ak_[0-9a-f]{16}$/);
    expect(secret).toMatch(/^as_[0-9a-f]{32}$/);
    expect(key).toMatchObject({
      client_id: 'acme',
      revoked: false,
      signed_only: true,
      scopes: ['invoices:write', 'invoices:read'],
      ip_allowlist: ['10.0.0.0/8'],
      secrets: [{ created_at: '2026-05-18T15:00:00.000Z', expires_at: null }],
    });
    expect(JSON.stringify(await store.getKey('acme', key.key_id))).not.toContain(secret);
    expect(await store.getKey('other', key.key_id)).toBeNull();
    expect((await store.listKeys('acme')).map((k) => k.key_id)).toEqual([key.key_id]);

    // Nothing in Redis holds the secret (or its hex part) in plaintext.
    const needle = secret.slice(3);
    const names = await keysUnder(redis, prefix);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const type = await redis.type(name);
      const value =
        type === 'hash'
          ? JSON.stringify(await redis.hgetall(name))
          : type === 'zset'
            ? JSON.stringify(await redis.zrange(name, 0, -1))
            : String(await redis.get(name));
      expect(value).not.toContain(needle);
    }
  });

  it('accepts a given key id and secret (the seed demo), once', async () => {
    const { store } = setup();
    await store.createClient({ client_id: 'airtable_ops_prod', name: 'Demo' });
    const demo = { key_id: 'ak_demo_9f83b7d1a5c40c22', secret: 'as_demo_5baf4f0f613949f0863b83de8f4c4f90' };
    const { key, secret } = await store.createKey('airtable_ops_prod', demo);
    expect([key.key_id, secret]).toEqual([demo.key_id, demo.secret]);
    expect(await codeOf(store.createKey('airtable_ops_prod', demo))).toBe('VALIDATION_ERROR');
    expect(await codeOf(store.createKey('airtable_ops_prod', { key_id: 'ak_short' }))).toBe(
      'VALIDATION_ERROR',
    );
    expect(await codeOf(store.createKey('airtable_ops_prod', { secret: 'as_short' }))).toBe(
      'VALIDATION_ERROR',
    );
  });

  it('validates scopes and allowlists, and needs an active client', async () => {
    const { store } = setup();
    await store.createClient({ client_id: 'acme', name: 'Acme' });
    expect(await codeOf(store.createKey('acme', { scopes: ['invoices:delete'] }))).toBe('VALIDATION_ERROR');
    expect(await codeOf(store.createKey('acme', { scopes: [] }))).toBe('VALIDATION_ERROR');
    expect(await codeOf(store.createKey('acme', { ip_allowlist: ['10.0.0.0/33'] }))).toBe('VALIDATION_ERROR');
    const ext = await store.createKey('acme', { scopes: ['record-triggers:write'] });
    expect(ext.key.scopes).toEqual(['record-triggers:write']);
    expect(await codeOf(store.createKey('ghost'))).toBe('NOT_FOUND');
    await store.revokeClient('acme');
    expect(await codeOf(store.createKey('acme'))).toBe('NOT_FOUND');
  });

  it('rotates: two live secrets, the old one expiring after 24 h by default', async () => {
    const { store, advance } = setup();
    await store.createClient({ client_id: 'acme', name: 'Acme' });
    const first = await store.createKey('acme');
    advance(1000);
    const second = await store.rotateSecret('acme', first.key.key_id);
    expect(second.secret).not.toBe(first.secret);
    expect(second.key.secrets).toEqual([
      { created_at: '2026-05-18T15:00:00.000Z', expires_at: '2026-05-19T15:00:01.000Z' },
      { created_at: '2026-05-18T15:00:01.000Z', expires_at: null },
    ]);
    advance(24 * 3600 * 1000);
    expect((await store.getKey('acme', first.key.key_id))?.secrets).toHaveLength(1);
  });

  it('rotating mid-rotation retires the oldest; dropOldSecret and a 0 TTL end a rotation at once', async () => {
    const { store, advance } = setup();
    await store.createClient({ client_id: 'acme', name: 'Acme' });
    const { key } = await store.createKey('acme');
    advance(60_000);
    await store.rotateSecret('acme', key.key_id, { oldSecretTtlSeconds: 3600 });
    advance(60_000);
    const third = await store.rotateSecret('acme', key.key_id);
    // The first secret is gone; the second now expires in 24 h; the third is current.
    expect(third.key.secrets).toEqual([
      { created_at: '2026-05-18T15:01:00.000Z', expires_at: '2026-05-19T15:02:00.000Z' },
      { created_at: '2026-05-18T15:02:00.000Z', expires_at: null },
    ]);
    expect((await store.dropOldSecret('acme', key.key_id)).secrets).toEqual([
      { created_at: '2026-05-18T15:02:00.000Z', expires_at: null },
    ]);
    advance(60_000);
    expect((await store.rotateSecret('acme', key.key_id, { oldSecretTtlSeconds: 0 })).key.secrets).toEqual([
      { created_at: '2026-05-18T15:03:00.000Z', expires_at: null },
    ]);
    expect(await codeOf(store.rotateSecret('acme', key.key_id, { oldSecretTtlSeconds: -1 }))).toBe(
      'VALIDATION_ERROR',
    );
  });

  it('revokes keys (dropping their secrets), sets allowlists and the signed-only flag', async () => {
    const { store } = setup();
    await store.createClient({ client_id: 'acme', name: 'Acme' });
    await store.createClient({ client_id: 'other', name: 'Other' });
    const { key } = await store.createKey('acme');
    expect(
      (await store.setAllowlist('acme', key.key_id, ['::ffff:192.0.2.1', '2001:db8::/32'])).ip_allowlist,
    ).toEqual(['192.0.2.1', '2001:db8::/32']);
    expect((await store.setSignedOnly('acme', key.key_id, true)).signed_only).toBe(true);
    expect(await codeOf(store.revokeKey('other', key.key_id))).toBe('NOT_FOUND');
    const revoked = await store.revokeKey('acme', key.key_id);
    expect(revoked).toMatchObject({ revoked: true, secrets: [] });
    expect(await codeOf(store.rotateSecret('acme', key.key_id))).toBe('VALIDATION_ERROR');
    expect((await store.revokeKey('acme', key.key_id)).revoked).toBe(true);
  });

  it('revoking a client revokes its keys', async () => {
    const { store } = setup();
    await store.createClient({ client_id: 'acme', name: 'Acme' });
    await store.createKey('acme');
    await store.createKey('acme');
    await store.revokeClient('acme');
    expect((await store.listKeys('acme')).every((key) => key.revoked && key.secrets.length === 0)).toBe(true);
  });

  it('concurrent rotations do not lose each other', async () => {
    const { store } = setup();
    await store.createClient({ client_id: 'acme', name: 'Acme' });
    const { key } = await store.createKey('acme');
    const [a, b] = await Promise.all([
      store.rotateSecret('acme', key.key_id),
      store.rotateSecret('acme', key.key_id),
    ]);
    const final = await store.getKey('acme', key.key_id);
    // Both applied, one after the other: the last one's secret is the newest of two.
    expect(final?.secrets).toHaveLength(2);
    expect([a.key.secrets.length, b.key.secrets.length]).toEqual([2, 2]);
  });
});
