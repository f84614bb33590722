import { createHash } from 'node:crypto';
import { FaturadorError, safeEqual } from '@faturador/core';
import { CLIENT_ID_PATTERN, toApiClient } from './api-clients.ts';
import {
  type ApiScope,
  KEY_ID_PATTERN,
  liveSecrets,
  newSecret,
  parseStoredKey,
  type StoredApiKey,
  secretPurpose,
} from './api-keys.ts';
import { ipAllowed } from './ip.ts';
import { type StoreDeps, securityKeys } from './redis-keys.ts';
import { NONCE_PATTERN, SIGNATURE_HEADERS, SIGNATURE_WINDOW_SECONDS, signRequest } from './signing.ts';

export const AUTH_ERROR_MESSAGE = 'Invalid credentials, signature, timestamp or nonce.';
export const IP_NOT_ALLOWED_MESSAGE = 'Source IP is outside the key whitelist.';

export interface AuthenticateInput {
  method: string;
  /** The request path as sent, e.g. `/api/v1/invoices/` (with its query string, if any). */
  path: string;
  /** Case-insensitive header lookup (Hono's `c.req.header`); names are asked in lowercase. */
  headers: (name: string) => string | undefined;
  rawBody: Uint8Array | string;
  /** From `resolveClientIp`. */
  clientIp: string;
  /** Milliseconds since the epoch; defaults to the clock. */
  now?: number;
  /** When set, a key without this scope is refused like any bad credential. */
  requiredScope?: ApiScope;
}

export interface AuthenticatedClient {
  clientId: string;
  keyId: string;
  scopes: ApiScope[];
  connectionId?: string;
  /** The client's capabilities (see core's `Capability`), as the operator recorded them. */
  capabilities: string[];
  signed: boolean;
  /** The one Airtable base this key may trigger records of; absent: any base of the client's. */
  airtableBase?: string;
}

/** Why a request was refused: for the log only, never for the caller. */
export type AuthRejection =
  | 'missing_credentials'
  | 'malformed_credentials'
  | 'secret_and_signature'
  | 'unknown_client'
  | 'client_revoked'
  | 'unknown_key'
  | 'key_of_another_client'
  | 'key_revoked'
  | 'signed_only'
  | 'bad_secret'
  | 'bad_signature'
  | 'bad_timestamp'
  | 'missing_scope'
  | 'ip_not_allowed'
  | 'nonce_reused';

export interface AuthRejectionContext {
  /**
   * Fingerprints of the headers as sent (see `credentialHint`), never their values: a caller may
   * put a secret in the wrong header, and a refused request must not write it to the log.
   */
  clientIdHint: string | undefined;
  keyIdHint: string | undefined;
  clientIp: string;
  signed: boolean;
}

export interface AuthenticatorOptions extends StoreDeps {
  onRejected?: (reason: AuthRejection, context: AuthRejectionContext) => void;
  /** Accepted clock skew of `X-Timestamp`, inclusive. Default 300 s. */
  windowSeconds?: number;
  /** How long a nonce is remembered; must outlast both sides of the window. Default 2 × window + 60 s. */
  nonceTtlSeconds?: number;
}

export interface Authenticator {
  authenticate(input: AuthenticateInput): Promise<AuthenticatedClient>;
}

export function authError(): FaturadorError {
  return new FaturadorError('AUTH_ERROR', AUTH_ERROR_MESSAGE, null);
}

export function hasScope(client: Pick<AuthenticatedClient, 'scopes'>, scope: ApiScope): boolean {
  return client.scopes.includes(scope);
}

/**
 * A short fingerprint of a credential header for the log: its first 6 characters (enough to tell
 * `ak_dem…` from `as_dem…` or a client id) and 8 hex of its SHA-256, so that two attempts with
 * the same value can be matched without the value being recoverable from the log.
 */
export function credentialHint(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const digest = createHash('sha256').update(value).digest('hex').slice(0, 8);
  return `${value.slice(0, 6)}…#${digest} (${value.length} chars)`;
}

