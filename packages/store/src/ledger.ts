import type { DocumentView, InvoiceRequest, Origin, RequestState, SerializedError } from '@faturador/core';
import type { Redis } from 'ioredis';
import { evalScript } from './lua.ts';
import { normalizeDocumentNumber, REQUEST_STATES, requestIndexKeys } from './request-index.ts';

export type { RequestState } from '@faturador/core';

/** Everything known about one request: the audit trail, and what a retry is answered with. */
/**
 * A document as the ledger keeps it: what the API shows, plus the customer's name as the platform
 * holds it (a thread or a record shows that one; the API's contract does not carry it).
 */
export type StoredDocument = DocumentView & { customer_name?: string };

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
  document: StoredDocument | null;
  error: SerializedError | null;
  /** HTTP status the final answer is given with, so every retry gets the same one. */
  httpStatus: number | null;
  createdAt: string;
  updatedAt: string;
  issuedAt: string | null;
  /** `refused`: the destination is not the client's (nothing was sent; see processDeliver). */
  delivery: { state: 'pending' | 'delivered' | 'failed' | 'refused' | 'none'; detail: string | null };
  /**
   * Whether Moloni may hold a document of this request that we have no id for: `unknown` from
   * right before an insert is sent until its answer says it was not applied, or until a search by
   * our_reference finds nothing. Only `none` lets a failure free the reference.
   */
  moloniWrite: 'none' | 'unknown';
  /** The reference guards this request holds (`referenceScope` of the API's claim, then the company's). */
  referenceScopes: string[];
  /** The reference was claimed before by another request (since released): search before inserting. */
  referenceReused: boolean;
  /** Something an operator must look at (several closed documents for one reference). */
  incident: LedgerIncident | null;
  /**
   * While the issue job retries: attempts made so far, when the next one runs, why the last failed.
   * Always set by the ledger; optional so that entries built by hand (tests, older callers) still type.
   */
  attempts?: number;
  /** How many attempts the issue job has in all (null before the first failed one). */
  maxAttempts?: number | null;
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

export interface LedgerIncident {
  kind: 'duplicate_documents';
  message: string;
  documents: Array<{
    moloni_document_id: number;
    number: string | null;
    status: string;
    total_gross: number | null;
  }>;
  detected_at: string;
}

/** Answer of `beginWrite`: another run's insert may still be in flight until `untilMs`. */
export type BeginWrite = { kind: 'ok' } | { kind: 'busy'; untilMs: number };

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
  'moloni_write',
  'reference_scopes',
  'reference_reused',
  'incident',
  'attempts',
  'next_attempt_at',
  'last_error',
  'actions',
  'rerun',
  'max_attempts',
] as const;

/** Sorted set of the requests with an incident (score: when it was found), for the operator. */
export function incidentsKey(prefix: string): string {
  return `${prefix}:incidents`;
}

// Marks an insert as about to be sent by run ARGV[1], unless another run's insert may still be in
// flight: its window (the client's write deadline) has not passed and its worker is alive (KEYS[2],
// its heartbeat, exists). Two runs must never insert at once; a dead worker's run is not waited for.
// ARGV[5] is the writer read before: -1 when it changed meanwhile (the caller reads again).
const BEGIN_WRITE = `
local by = redis.call('HGET', KEYS[1], 'write_by') or ''
if by ~= ARGV[5] then return -1 end
local untilMs = tonumber(redis.call('HGET', KEYS[1], 'write_until') or '0') or 0
if by ~= '' and by ~= ARGV[1] and untilMs > tonumber(ARGV[2]) and redis.call('EXISTS', KEYS[2]) == 1 then
  return untilMs
end
redis.call('HSET', KEYS[1], 'moloni_write', 'unknown', 'write_by', ARGV[1], 'write_until', ARGV[3], 'updated_at', ARGV[4])
return 0
`;

/** Where a worker process says it is alive (see `startHeartbeat`). */
export function workerHeartbeatKey(prefix: string, workerId: string): string {
  return `${prefix}:worker:${workerId}`;
}

/** A writer is `<worker id>|<run id>`; a run outside a worker has an empty worker id. */
export function writerOf(workerId: string | undefined, runId: string): string {
  return `${workerId ?? ''}|${runId}`;
}

