import { randomBytes } from 'node:crypto';
import { FaturadorError } from '@faturador/core';
import { z } from 'zod';
import { normalizeIpList } from './ip.ts';
import { createRecord, type StoreDeps, securityKeys, updateRecord } from './redis-keys.ts';

export const API_SCOPES = [
  'invoices:write',
  'invoices:read',
  'record-triggers:write',
  'airtable-bases:write',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];
export const DEFAULT_SCOPES: readonly ApiScope[] = ['invoices:write', 'invoices:read'];

/** Minted keys are `ak_` + 16 hex; the seed's demo key (`ak_demo_…`) also fits. */
export const KEY_ID_PATTERN = /^ak_[A-Za-z0-9_]{16,64}$/;
/** Minted secrets are `as_` + 32 hex (128 bits); the seed's demo secret also fits. */
export const SECRET_PATTERN = /^as_[A-Za-z0-9_]{32,128}$/;
export const DEFAULT_OLD_SECRET_TTL_SECONDS = 24 * 60 * 60;

export interface ApiKeySecretInfo {
  created_at: string;
  /** Set on the previous secret during a rotation. */
  expires_at: string | null;
}

export interface ApiKey {
  key_id: string;
  client_id: string;
  created_at: string;
  revoked: boolean;
  revoked_at: string | null;
  /** The key must sign its requests (X-Timestamp, X-Nonce, X-Signature); X-Api-Secret is refused. */
  signed_only: boolean;
  scopes: ApiScope[];
  /** IPs and CIDRs; empty allows any address. */
  ip_allowlist: string[];
  /** Live secrets, oldest first (two during a rotation). Never the secrets themselves. */
  secrets: ApiKeySecretInfo[];
  /**
   * A record-trigger key for one Airtable base only: the key an extension keeps in the base's
   * globalConfig, which every collaborator can read, triggers nothing in another base.
   */
  airtable_base: string | null;
}

export interface StoredSecret extends ApiKeySecretInfo {
  sealed: string;
}

export interface StoredApiKey extends Omit<ApiKey, 'secrets'> {
  secrets: StoredSecret[];
}

export interface CreateKeyInput {
  scopes?: readonly string[];
  ip_allowlist?: readonly string[];
  signed_only?: boolean;
  /** Restricts a `record-triggers:write` key (its only scope) to one Airtable base. */
  airtable_base?: string;
  /** A given key id and secret, for the demo client that reproduces the seed's example. */
  key_id?: string;
  secret?: string;
}

export interface RotateSecretOptions {
  /** How long the previous secret keeps working; 0 drops it at once. Default 24 h. */
  oldSecretTtlSeconds?: number;
  secret?: string;
}

/** A key and its new secret in plaintext: the only moment the secret is ever shown. */
export interface IssuedSecret {
  key: ApiKey;
  secret: string;
}

export interface ApiKeyOps {
  createKey(clientId: string, input?: CreateKeyInput): Promise<IssuedSecret>;
  getKey(clientId: string, keyId: string): Promise<ApiKey | null>;
  listKeys(clientId: string): Promise<ApiKey[]>;
  /** Adds a new secret; the previous one stays valid until its expiry (or `dropOldSecret`). */
  rotateSecret(clientId: string, keyId: string, options?: RotateSecretOptions): Promise<IssuedSecret>;
  dropOldSecret(clientId: string, keyId: string): Promise<ApiKey>;
  revokeKey(clientId: string, keyId: string): Promise<ApiKey>;
  setAllowlist(clientId: string, keyId: string, entries: readonly string[]): Promise<ApiKey>;
  setSignedOnly(clientId: string, keyId: string, signedOnly: boolean): Promise<ApiKey>;
}

/** The associated data of a sealed secret binds it to its key: it cannot be moved to another. */
export function secretPurpose(keyId: string): string {
  return `api-secret:${keyId}`;
}

export function newKeyId(): string {
  return `ak_${randomBytes(8).toString('hex')}`;
}

export function newSecret(): string {
  return `as_${randomBytes(16).toString('hex')}`;
}

const storedSecrets = z.array(
  z.object({ sealed: z.string(), created_at: z.string(), expires_at: z.string().nullable() }),
);
const stringList = z.array(z.string());

