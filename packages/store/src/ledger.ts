import type { DocumentView, InvoiceRequest, Origin, SerializedError } from '@faturador/core';
import type { Redis } from 'ioredis';
import { normalizeDocumentNumber, REQUEST_STATES, requestIndexKeys } from './request-index.ts';

export type RequestState = 'queued' | 'issuing' | 'issued' | 'failed';

/** Everything known about one request: the audit trail, and what a retry is answered with. */
export interface LedgerEntry {
  requestId: string;
  clientId: string;
  idempotencyKey: string;
  fingerprint: string;
  reference: string;
  request: InvoiceRequest;
  origin: Origin;
  connectionId: string | null;
  state: RequestState;
  /** Persisted the moment Moloni returns it, before anything else happens. */
  moloniDocumentId: number | null;
  document: DocumentView | null;
  error: SerializedError | null;
  /** HTTP status the final answer is given with, so every retry gets the same one. */
  httpStatus: number | null;
  createdAt: string;
  updatedAt: string;
  issuedAt: string | null;
  /** `refused`: the destination is not the client's (nothing was sent; see processDeliver). */
  delivery: { state: 'pending' | 'delivered' | 'failed' | 'refused' | 'none'; detail: string | null };
  /**
   * While the issue job retries: attempts made so far, when the next one runs, why the last failed.
   * Always set by the ledger; optional so that entries built by hand (tests, older callers) still type.
   */
  attempts?: number;
  nextAttemptAt?: string | null;
  lastError?: SerializedError | null;
  /** Who retried or re-delivered the request after it was created (backoffice or CLI). */
  actions?: LedgerAction[];
  /** Queued again after a final failure: the next run reconciles before it inserts anything. */
  rerun?: boolean;
}

export interface LedgerAction {
  at: string;
  action: 'retry' | 'redeliver';
  /** `admin:<email>` or `cli`. */
  by: string;
}

export interface LedgerDeps {
  redis: Redis;
  prefix: string;
}

const FIELDS = [
  'entry',
  'state',
  'moloni_document_id',
  'document',
  'error',
  'http_status',
  'updated_at',
  'issued_at',
  'delivery',
  'attempts',
  'next_attempt_at',
  'last_error',
  'actions',
  'rerun',
] as const;

export function ledgerKey(prefix: string, requestId: string): string {
  return `${prefix}:ledger:${requestId}`;
}

/** Channel on which the worker announces a request that reached a final state. */
export function doneChannel(prefix: string): string {
  return `${prefix}:done`;
}

function parseJson<T>(value: string | null | undefined, fallback: T): T {
  return value ? (JSON.parse(value) as T) : fallback;
}

/** The static part of an entry, written once when the request is claimed. */
export type NewLedgerEntry = Pick<
  LedgerEntry,
  | 'requestId'
  | 'clientId'
  | 'idempotencyKey'
  | 'fingerprint'
  | 'reference'
  | 'request'
  | 'origin'
  | 'connectionId'
>;

export function serializeNewEntry(entry: NewLedgerEntry, now: string): Record<string, string> {
  return {
    entry: JSON.stringify({ ...entry, createdAt: now }),
    created_ms: String(Date.parse(now)),
    state: 'queued',
    updated_at: now,
    delivery: JSON.stringify({ state: entry.origin.kind === 'api' ? 'none' : 'pending', detail: null }),
  };
}

