import { randomBytes } from 'node:crypto';
import { createSecretBox, FaturadorError } from '@faturador/core';
import { randomPrefix, testRedis } from '@faturador/testing';
import { describe, expect, it } from 'vitest';
import { createApiClientStore } from './api-clients.ts';
import {
  type AuthenticateInput,
  type AuthRejection,
  type AuthRejectionContext,
  createAuthenticator,
  credentialHint,
} from './authenticate.ts';
import { signRequest } from './signing.ts';

const NOW = Date.parse('2026-05-18T15:00:00Z');
const TS = NOW / 1000;
const PATH = '/api/v1/invoices/';
const BODY = '{"reference":"TI-2026-05-18-0007","items":[]}';
const DEMO = { key_id: 'ak_demo_9f83b7d1a5c40c22', secret: 'as_demo_5baf4f0f613949f0863b83de8f4c4f90' };

async function setup() {
  const redis = testRedis();
  const prefix = randomPrefix();
  const secretBox = createSecretBox(randomBytes(32));
  let clock = NOW;
  const deps = { redis, prefix, secretBox, now: () => clock };
  const store = createApiClientStore(deps);
  const rejections: AuthRejection[] = [];
  const auth = createAuthenticator({ ...deps, onRejected: (reason) => rejections.push(reason) });
  await store.createClient({ client_id: 'airtable_ops_prod', name: 'Airtable ops' });
  await store.createClient({ client_id: 'other_client', name: 'Other' });
  await store.createKey('airtable_ops_prod', DEMO);
  return {
    redis,
    prefix,
    secretBox,
    store,
    auth,
    rejections,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

function request(
  headers: Record<string, string>,
  overrides: Partial<AuthenticateInput> = {},
): AuthenticateInput {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    method: 'POST',
    path: PATH,
    headers: (name) => lower[name],
    rawBody: BODY,
    clientIp: '203.0.113.7',
    now: NOW,
    ...overrides,
  };
}

function plain(over: Record<string, string> = {}): Record<string, string> {
  return {
    'X-Client-Id': 'airtable_ops_prod',
    'X-Api-Key': DEMO.key_id,
    'X-Api-Secret': DEMO.secret,
    ...over,
  };
}

interface SignOptions {
  secret?: string;
  method?: string;
  path?: string;
  timestamp?: number;
  nonce?: string;
  body?: string;
  keyId?: string;
  clientId?: string;
}

function signed(o: SignOptions = {}): Record<string, string> {
  const timestamp = o.timestamp ?? TS;
  const nonce = o.nonce ?? randomBytes(16).toString('hex');
  const signature = signRequest({
    method: o.method ?? 'POST',
    path: o.path ?? PATH,
    timestamp,
    nonce,
    body: o.body ?? BODY,
    secret: o.secret ?? DEMO.secret,
  });
  return {
    'X-Client-Id': o.clientId ?? 'airtable_ops_prod',
    'X-Api-Key': o.keyId ?? DEMO.key_id,
    'X-Timestamp': String(timestamp),
    'X-Nonce': nonce,
    'X-Signature': signature,
  };
}

async function failure(promise: Promise<unknown>): Promise<FaturadorError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof FaturadorError)) throw new Error(`expected a FaturadorError, got ${String(error)}`);
  return error;
}

async function expectAuthError(promise: Promise<unknown>): Promise<void> {
  const error = await failure(promise);
  expect(error.toJSON()).toEqual({
    code: 'AUTH_ERROR',
    message: 'Invalid credentials, signature, timestamp or nonce.',
    details: null,
  });
  expect(error.status).toBe(401);
}

