import type { DocumentView, InvoiceRequest, Origin, RequestState, SerializedError } from '@faturador/core';
import type { Redis } from 'ioredis';

export type { RequestState } from '@faturador/core';

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
    state: 'queued',
    updated_at: now,
    delivery: JSON.stringify({ state: entry.origin.kind === 'api' ? 'none' : 'pending', detail: null }),
  };
}

export function createLedger({ redis, prefix }: LedgerDeps) {
  const key = (requestId: string) => ledgerKey(prefix, requestId);
  const touch = () => new Date().toISOString();

  return {
    async get(requestId: string): Promise<LedgerEntry | null> {
      const values = await redis.hmget(key(requestId), ...FIELDS);
      const [entry, state, documentId, document, error, httpStatus, updatedAt, issuedAt, delivery] = values;
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
      };
    },

    /** Back to the queue for another run (after a transient final failure). */
    async markQueued(requestId: string, delivery: 'pending' | 'none'): Promise<void> {
      await redis.hset(key(requestId), {
        state: 'queued',
        error: '',
        http_status: '',
        updated_at: touch(),
        // The new outcome is delivered again, even if the failure before it was.
        delivery: JSON.stringify({ state: delivery, detail: null }),
      });
    },

    async markIssuing(requestId: string): Promise<void> {
      await redis.hset(key(requestId), { state: 'issuing', updated_at: touch() });
    },

    /** Called the instant Moloni answers an insert: a crash after this adopts, never re-inserts. */
    async recordDocumentId(requestId: string, documentId: number): Promise<void> {
      await redis.hset(key(requestId), { moloni_document_id: String(documentId), updated_at: touch() });
    },

    /** Returns the time of the outcome: one delivery job per outcome is keyed on it. */
    async markIssued(requestId: string, document: DocumentView): Promise<string> {
      const now = touch();
      await redis
        .multi()
        .hset(key(requestId), {
          state: 'issued',
          document: JSON.stringify(document),
          moloni_document_id: String(document.moloni_document_id),
          http_status: '201',
          error: '',
          updated_at: now,
          issued_at: now,
        })
        .publish(doneChannel(prefix), requestId)
        .exec();
      return now;
    },

    async markFailed(requestId: string, error: SerializedError, httpStatus: number): Promise<string> {
      const now = touch();
      await redis
        .multi()
        .hset(key(requestId), {
          state: 'failed',
          error: JSON.stringify(error),
          http_status: String(httpStatus),
          updated_at: now,
        })
        .publish(doneChannel(prefix), requestId)
        .exec();
      return now;
    },

    /** A draft finalized later: the request's document becomes the closed one (same Moloni id). */
    async replaceDocument(requestId: string, document: DocumentView): Promise<void> {
      await redis.hset(key(requestId), { document: JSON.stringify(document), updated_at: touch() });
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