/** While it waits for a live writer, a run looks again this often (its worker may die meanwhile). */
const RECHECK_MS = 5_000;

// The insert of run ARGV[1] has its answer: it is no longer in flight; ARGV[2] says what Moloni holds.
// ARGV[3], when set, is the id Moloni gave the document (recorded in the same step, at ARGV[4]).
const END_WRITE = `
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'moloni_document_id', ARGV[3], 'updated_at', ARGV[4]) end
if redis.call('HGET', KEYS[1], 'write_by') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'write_by', '', 'write_until', '0')
end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'moloni_write', ARGV[2]) end
return 1
`;

// A search by our_reference found nothing: Moloni holds nothing of this request, unless another
// run's insert is still in flight (it may commit after the search).
const NOTHING_IN_MOLONI = `
local by = redis.call('HGET', KEYS[1], 'write_by')
local untilMs = tonumber(redis.call('HGET', KEYS[1], 'write_until') or '0') or 0
if by and by ~= '' and untilMs > tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'moloni_write', 'none', 'updated_at', ARGV[2])
return 1
`;

// A final failure never overwrites an issued document (a late, concurrent run of the same request).

export function ledgerKey(prefix: string, requestId: string): string {
  return `${prefix}:ledger:${requestId}`;
}

/**
 * Channel on which the worker announces a request that reached a final state: `<request id>
 * <its ledger fields as JSON>`, as the same script wrote them, so a waiter need not read them back.
 */
export function doneChannel(prefix: string): string {
  return `${prefix}:done`;
}

/** A done-channel message: the request and its entry (null when the message carries none). */
export function parseDoneMessage(message: string): { requestId: string; entry: LedgerEntry | null } {
  const space = message.indexOf(' ');
  if (space < 0) return { requestId: message, entry: null };
  try {
    const fields = JSON.parse(message.slice(space + 1)) as Array<string | null>;
    return { requestId: message.slice(0, space), entry: toEntry(fields) };
  } catch {
    return { requestId: message.slice(0, space), entry: null };
  }
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
    moloni_write: 'none',
    updated_at: now,
    delivery: JSON.stringify({ state: entry.origin.kind === 'api' ? 'none' : 'pending', detail: null }),
  };
}

// A change of state and its index in one step. KEYS: the entry, the four state sets, the
// document-number set (or the entry again) and an attention set it leaves (or the entry). ARGV: new state, fields (JSON pairs), channel ('' =
// none), request id. An entry that does not exist is left alone (0).
const SET_STATE_STEPS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[7] ~= '' and redis.call('HGET', KEYS[1], 'state') == ARGV[7] then return 0 end
local score = redis.call('HGET', KEYS[1], 'created_ms') or ARGV[5]
redis.call('HSET', KEYS[1], 'state', ARGV[1], unpack(cjson.decode(ARGV[2])))
for i = 2, 5 do redis.call('ZREM', KEYS[i], ARGV[4]) end
redis.call('ZADD', KEYS[1 + tonumber(ARGV[6])], score, ARGV[4])
if KEYS[6] ~= KEYS[1] then redis.call('ZADD', KEYS[6], score, ARGV[4]) end
if KEYS[7] ~= KEYS[1] then redis.call('ZREM', KEYS[7], ARGV[4]) end
if ARGV[3] ~= '' then
  local now = redis.call('HMGET', KEYS[1], ${FIELDS.map((field) => `'${field}'`).join(', ')})
  for i = 1, #now do if not now[i] then now[i] = cjson.null end end
  redis.call('PUBLISH', ARGV[3], ARGV[4] .. ' ' .. cjson.encode(now))