const DUMMY_KEY_ID = 'ak_0000000000000000';
const SIGNATURE_PATTERN = /^[0-9a-fA-F]{64}$/;
const TIMESTAMP_PATTERN = /^\d{1,12}$/;

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const { redis, secretBox } = options;
  const keys = securityKeys(options.prefix);
  const windowSeconds = options.windowSeconds ?? SIGNATURE_WINDOW_SECONDS;
  // A nonce can be first seen at timestamp − window and replayed up to timestamp + window.
  const nonceTtlSeconds = options.nonceTtlSeconds ?? 2 * windowSeconds + 60;
  // Opened in place of missing secrets, so an unknown key costs what a known one does.
  const dummySealed = secretBox.seal(newSecret(), secretPurpose(DUMMY_KEY_ID));

  function openCandidates(key: StoredApiKey | null, nowMs: number): Array<string | null> {
    const real = key ? liveSecrets(key, nowMs).slice(-2) : [];
    const opened: Array<string | null> = [];
    for (let slot = 0; slot < 2; slot++) {
      const secret = real[slot];
      if (secret && key) {
        try {
          opened.push(secretBox.open(secret.sealed, secretPurpose(key.key_id)));
        } catch (error) {
          // A secret sealed under another master key, or tampered with: an operator problem.
          throw new FaturadorError('INTERNAL_ERROR', 'Stored API credentials could not be read.', null, {
            cause: error,
          });
        }
      } else {
        secretBox.open(dummySealed, secretPurpose(DUMMY_KEY_ID));
        opened.push(null);
      }
    }
    return opened;
  }

  return {
    async authenticate(input) {
      const nowMs = input.now ?? Date.now();
      const header = (name: string) => input.headers(name)?.trim() || undefined;
      const clientId = header(SIGNATURE_HEADERS.clientId);
      const keyId = header(SIGNATURE_HEADERS.apiKey);
      const secret = header('x-api-secret');
      const timestamp = header(SIGNATURE_HEADERS.timestamp);
      const nonce = header(SIGNATURE_HEADERS.nonce);
      const signature = header(SIGNATURE_HEADERS.signature);
      const signed = timestamp !== undefined || nonce !== undefined || signature !== undefined;
      const context: AuthRejectionContext = {
        clientIdHint: credentialHint(clientId),
        keyIdHint: credentialHint(keyId),
        clientIp: input.clientIp,
        signed,
      };
      const reject = (reason: AuthRejection): never => {
        try {
          options.onRejected?.(reason, context);
        } catch {
          // A failing logger must not turn a 401 into a 500.
        }
        throw reason === 'ip_not_allowed'
          ? new FaturadorError('IP_NOT_ALLOWED', IP_NOT_ALLOWED_MESSAGE, null)
          : authError();
      };

      // Shape checks first: they reveal nothing about which clients or keys exist.
      if (signed && secret !== undefined) return reject('secret_and_signature');
      if (!clientId || !keyId) return reject('missing_credentials');
      if (signed ? !timestamp || !nonce || !signature : !secret) return reject('missing_credentials');
      if (!CLIENT_ID_PATTERN.test(clientId) || !KEY_ID_PATTERN.test(keyId))
        return reject('malformed_credentials');
      if (
        signed &&
        (!TIMESTAMP_PATTERN.test(timestamp ?? '') ||
          !NONCE_PATTERN.test(nonce ?? '') ||
          !SIGNATURE_PATTERN.test(signature ?? ''))
      ) {
        return reject('malformed_credentials');
      }

      const [keyReply, clientReply] = (await redis
        .pipeline()
        .hgetall(keys.apiKey(keyId))
        .hgetall(keys.client(clientId))
        .exec()) ?? [
        [null, {}],
        [null, {}],
      ];
      if (keyReply?.[0]) throw keyReply[0];
      if (clientReply?.[0]) throw clientReply[0];
      const key = parseStoredKey((keyReply?.[1] ?? {}) as Record<string, string>);
      const clientHash = (clientReply?.[1] ?? {}) as Record<string, string>;
      const client = Object.keys(clientHash).length > 0 ? toApiClient(clientHash) : null;

      // Every candidate is opened and compared, with no early exit, whatever the key's state.
      let matched = false;
      const expectedSignature = signature?.toLowerCase() ?? '';
      for (const candidate of openCandidates(key, nowMs)) {
        const ok = signed
          ? safeEqual(
              signRequest({
                method: input.method,
                path: input.path,
                timestamp: timestamp ?? '',
                nonce: nonce ?? '',
                body: input.rawBody,
                secret: candidate ?? dummySealed,
              }),
              expectedSignature,
            )
          : safeEqual(candidate ?? dummySealed, secret ?? '');
        matched = (ok && candidate !== null) || matched;
      }

      if (!client) return reject('unknown_client');
      if (client.status !== 'active') return reject('client_revoked');
      if (!key) return reject('unknown_key');
      if (key.client_id !== clientId) return reject('key_of_another_client');
      if (key.revoked) return reject('key_revoked');
      if (!signed && key.signed_only) return reject('signed_only');
      if (!matched) return reject(signed ? 'bad_signature' : 'bad_secret');
      if (signed && Math.abs(nowMs / 1000 - Number(timestamp)) > windowSeconds)
        return reject('bad_timestamp');
      if (input.requiredScope && !key.scopes.includes(input.requiredScope)) return reject('missing_scope');
      // Before the nonce is spent: a captured request replayed from elsewhere cannot burn it.
      if (!ipAllowed(key.ip_allowlist, input.clientIp)) return reject('ip_not_allowed');
      // Last, and only for a valid signature: nobody without the secret can use up nonces.
      if (signed) {
        const fresh = await redis.set(keys.nonce(clientId, nonce ?? ''), '1', 'EX', nonceTtlSeconds, 'NX');
        if (fresh === null) return reject('nonce_reused');
      }

      return {
        clientId,
        keyId,
        scopes: key.scopes,
        signed,
        capabilities: client.capabilities,
        ...(client.connection_id ? { connectionId: client.connection_id } : {}),
        ...(key.airtable_base ? { airtableBase: key.airtable_base } : {}),
      };
    },
  };
}
