import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ledgerKey, type NewLedgerEntry, serializeNewEntry } from './ledger.ts';
import { newEntryIndex, requestIndexKeys } from './request-index.ts';

export interface IdempotencyDeps {
  redis: Redis;
  prefix: string;
  /** How long an Idempotency-Key is remembered (the contract promises at least 30 days). */
  ttlSeconds: number;
}

export type ClaimResult =
  | { kind: 'claimed'; requestId: string }
  /** The key was used before: same body → the same request; other body → a conflict. */
  | { kind: 'existing'; requestId: string; sameBody: boolean }
  /** Another request (another key, maybe another client of the same Moloni account) owns this reference and has not failed. */
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

// One script so that the key, the reference, the ledger entry and its index are claimed together
// or not at all. KEYS[4]: the name index; KEYS[5..]: the time-scored sets the request joins.
const CLAIM = `
local existing = redis.call('GET', KEYS[1])
if existing then return {'existing', existing} end
local owner = redis.call('GET', KEYS[2])
if owner then return {'reference-taken', owner} end
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2], 'EX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], unpack(cjson.decode(ARGV[4])))
for i = 5, #KEYS do redis.call('ZADD', KEYS[i], ARGV[5], ARGV[1]) end
for _, member in ipairs(cjson.decode(ARGV[6])) do redis.call('ZADD', KEYS[4], 0, member) end
return {'claimed', ARGV[1] .. ' ' .. ARGV[2]}
`;

// Frees a reference only if the failed request still owns it.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * What a reference is unique within: the Moloni account (connection) the request is issued with;
 * a request without one (it will fail) keeps to its client.
 */
export function referenceScope(entry: { connectionId: string | null; clientId: string }): string {
  return entry.connectionId ?? `client:${entry.clientId}`;
}

export function createIdempotency({ redis, prefix, ttlSeconds }: IdempotencyDeps) {
  const idemKey = (clientId: string, key: string) => `${prefix}:idem:${clientId}:${hashOf(key)}`;
  // References are guarded per Moloni account (connection), not per API client: reconciliation
  // finds documents by our_reference in that account, so two clients sharing it must never issue
  // under the same reference, or one could adopt the other's document.
  const refKey = (scope: string, reference: string) => `${prefix}:ref:${scope}:${hashOf(reference)}`;

  return {
    /**
     * Claims an Idempotency-Key, the request's reference and a new ledger entry atomically. The
     * reference guard has no expiry: a reference that produced a document is never issued again.
     */
    async claim(entry: NewLedgerEntry): Promise<ClaimResult> {
      const now = new Date();
      const fields = serializeNewEntry(entry, now.toISOString());
      const index = newEntryIndex(prefix, {
        requestId: entry.requestId,
        clientId: entry.clientId,
        origin: entry.origin.kind,
        documentType: entry.request.documentType,
        reference: entry.reference,
        nif: entry.request.customer.vatNumber,
        customerName: entry.request.customer.name,
      });
      const reply = (await redis.eval(
        CLAIM,
        4 + index.sets.length,
        idemKey(entry.clientId, entry.idempotencyKey),
        refKey(referenceScope(entry), entry.reference),
        ledgerKey(prefix, entry.requestId),
        requestIndexKeys(prefix).names,
        ...index.sets,
        entry.requestId,
        entry.fingerprint,
        String(ttlSeconds),
        JSON.stringify(Object.entries(fields).flat()),
        String(now.getTime()),
        JSON.stringify(index.names),
      )) as [string, string];
      const [kind, value] = reply;
      if (kind === 'reference-taken') return { kind, requestId: value };
      const [requestId = '', storedFingerprint] = value.split(' ');
      if (kind === 'claimed') return { kind, requestId };
      return { kind: 'existing', requestId, sameBody: storedFingerprint === entry.fingerprint };
    },

    /** After a final failure that left no document, the reference may be issued by a new request. */
    async releaseReference(scope: string, reference: string, requestId: string): Promise<void> {
      await redis.eval(RELEASE, 1, refKey(scope, reference), requestId);
    },

    /**
     * Takes the reference back for a request being retried, if nobody took it meanwhile; returns
     * the request that owns it afterwards.
     */
    async reclaimReference(scope: string, reference: string, requestId: string): Promise<string> {
      const key = refKey(scope, reference);
      await redis.set(key, requestId, 'NX');
      return (await redis.get(key)) ?? requestId;
    },

    /** `scope` is `referenceScope(entry)`. */
    async referenceOwner(scope: string, reference: string): Promise<string | null> {
      return redis.get(refKey(scope, reference));
    },
  };
}

export type Idempotency = ReturnType<typeof createIdempotency>;