end
`;
const SET_STATE = `${SET_STATE_STEPS}return 1`;

// A run's first step: the entry as it was, and (unless it is final) marked issuing, in one round
// trip. The same steps as SET_STATE after reading; a missing entry answers 0.
const BEGIN_ISSUING = `
local before = redis.call('HMGET', KEYS[1], ${FIELDS.map((field) => `'${field}'`).join(', ')})
if before[2] == 'issued' or before[2] == 'failed' then return before end
${SET_STATE_STEPS}return before`;

/** The entry a fresh claim wrote, read from the fields it wrote (no round trip). */
export function entryFromFields(fields: Record<string, string>): LedgerEntry | null {
  return toEntry(FIELDS.map((field) => fields[field] ?? null));
}

function toEntry(values: Array<string | null>): LedgerEntry | null {
  const [entry, state, documentId, document, error, httpStatus, updatedAt, issuedAt, delivery] = values;
  const [
    moloniWrite,
    scopes,
    reused,
    incident,
    attempts,
    nextAttemptAt,
    lastError,
    actions,
    rerun,
    maxAttempts,
  ] = values.slice(9);
  if (!entry || !state) return null;
  const base = JSON.parse(entry) as NewLedgerEntry & { createdAt: string };
  return {
    ...base,
    state: state as RequestState,
    moloniDocumentId: documentId ? Number(documentId) : null,
    document: parseJson<StoredDocument | null>(document, null),
    error: parseJson<SerializedError | null>(error, null),
    httpStatus: httpStatus ? Number(httpStatus) : null,
    updatedAt: updatedAt ?? base.createdAt,
    issuedAt: issuedAt ?? null,
    delivery: parseJson(delivery, { state: 'none', detail: null }),
    moloniWrite: moloniWrite === 'unknown' ? 'unknown' : 'none',
    referenceScopes: parseJson<string[]>(scopes, []),
    referenceReused: reused === '1',
    incident: parseJson<LedgerIncident | null>(incident, null),
    attempts: attempts ? Number(attempts) : 0,
    maxAttempts: maxAttempts ? Number(maxAttempts) : null,
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

  interface SetStateOptions {
    publish?: boolean;
    documentNumber?: string | null;
    unlessState?: RequestState;
    /** An attention set the request leaves with this change. */
    leaves?: string;
  }

  function setStateArgs(
    requestId: string,
    state: RequestState,
    fields: Record<string, string>,
    options: SetStateOptions,
  ) {
    const entryKey = key(requestId);
    return [
      7,
      entryKey,
      ...REQUEST_STATES.map((s) => index.state(s)),
      options.documentNumber ? index.number(normalizeDocumentNumber(options.documentNumber)) : entryKey,
      options.leaves ?? entryKey,
      state,
      JSON.stringify(Object.entries(fields).flat()),
      options.publish ? doneChannel(prefix) : '',
      requestId,
      String(Date.now()),
      String(REQUEST_STATES.indexOf(state) + 1),
      options.unlessState ?? '',
    ] as const;
  }

  async function setState(
    requestId: string,
    state: RequestState,
    fields: Record<string, string>,
    options: SetStateOptions = {},
  ): Promise<boolean> {
    const applied = await evalScript(redis, SET_STATE, ...setStateArgs(requestId, state, fields, options));
    return applied === 1;
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

    /**
     * A run's start: the entry as it was before, and marked issuing unless it is final (then it is
     * left as it is). `get` then `markIssuing` in one round trip.
     */
    async beginIssuing(requestId: string): Promise<LedgerEntry | null> {
      const reply = await evalScript(
        redis,
        BEGIN_ISSUING,
        ...setStateArgs(requestId, 'issuing', { next_attempt_at: '', updated_at: touch() }, {}),
      );
      return Array.isArray(reply) ? toEntry(reply as Array<string | null>) : null;
    },

    /** A failed attempt that will be retried: what the caller and the backoffice see meanwhile. */
    async recordAttemptFailure(
      requestId: string,
      attempt: {
        attempts: number;
        maxAttempts?: number;
        nextAttemptAt: string | null;
        error: SerializedError;
      },
    ): Promise<void> {
      await redis.hset(key(requestId), {
        attempts: String(attempt.attempts),
        ...(attempt.maxAttempts ? { max_attempts: String(attempt.maxAttempts) } : {}),
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

    /**
     * Called right before an insert is sent: from now on Moloni may hold a document we have no id
     * for. `busy` when another run's insert may still be in flight (it is waited for, not raced).
     */
    async beginWrite(requestId: string, writer: string, windowMs: number): Promise<BeginWrite> {
      for (let attempt = 0; attempt < 5; attempt++) {
        // The first try assumes no earlier writer (the usual case) and saves a round trip; the
        // script answers -1 when there was one, and the next try reads it.
        const previous = attempt === 0 ? '' : ((await redis.hget(key(requestId), 'write_by')) ?? '');
        const workerId = previous.split('|')[0] ?? '';
        // A writer outside any worker has no heartbeat: it counts as alive for its whole window.
        const alive = workerId ? workerHeartbeatKey(prefix, workerId) : key(requestId);
        const now = Date.now();
        const reply = Number(
          await evalScript(
            redis,
            BEGIN_WRITE,
            2,
            key(requestId),
            alive,
            writer,
            now,
            now + windowMs,
            touch(),
            previous,
          ),
        );
        if (reply === 0) return { kind: 'ok' };
        if (reply > 0) return { kind: 'busy', untilMs: Math.min(reply, now + RECHECK_MS) };
      }
      throw new Error(`too many concurrent writers of ${requestId}`);
    },

    /**
     * The insert of `runId` got its answer (or an error). `holds` is what that tells about Moloni:
     * `none` after a definite refusal, `unknown` when the outcome is unknown, null to leave it.
     * `documentId`, when Moloni answered with one, is recorded in the same step.
     */
    async endWrite(
      requestId: string,
      runId: string,
      holds: 'none' | 'unknown' | null,
      documentId?: number,
    ): Promise<void> {
      await evalScript(redis, END_WRITE, 1, key(requestId), runId, holds ?? '', documentId ?? '', touch());
    },

    /** A search by our_reference found nothing: Moloni holds no document of this request. */
    async recordNothingInMoloni(requestId: string): Promise<void> {
      await evalScript(redis, NOTHING_IN_MOLONI, 1, key(requestId), Date.now(), touch());
    },

    /** Flags the request for the operator (the backoffice lists `incidents`). */
    async recordIncident(requestId: string, incident: LedgerIncident): Promise<void> {
      await redis
        .multi()
        .hset(key(requestId), { incident: JSON.stringify(incident), updated_at: touch() })
        .zadd(incidentsKey(prefix), Date.parse(incident.detected_at), requestId)
        .exec();
    },

    /** Request ids with an incident, newest first. */
    async incidents(limit = 100): Promise<string[]> {
      return redis.zrevrange(incidentsKey(prefix), 0, limit - 1);
    },

    /** Returns the time of the outcome: one delivery job per outcome is keyed on it. */
    async markIssued(requestId: string, document: StoredDocument): Promise<string> {
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
        { publish: true, documentNumber: document.number, leaves: index.attention('total_mismatch') },
      );
      return now;
    },

    /** Returns the time of the outcome, or null when the request was issued meanwhile (left as it is). */
    async markFailed(requestId: string, error: SerializedError, httpStatus: number): Promise<string | null> {
      const now = touch();
      const applied = await setState(
        requestId,
        'failed',
        {
          error: JSON.stringify(error),
          last_error: JSON.stringify(error),
          http_status: String(httpStatus),
          next_attempt_at: '',
          updated_at: now,
        },
        // A failure never overwrites a request already issued (a late attempt of a lost run).
        { publish: true, unlessState: 'issued' },
      );
      // A draft left for review: the overview lists it until the request is issued.
      if (applied && error.code === 'TOTAL_MISMATCH')
        await redis.zadd(index.attention('total_mismatch'), Date.parse(now), requestId);
      return applied ? now : null;
    },

    /** A draft finalized later: the request's document becomes the closed one (same Moloni id). */
    async replaceDocument(requestId: string, document: StoredDocument): Promise<void> {
      await redis.hset(key(requestId), { document: JSON.stringify(document), updated_at: touch() });
    },

    async setDelivery(
      requestId: string,
      state: LedgerEntry['delivery']['state'],
      detail: string | null,
    ): Promise<void> {
      const now = touch();
      const attention = index.attention('delivery');
      const write = redis
        .multi()
        .hset(key(requestId), { delivery: JSON.stringify({ state, detail }), updated_at: now });
      // A result its destination never got stays on the overview until a delivery succeeds.
      if (state === 'failed' || state === 'refused') write.zadd(attention, Date.parse(now), requestId);
      else write.zrem(attention, requestId);
      await write.exec();
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;