function parseJson<T>(schema: z.ZodType<T>, text: string | undefined, fallback: T): T {
  try {
    const parsed = schema.safeParse(JSON.parse(text ?? ''));
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

function isScope(value: string): value is ApiScope {
  return (API_SCOPES as readonly string[]).includes(value);
}

export function parseStoredKey(hash: Record<string, string>): StoredApiKey | null {
  if (!hash.key_id || !hash.client_id) return null;
  return {
    key_id: hash.key_id,
    client_id: hash.client_id,
    created_at: hash.created_at ?? '',
    revoked: hash.revoked === '1',
    revoked_at: hash.revoked_at || null,
    signed_only: hash.signed_only === '1',
    scopes: parseJson(stringList, hash.scopes, []).filter(isScope),
    ip_allowlist: parseJson(stringList, hash.ip_allowlist, []),
    secrets: parseJson(storedSecrets, hash.secrets, []),
    airtable_base: hash.airtable_base || null,
  };
}

export const AIRTABLE_BASE_PATTERN = /^app[A-Za-z0-9]{14}$/;

function validAirtableBase(base: string | undefined, scopes: readonly ApiScope[]): string | null {
  if (base === undefined) return null;
  if (!AIRTABLE_BASE_PATTERN.test(base))
    throw invalid('an Airtable base id is "app" followed by 14 letters or digits');
  if (scopes.length !== 1 || scopes[0] !== 'record-triggers:write')
    throw invalid('a key bound to an Airtable base has the record-triggers:write scope only');
  return base;
}

/** Secrets still accepted at `nowMs` (an expiry is exclusive), oldest first. */
export function liveSecrets(key: StoredApiKey, nowMs: number): StoredSecret[] {
  return key.secrets.filter((secret) => secret.expires_at === null || Date.parse(secret.expires_at) > nowMs);
}

function toPublic(key: StoredApiKey, nowMs: number): ApiKey {
  const secrets = liveSecrets(key, nowMs).map(({ created_at, expires_at }) => ({ created_at, expires_at }));
  return { ...key, secrets };
}

function invalid(message: string): FaturadorError {
  return new FaturadorError('VALIDATION_ERROR', message);
}

function keyNotFound(clientId: string, keyId: string): FaturadorError {
  return new FaturadorError(
    'NOT_FOUND',
    `API key "${keyId.slice(0, 80)}" of client "${clientId.slice(0, 80)}" not found`,
  );
}

function validScopes(scopes: readonly string[]): ApiScope[] {
  const unknown = scopes.filter((scope) => !isScope(scope));
  if (unknown.length > 0)
    throw invalid(`unknown scope(s) ${unknown.join(', ')}; known: ${API_SCOPES.join(', ')}`);
  if (scopes.length === 0) throw invalid('a key needs at least one scope');
  return [...new Set(scopes.filter(isScope))];
}

function validAllowlist(entries: readonly string[]): string[] {
  try {
    return normalizeIpList(entries);
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : 'invalid IP allowlist');
  }
}

export function createApiKeyOps(deps: StoreDeps): ApiKeyOps {
  const { redis, secretBox } = deps;
  const keys = securityKeys(deps.prefix);
  const now = deps.now ?? Date.now;

  function seal(keyId: string, secret: string, at: number, expiresAt: string | null = null): StoredSecret {
    if (!SECRET_PATTERN.test(secret))
      throw invalid('a secret must be "as_" followed by 32-128 of [A-Za-z0-9_]');
    return {
      sealed: secretBox.seal(secret, secretPurpose(keyId)),
      created_at: new Date(at).toISOString(),
      expires_at: expiresAt,
    };
  }

  async function read(clientId: string, keyId: string): Promise<StoredApiKey | null> {
    if (!KEY_ID_PATTERN.test(keyId)) return null;
    const key = parseStoredKey(await redis.hgetall(keys.apiKey(keyId)));
    return key && key.client_id === clientId ? key : null;
  }

  async function update(
    clientId: string,
    keyId: string,
    change: (key: StoredApiKey, at: number) => Record<string, string> | null,
  ): Promise<ApiKey> {
    if (!KEY_ID_PATTERN.test(keyId)) throw keyNotFound(clientId, keyId);
    const at = now();
    const hash = await updateRecord(redis, keys.apiKey(keyId), (current) => {
      const key = current ? parseStoredKey(current) : null;
      if (!key || key.client_id !== clientId) throw keyNotFound(clientId, keyId);
      return change(key, at);
    });
    const key = hash ? parseStoredKey(hash) : null;
    if (!key) throw keyNotFound(clientId, keyId);
    return toPublic(key, at);
  }

  function notRevoked(key: StoredApiKey): void {
    if (key.revoked) throw invalid(`API key "${key.key_id}" is revoked`);
  }

  return {
    async createKey(clientId, input = {}) {
      const keyId = input.key_id ?? newKeyId();
      if (!KEY_ID_PATTERN.test(keyId))
        throw invalid('a key id must be "ak_" followed by 16-64 of [A-Za-z0-9_]');
      const secret = input.secret ?? newSecret();
      const at = now();
      const key: StoredApiKey = {
        key_id: keyId,
        client_id: clientId,
        created_at: new Date(at).toISOString(),
        revoked: false,
        revoked_at: null,
        signed_only: input.signed_only ?? false,
        scopes: validScopes(input.scopes ?? DEFAULT_SCOPES),
        ip_allowlist: validAllowlist(input.ip_allowlist ?? []),
        secrets: [seal(keyId, secret, at)],
        airtable_base: null,
      };
      key.airtable_base = validAirtableBase(input.airtable_base, key.scopes);
      const outcome = await createRecord(
        redis,
        { record: keys.apiKey(keyId), index: keys.clientKeys(clientId), activeParent: keys.client(clientId) },
        keyId,
        at,
        {
          key_id: key.key_id,
          client_id: key.client_id,
          created_at: key.created_at,
          revoked: '0',
          signed_only: key.signed_only ? '1' : '0',
          scopes: JSON.stringify(key.scopes),
          ip_allowlist: JSON.stringify(key.ip_allowlist),
          secrets: JSON.stringify(key.secrets),
          ...(key.airtable_base ? { airtable_base: key.airtable_base } : {}),
        },
      );
      if (outcome === 'exists') throw invalid(`API key "${keyId}" already exists`);
      if (outcome === 'parent_inactive') {
        throw new FaturadorError('NOT_FOUND', `API client "${clientId.slice(0, 80)}" not found or revoked`);
      }
      return { key: toPublic(key, at), secret };
    },

    async getKey(clientId, keyId) {
      const key = await read(clientId, keyId);
      return key ? toPublic(key, now()) : null;
    },

    async listKeys(clientId) {
      const ids = await redis.zrange(keys.clientKeys(clientId), 0, -1);
      const found = await Promise.all(ids.map((id) => read(clientId, id)));
      const at = now();
      return found.filter((key): key is StoredApiKey => key !== null).map((key) => toPublic(key, at));
    },

    async rotateSecret(clientId, keyId, options = {}) {
      const ttl = options.oldSecretTtlSeconds ?? DEFAULT_OLD_SECRET_TTL_SECONDS;
      if (!Number.isInteger(ttl) || ttl < 0)
        throw invalid('the old secret TTL must be a whole number of seconds ≥ 0');
      const secret = options.secret ?? newSecret();
      const key = await update(clientId, keyId, (current, at) => {
        notRevoked(current);
        // Only the newest live secret survives a rotation: rotating again mid-rotation retires the
        // oldest at once, which is what an operator reacting to a leak wants.
        const previous = liveSecrets(current, at).at(-1);
        const kept: StoredSecret[] = [];
        if (previous && ttl > 0) {
          const expiry = at + ttl * 1000;
          const existing = previous.expires_at ? Date.parse(previous.expires_at) : Number.POSITIVE_INFINITY;
          kept.push({ ...previous, expires_at: new Date(Math.min(existing, expiry)).toISOString() });
        }
        return { secrets: JSON.stringify([...kept, seal(keyId, secret, at)]) };
      });
      return { key, secret };
    },

    dropOldSecret(clientId, keyId) {
      return update(clientId, keyId, (current, at) => {
        notRevoked(current);
        const newest = liveSecrets(current, at).at(-1);
        return { secrets: JSON.stringify(newest ? [newest] : []) };
      });
    },

    revokeKey(clientId, keyId) {
      return update(clientId, keyId, (current, at) =>
        current.revoked
          ? null
          : // The sealed secrets go too: a revoked key never comes back.
            { revoked: '1', revoked_at: new Date(at).toISOString(), secrets: '[]' },
      );
    },

    setAllowlist(clientId, keyId, entries) {
      const allowlist = validAllowlist(entries);
      return update(clientId, keyId, (current) => {
        notRevoked(current);
        return { ip_allowlist: JSON.stringify(allowlist) };
      });
    },

    setSignedOnly(clientId, keyId, signedOnly) {
      return update(clientId, keyId, (current) => {
        notRevoked(current);
        return { signed_only: signedOnly ? '1' : '0' };
      });
    },
  };
}
