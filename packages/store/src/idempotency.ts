import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  entryFromFields,
  type LedgerEntry,
  ledgerKey,
  type NewLedgerEntry,
  serializeNewEntry,
} from './ledger.ts';
import { evalScript } from './lua.ts';
import { securityKeys } from './redis-keys.ts';
import { newEntryIndex, requestIndexKeys } from './request-index.ts';

export interface IdempotencyDeps {
  redis: Redis;
  prefix: string;
  /** How long an Idempotency-Key is remembered (the contract promises at least 30 days). */
  ttlSeconds: number;
}

export type ClaimResult =
  /** `entry`: the ledger entry the claim wrote, as a read would return it. */
  | { kind: 'claimed'; requestId: string; entry: LedgerEntry }
  /** The key was used before: same body → the same request; other body → a conflict. */
  | { kind: 'existing'; requestId: string; sameBody: boolean }
  /** Another request (another key, maybe another client of the same Moloni company) holds this reference. */
  | { kind: 'reference-taken'; requestId: string };

/** A canonical form of a JSON value: object keys sorted, so key order never changes a fingerprint. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function fingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

const hashOf = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

// One script so that the key, the reference and the ledger entry are claimed together or not at all.
// A reference guard holds its owner's request id; a freed one keeps `~<request id>`, so that the
// reference's history outlives the release and a later claim knows to search Moloni first.
// The ledger's index joins it in the same script: KEYS[4] the name index, KEYS[5..] the
// time-scored sets the request joins.
const CLAIM = `
local existing = redis.call('GET', KEYS[1])
if existing then return {'existing', existing} end
local owner = redis.call('GET', KEYS[2])
if owner and string.sub(owner, 1, 1) ~= '~' then return {'reference-taken', owner} end
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2], 'EX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], unpack(cjson.decode(ARGV[4])))
if owner then redis.call('HSET', KEYS[3], 'reference_reused', '1') end
for i = 5, #KEYS do redis.call('ZADD', KEYS[i], ARGV[5], ARGV[1]) end
for _, member in ipairs(cjson.decode(ARGV[6])) do redis.call('ZADD', KEYS[4], 0, member) end
return {'claimed', ARGV[1] .. ' ' .. ARGV[2], owner and '1' or '0'}
`;

// Takes one more guard (the company's) for a request already claimed; recorded in its ledger entry.
const CLAIM_SCOPE = `
local owner = redis.call('GET', KEYS[1])
if owner == ARGV[1] then return {'held', ''} end
if owner and string.sub(owner, 1, 1) ~= '~' then return {'taken', owner} end
redis.call('SET', KEYS[1], ARGV[1])
local scopes = cjson.decode(redis.call('HGET', KEYS[2], 'reference_scopes') or '[]')
table.insert(scopes, ARGV[2])
redis.call('HSET', KEYS[2], 'reference_scopes', cjson.encode(scopes))
if owner then redis.call('HSET', KEYS[2], 'reference_reused', '1') end
return {'claimed', owner and '1' or '0'}
`;

// Takes a reference back for a request being retried, when it is free (never held, or freed:
// `~<request id>`); returns who holds it afterwards.
const RECLAIM = `
local owner = redis.call('GET', KEYS[1])
if owner and string.sub(owner, 1, 1) ~= '~' then return owner end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
`;

// Frees a reference only if the failed request still owns it, keeping its history.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], '~' .. ARGV[1])
  return 1
end
return 0
`;

/**
 * What a reference is unique within before the Moloni company is known: the connection the
 * request is issued with; a request without one (it will fail) keeps to its client.
 */
export function referenceScope(entry: { connectionId: string | null; clientId: string }): string {
  return entry.connectionId ?? `client:${entry.clientId}`;
}

/**
 * The Moloni company itself (its API's base URL and company id): what our_reference searches
 * see, so two connections to one company share it.
 */
export function companyScope(baseUrl: string, companyId: number): string {
  const base = baseUrl.trim().toLowerCase().replace(/\/+$/, '');
  return `company:${hashOf(base).slice(0, 16)}:${companyId}`;
}

/** How long a process trusts a connection's company scope without reading it again. */
const COMPANY_SCOPE_CACHE_MS = 5_000;

export type ScopeClaim =
  | { kind: 'held' }
  /** `reused`: the reference was claimed in this scope before, and released since. */
  | { kind: 'claimed'; reused: boolean }
  | { kind: 'taken'; requestId: string };