describe('plain mode (the seed example)', () => {
  it('accepts the seed headers', async () => {
    const { auth } = await setup();
    expect(await auth.authenticate(request(plain()))).toEqual({
      clientId: 'airtable_ops_prod',
      keyId: DEMO.key_id,
      scopes: ['invoices:write', 'invoices:read'],
      capabilities: [],
      signed: false,
    });
  });

  it.each<[string, Record<string, string>, AuthRejection]>([
    ['unknown client', { 'X-Client-Id': 'nobody_here' }, 'unknown_client'],
    ['unknown key', { 'X-Api-Key': 'ak_0123456789abcdef' }, 'unknown_key'],
    ['key of another client', { 'X-Client-Id': 'other_client' }, 'key_of_another_client'],
    ['bad secret', { 'X-Api-Secret': 'as_demo_5baf4f0f613949f0863b83de8f4c4f91' }, 'bad_secret'],
    ['secret prefix only', { 'X-Api-Secret': 'as_demo_5baf4f0f613949f0863b83de8f4c4f9' }, 'bad_secret'],
    ['no secret', { 'X-Api-Secret': '' }, 'missing_credentials'],
    ['malformed key', { 'X-Api-Key': 'ak_x' }, 'malformed_credentials'],
    ['secret and signature', { 'X-Signature': 'a'.repeat(64) }, 'secret_and_signature'],
  ])('refuses %s with the one AUTH_ERROR', async (_, over, reason) => {
    const { auth, rejections } = await setup();
    await expectAuthError(auth.authenticate(request(plain(over))));
    expect(rejections).toEqual([reason]);
  });

  it('logs a fingerprint of the credential headers, never a value that may be a secret', async () => {
    const { redis, prefix, secretBox } = await setup();
    const contexts: AuthRejectionContext[] = [];
    const auth = createAuthenticator({
      redis,
      prefix,
      secretBox,
      onRejected: (_, context) => contexts.push(context),
    });
    // The secret pasted into the key header (malformed), then into the client id header (unknown client).
    await expectAuthError(auth.authenticate(request(plain({ 'X-Api-Key': DEMO.secret }))));
    await expectAuthError(auth.authenticate(request(plain({ 'X-Client-Id': 'as_demo_5baf4f0f613949' }))));
    const logged = JSON.stringify(contexts);
    expect(logged).not.toContain(DEMO.secret.slice(0, 12));
    expect(logged).not.toContain('as_demo_5baf4f0f613949');
    expect(contexts[0]?.keyIdHint).toBe(credentialHint(DEMO.secret));
    expect(contexts[0]?.keyIdHint).toMatch(/^as_dem…#[0-9a-f]{8} \(\d+ chars\)$/);
    // The same value gives the same fingerprint, so repeated attempts can be matched in the log.
    expect(credentialHint(DEMO.secret)).toBe(contexts[0]?.keyIdHint);
    expect(credentialHint(`${DEMO.secret}x`)).not.toBe(contexts[0]?.keyIdHint);
  });

  it('refuses revoked keys and clients', async () => {
    const { auth, store, rejections } = await setup();
    const extra = await store.createKey('airtable_ops_prod');
    await store.revokeKey('airtable_ops_prod', DEMO.key_id);
    await expectAuthError(auth.authenticate(request(plain())));
    await store.revokeClient('airtable_ops_prod');
    await expectAuthError(
      auth.authenticate(request(plain({ 'X-Api-Key': extra.key.key_id, 'X-Api-Secret': extra.secret }))),
    );
    expect(rejections).toEqual(['key_revoked', 'client_revoked']);
  });

  it('refuses plain mode for a signed-only key, which still works signed', async () => {
    const { auth, store, rejections } = await setup();
    await store.setSignedOnly('airtable_ops_prod', DEMO.key_id, true);
    await expectAuthError(auth.authenticate(request(plain())));
    expect(rejections).toEqual(['signed_only']);
    expect((await auth.authenticate(request(signed()))).signed).toBe(true);
  });

  it('refuses a key without the required scope', async () => {
    const { auth, store, rejections } = await setup();
    const ext = await store.createKey('airtable_ops_prod', { scopes: ['record-triggers:write'] });
    const headers = plain({ 'X-Api-Key': ext.key.key_id, 'X-Api-Secret': ext.secret });
    await expectAuthError(auth.authenticate(request(headers, { requiredScope: 'invoices:write' })));
    expect(rejections).toEqual(['missing_scope']);
    const ok = await auth.authenticate(request(headers, { requiredScope: 'record-triggers:write' }));
    expect(ok.scopes).toEqual(['record-triggers:write']);
  });

  it('returns the Moloni connection of the client', async () => {
    const { auth, redis, prefix, store } = await setup();
    await redis.hset(`${prefix}:connection:con_0123456789abcdef`, 'connection_id', 'con_0123456789abcdef');
    await store.setMoloniConnection('airtable_ops_prod', 'con_0123456789abcdef');
    expect((await auth.authenticate(request(plain()))).connectionId).toBe('con_0123456789abcdef');
  });

  it('a failing onRejected callback does not change the answer', async () => {
    const { redis, prefix, secretBox } = await setup();
    const auth = createAuthenticator({
      redis,
      prefix,
      secretBox,
      onRejected: () => {
        throw new Error('logger down');
      },
    });
    await expectAuthError(auth.authenticate(request(plain({ 'X-Client-Id': 'nobody_here' }))));
  });

  it('a master key that does not open the stored secret is a server fault, not a 401', async () => {
    const { redis, prefix } = await setup();
    const auth = createAuthenticator({ redis, prefix, secretBox: createSecretBox(randomBytes(32)) });
    const error = await failure(auth.authenticate(request(plain())));
    expect([error.code, error.message]).toEqual([
      'INTERNAL_ERROR',
      'Stored API credentials could not be read.',
    ]);
    expect(error.message).not.toContain(DEMO.secret);
  });
});

describe('signed mode', () => {
  it('accepts a correct signature, once per nonce', async () => {
    const { auth, rejections } = await setup();
    const headers = signed();
    expect(await auth.authenticate(request(headers))).toMatchObject({
      clientId: 'airtable_ops_prod',
      signed: true,
    });
    await expectAuthError(auth.authenticate(request(headers)));
    expect(rejections).toEqual(['nonce_reused']);
  });

  it('signs bytes as well as text, and accepts lowercase or uppercase hex', async () => {
    const { auth } = await setup();
    const headers = signed();
    headers['X-Signature'] = (headers['X-Signature'] ?? '').toUpperCase();
    await auth.authenticate(request(headers, { rawBody: new TextEncoder().encode(BODY) }));
  });

  it.each<[string, Partial<AuthenticateInput>, (h: Record<string, string>) => void]>([
    ['method', { method: 'PUT' }, () => {}],
    ['path', { path: '/api/v1/invoices/?x=1' }, () => {}],
    ['body', { rawBody: `${BODY} ` }, () => {}],
    [
      'timestamp',
      {},
      (h) => {
        h['X-Timestamp'] = String(TS + 1);
      },
    ],
    [
      'nonce',
      {},
      (h) => {
        h['X-Nonce'] = `${h['X-Nonce']}x`;
      },
    ],
    [
      'signature',
      {},
      (h) => {
        const sig = h['X-Signature'] ?? '';
        h['X-Signature'] = `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`;
      },
    ],
  ])(
    'refuses a request whose %s was tampered with, without spending the nonce',
    async (_, overrides, tamper) => {
      const { auth, rejections } = await setup();
      const headers = signed();
      const tampered = { ...headers };
      tamper(tampered);
      await expectAuthError(auth.authenticate(request(tampered, overrides)));
      expect(rejections).toEqual(['bad_signature']);
      // The genuine request still goes through: a forger cannot burn nonces.
      await auth.authenticate(request(headers));
    },
  );

  it('refuses a signature made with another secret or for another key', async () => {
    const { auth, store, rejections } = await setup();
    const other = await store.createKey('other_client');
    await expectAuthError(auth.authenticate(request(signed({ secret: other.secret }))));
    await expectAuthError(
      auth.authenticate(request(signed({ clientId: 'other_client', secret: other.secret }))),
    );
    expect(rejections).toEqual(['bad_signature', 'key_of_another_client']);
  });

  it.each([
    [-299, true],
    [299, true],
    [-300, true],
    [300, true],
    [-301, false],
    [301, false],
  ])('clock skew %i s → accepted: %s', async (skew, accepted) => {
    const { auth, rejections } = await setup();
    const attempt = auth.authenticate(request(signed({ timestamp: TS + skew })));
    if (accepted) await attempt;
    else {
      await expectAuthError(attempt);
      expect(rejections).toEqual(['bad_timestamp']);
    }
  });

  it.each([
    ['a short nonce', { 'X-Nonce': 'abc' }],
    ['a nonce with other characters', { 'X-Nonce': 'abcdefghijklmnop:' }],
    ['a non-numeric timestamp', { 'X-Timestamp': '1e9' }],
    ['a missing signature', { 'X-Signature': '' }],
    ['a signature that is not hex', { 'X-Signature': 'z'.repeat(64) }],
  ])('refuses %s', async (_, over) => {
    const { auth } = await setup();
    await expectAuthError(auth.authenticate(request({ ...signed(), ...over })));
  });

  it('nonces are per client and kept past the window', async () => {
    const { auth, store, redis, prefix } = await setup();
    const other = await store.createKey('other_client');
    const nonce = 'shared_nonce_0123456789';
    await auth.authenticate(request(signed({ nonce })));
    await auth.authenticate(
      request(signed({ nonce, clientId: 'other_client', keyId: other.key.key_id, secret: other.secret })),
    );
    const ttl = await redis.ttl(`${prefix}:nonce:airtable_ops_prod:${nonce}`);
    expect(ttl).toBeGreaterThan(600);
  });

  it('during a rotation both secrets sign; after the expiry only the new one', async () => {
    const { auth, store, advance } = await setup();
    const rotated = await store.rotateSecret('airtable_ops_prod', DEMO.key_id, { oldSecretTtlSeconds: 3600 });
    const at = NOW + 3_599_000;
    advance(3_599_000);
    const ts = at / 1000;
    await auth.authenticate(request(signed({ timestamp: ts }), { now: at }));
    await auth.authenticate(request(signed({ timestamp: ts, secret: rotated.secret }), { now: at }));
    await auth.authenticate(request(plain(), { now: at }));
    const later = at + 1000;
    await expectAuthError(auth.authenticate(request(signed({ timestamp: later / 1000 }), { now: later })));
    await expectAuthError(auth.authenticate(request(plain(), { now: later })));
    await auth.authenticate(
      request(signed({ timestamp: later / 1000, secret: rotated.secret }), { now: later }),
    );
  });
});

describe('IP allowlist', () => {
  it.each<[string[], string, boolean]>([
    [['203.0.113.7'], '203.0.113.7', true],
    [['203.0.113.7'], '::ffff:203.0.113.7', true],
    [['203.0.113.0/24'], '203.0.113.200', true],
    [['203.0.113.0/24'], '203.0.114.1', false],
    [['2001:db8::/32'], '2001:db8:ffff::1', true],
    [['2001:db8::/32'], '2001:db9::1', false],
    [['::1'], '::1', true],
    [[], '198.51.100.1', true],
  ])('allowlist %j, client %s → allowed: %s', async (allowlist, ip, allowed) => {
    const { auth, store, rejections } = await setup();
    await store.setAllowlist('airtable_ops_prod', DEMO.key_id, allowlist);
    const attempt = auth.authenticate(request(plain(), { clientIp: ip }));
    if (allowed) {
      await attempt;
      return;
    }
    const error = await failure(attempt);
    expect([error.code, error.status, error.details]).toEqual(['IP_NOT_ALLOWED', 403, null]);
    expect(rejections).toEqual(['ip_not_allowed']);
  });

  it('checks credentials before the allowlist, and keeps the nonce of a refused IP', async () => {
    const { auth, store } = await setup();
    await store.setAllowlist('airtable_ops_prod', DEMO.key_id, ['10.0.0.0/8']);
    await expectAuthError(auth.authenticate(request(plain({ 'X-Api-Secret': `${DEMO.secret}0` }))));
    const headers = signed();
    expect((await failure(auth.authenticate(request(headers)))).code).toBe('IP_NOT_ALLOWED');
    await auth.authenticate(request(headers, { clientIp: '10.1.2.3' }));
  });
});