// A change of state and its index in one step. KEYS: the entry, the four state sets, and the
// document-number set (or the entry again). ARGV: new state, fields (JSON pairs), channel ('' =
// none), request id. An entry that does not exist is left alone (0).
const SET_STATE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local score = redis.call('HGET', KEYS[1], 'created_ms') or ARGV[5]
redis.call('HSET', KEYS[1], 'state', ARGV[1], unpack(cjson.decode(ARGV[2])))
for i = 2, 5 do redis.call('ZREM', KEYS[i], ARGV[4]) end
redis.call('ZADD', KEYS[1 + tonumber(ARGV[6])], score, ARGV[4])
if KEYS[6] ~= KEYS[1] then redis.call('ZADD', KEYS[6], score, ARGV[4]) end
if ARGV[3] ~= '' then redis.call('PUBLISH', ARGV[3], ARGV[4]) end
return 1
`;

function toEntry(values: Array<string | null>): LedgerEntry | null {
  const [entry, state, documentId, document, error, httpStatus, updatedAt, issuedAt, delivery] = values;
  const [attempts, nextAttemptAt, lastError, actions, rerun] = values.slice(9);
  if (!entry || !state) return null;
  const base = JSON.parse(entry) as NewLedgerEntry & { createdAt: string };
  return {
    ...base,
    state: state as RequestState,
    moloniDocumentId: documentId ? Number(documentId) : null,
    document: parseJson<DocumentView | null>(document, null),
    error: parseJson<SerializedError | null>(error, null),
    httpStatus: httpStatus ? Number(httpStatus) : null,
    updatedAt: updatedAt ?? base.createdAt,
    issuedAt: issuedAt ?? null,
    delivery: parseJson(delivery, { state: 'none', detail: null }),
    attempts: attempts ? Number(attempts) : 0,
    nextAttemptAt: nextAttemptAt || null,
    lastError: parseJson<SerializedError | null>(lastError, null),
    actions: parseJson<LedgerAction[]>(actions, []),
    rerun: rerun === '1',
  };
}

export function createLedger({ redis, prefix }: LedgerDeps) {
  const key = (requestId: string) => ledgerKey(prefix, requestId);
  const touch = () => new Date().toISOString();
  const index = requestIndexKeys(prefix);

  async function setState(
    requestId: string,
    state: RequestState,
    fields: Record<string, string>,
    options: { publish?: boolean; documentNumber?: string | null } = {},
  ): Promise<void> {
    const entryKey = key(requestId);
    await redis.eval(
      SET_STATE,
      6,
      entryKey,
      ...REQUEST_STATES.map((s) => index.state(s)),
      options.documentNumber ? index.number(normalizeDocumentNumber(options.documentNumber)) : entryKey,
      state,
      JSON.stringify(Object.entries(fields).flat()),
      options.publish ? doneChannel(prefix) : '',
      requestId,
      String(Date.now()),
      String(REQUEST_STATES.indexOf(state) + 1),
    );
  }

  return {
    async get(requestId: string): Promise<LedgerEntry | null> {
      return toEntry(await redis.hmget(key(requestId), ...FIELDS));
    },

    /** Several entries in one round trip, in the order asked (missing ones left out). */
    async getMany(requestIds: readonly string[]): Promise<LedgerEntry[]> {
      if (requestIds.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const requestId of requestIds) pipeline.hmget(key(requestId), ...FIELDS);
      const replies = (await pipeline.exec()) ?? [];
      return replies
        .map(([error, values]) => (error ? null : toEntry(values as Array<string | null>)))
        .filter((entry): entry is LedgerEntry => entry !== null);
    },

    /** Back to the queue for another run (after a transient final failure). */
    async markQueued(requestId: string, delivery: 'pending' | 'none'): Promise<void> {
      await setState(requestId, 'queued', {
        error: '',
        http_status: '',
        attempts: '0',
        next_attempt_at: '',
        rerun: '1',
        updated_at: touch(),
        // The new outcome is delivered again, even if the failure before it was.
        delivery: JSON.stringify({ state: delivery, detail: null }),
      });
    },

    async markIssuing(requestId: string): Promise<void> {
      await setState(requestId, 'issuing', { next_attempt_at: '', updated_at: touch() });
    },

    /** A failed attempt that will be retried: what the caller and the backoffice see meanwhile. */
    async recordAttemptFailure(
      requestId: string,
      attempt: { attempts: number; nextAttemptAt: string | null; error: SerializedError },
    ): Promise<void> {
      await redis.hset(key(requestId), {
        attempts: String(attempt.attempts),
        next_attempt_at: attempt.nextAttemptAt ?? '',
        last_error: JSON.stringify(attempt.error),
        updated_at: touch(),
      });
    },

    /** Appends who retried or re-delivered a request, and when. */
    async recordAction(requestId: string, action: Omit<LedgerAction, 'at'>): Promise<void> {
      const current = await redis.hget(key(requestId), 'actions');
      const actions = parseJson<LedgerAction[]>(current, []);
      actions.push({ at: touch(), ...action });
      await redis.hset(key(requestId), { actions: JSON.stringify(actions.slice(-50)) });
    },

    /** Called the instant Moloni answers an insert: a crash after this adopts, never re-inserts. */
    async recordDocumentId(requestId: string, documentId: number): Promise<void> {
      await redis.hset(key(requestId), { moloni_document_id: String(documentId), updated_at: touch() });
    },

    /** Returns the time of the outcome: one delivery job per outcome is keyed on it. */
    async markIssued(requestId: string, document: DocumentView): Promise<string> {
      const now = touch();
      await setState(
        requestId,
        'issued',
        {
          document: JSON.stringify(document),
          moloni_document_id: String(document.moloni_document_id),
          http_status: '201',
          error: '',
          next_attempt_at: '',
          updated_at: now,
          issued_at: now,
        },
        { publish: true, documentNumber: document.number },
      );
      return now;
    },

    async markFailed(requestId: string, error: SerializedError, httpStatus: number): Promise<string> {
      const now = touch();
      await setState(
        requestId,
        'failed',
        {
          error: JSON.stringify(error),
          last_error: JSON.stringify(error),
          http_status: String(httpStatus),
          next_attempt_at: '',
          updated_at: now,
        },
        { publish: true },
      );
      return now;
    },

    async setDelivery(
      requestId: string,
      state: LedgerEntry['delivery']['state'],
      detail: string | null,
    ): Promise<void> {
      await redis.hset(key(requestId), { delivery: JSON.stringify({ state, detail }), updated_at: touch() });
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;