export function createIdempotency({ redis, prefix, ttlSeconds }: IdempotencyDeps) {
  const idemKey = (clientId: string, key: string) => `${prefix}:idem:${clientId}:${hashOf(key)}`;
  // References are guarded per Moloni company, not per API client: reconciliation finds documents
  // by our_reference in that company, so two clients (or two connections) issuing there must never
  // use the same reference, or one could adopt the other's document.
  const refKey = (scope: string, reference: string) => `${prefix}:ref:${scope}:${hashOf(reference)}`;
  const connectionKey = (connectionId: string) => securityKeys(prefix).connection(connectionId);

  // A connection's company scope, once known, is kept here for a few seconds: it saves a read on
  // every claim, and a connection pointed elsewhere meanwhile is still caught, since the worker
  // claims the company it actually reaches before it writes anything (claimScope).
  const companyScopes = new Map<string, { scope: string; untilMs: number }>();

  /** The company scope once the connection knows its company (configured, or resolved by a worker). */
  async function scopeOf(entry: NewLedgerEntry): Promise<string> {
    if (!entry.connectionId) return referenceScope(entry);
    const cached = companyScopes.get(entry.connectionId);
    if (cached && cached.untilMs > Date.now()) return cached.scope;
    const [baseUrl, configured, resolved] = await redis.hmget(
      connectionKey(entry.connectionId),
      'base_url',
      'company_id',
      'resolved_company_id',
    );
    const companyId = Number(configured || resolved);
    if (!baseUrl || !Number.isInteger(companyId) || companyId <= 0) return referenceScope(entry);
    const scope = companyScope(baseUrl, companyId);
    companyScopes.set(entry.connectionId, { scope, untilMs: Date.now() + COMPANY_SCOPE_CACHE_MS });
    return scope;
  }

  return {
    /**
     * Claims an Idempotency-Key, the request's reference and a new ledger entry atomically. The
     * reference guard has no expiry: a reference that produced a document is never issued again.
     */
    async claim(entry: NewLedgerEntry): Promise<ClaimResult> {
      const scope = await scopeOf(entry);
      const now = new Date();
      const fields = {
        ...serializeNewEntry(entry, now.toISOString()),
        reference_scopes: JSON.stringify([scope]),
      };
      const index = newEntryIndex(prefix, {
        requestId: entry.requestId,
        clientId: entry.clientId,
        origin: entry.origin.kind,
        documentType: entry.request.documentType,
        reference: entry.reference,
        nif: entry.request.customer.vatNumber,
        customerName: entry.request.customer.name,
      });
      const reply = (await evalScript(
        redis,
        CLAIM,
        4 + index.sets.length,
        idemKey(entry.clientId, entry.idempotencyKey),
        refKey(scope, entry.reference),
        ledgerKey(prefix, entry.requestId),
        requestIndexKeys(prefix).names,
        ...index.sets,
        entry.requestId,
        entry.fingerprint,
        String(ttlSeconds),
        JSON.stringify(Object.entries(fields).flat()),
        String(now.getTime()),
        JSON.stringify(index.names),
      )) as [string, string, string?];
      const [kind, value, reused] = reply;
      if (kind === 'reference-taken') return { kind, requestId: value };
      const [requestId = '', storedFingerprint] = value.split(' ');
      if (kind === 'claimed') {
        const written = entryFromFields({ ...fields, ...(reused === '1' ? { reference_reused: '1' } : {}) });
        if (!written) throw new Error(`The claim of ${requestId} wrote no ledger entry.`);
        return { kind, requestId, entry: written };
      }
      return { kind: 'existing', requestId, sameBody: storedFingerprint === entry.fingerprint };
    },

    /** The worker's claim of the company's guard, once it knows the company (see `companyScope`). */
    async claimScope(scope: string, reference: string, requestId: string): Promise<ScopeClaim> {
      const [kind, value] = (await evalScript(
        redis,
        CLAIM_SCOPE,
        2,
        refKey(scope, reference),
        ledgerKey(prefix, requestId),
        requestId,
        scope,
      )) as [string, string];
      if (kind === 'taken') return { kind, requestId: value };
      if (kind === 'claimed') return { kind, reused: value === '1' };
      return { kind: 'held' };
    },

    /**
     * Frees the request's guards for a new request: only when Moloni is known to hold nothing of
     * it. The guard remembers the reference, so whoever claims it next searches Moloni first.
     */
    async releaseReference(
      entry: Pick<LedgerEntry, 'referenceScopes' | 'reference' | 'requestId' | 'connectionId' | 'clientId'>,
    ): Promise<void> {
      const scopes = entry.referenceScopes.length > 0 ? entry.referenceScopes : [referenceScope(entry)];
      for (const scope of scopes) {
        await evalScript(redis, RELEASE, 1, refKey(scope, entry.reference), entry.requestId);
      }
    },

    /**
     * Takes the reference back for a request being retried, if nobody took it meanwhile; returns
     * the request that owns it afterwards.
     */
    async reclaimReference(scope: string, reference: string, requestId: string): Promise<string> {
      return (await evalScript(redis, RECLAIM, 1, refKey(scope, reference), requestId)) as string;
    },

    /** The request that holds the reference in `scope`, or null when it is free. */
    async referenceOwner(scope: string, reference: string): Promise<string | null> {
      const owner = await redis.get(refKey(scope, reference));
      return owner && !owner.startsWith('~') ? owner : null;
    },
  };
}

export type Idempotency = ReturnType<typeof createIdempotency>;
