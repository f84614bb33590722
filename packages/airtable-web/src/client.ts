import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Dispatcher, request } from 'undici';
import {
  type AirtableRateLimiter,
  createMemoryRateLimiter,
  DEFAULT_TOKEN_INTERVAL_MS,
} from './rate-limit.ts';
import type { AirtableAccess, AirtableBaseSettingsStore } from './settings.ts';

export interface AirtableRecord {
  id: string;
  createdTime?: string;
  /** By field name, or by field id when read with `returnFieldsByFieldId`. Empty cells are absent. */
  fields: Record<string, unknown>;
}

export interface RecordUpdate {
  id: string;
  fields: Record<string, unknown>;
}

/** The Web API takes at most 10 records per create/update/delete request. */
export const MAX_RECORDS_PER_REQUEST = 10;
/** "If you exceed this rate, you will receive a 429 status code and will need to wait 30 seconds." */
export const WAIT_AFTER_429_MS = 30_000;

/** An error answer of the Web API, or no answer. Its message never carries the token. */
export class AirtableApiError extends Error {
  override readonly name = 'AirtableApiError';
  /** HTTP status; 0 when no answer came (network, timeout); 429 also for our own queue being full. */
  readonly status: number;
  /** Airtable's error type (`UNKNOWN_FIELD_NAME`, `RATE_LIMIT_REACHED`…) or ours (`NETWORK_ERROR`). */
  readonly type: string;
  /** How long to wait before trying again, when that is known. */
  readonly retryAfterMs: number | null;

  constructor(
    status: number,
    type: string,
    message: string,
    retryAfterMs: number | null = null,
    cause?: unknown,
  ) {
    super(message, { cause });
    this.status = status;
    this.type = type;
    this.retryAfterMs = retryAfterMs;
  }

  /** Transient: the same request may succeed later. 4xx other than 429 are not. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

export interface AirtableWebClient {
  readonly baseId: string;
  getRecord(tableId: string, recordId: string, options?: { fieldsById?: boolean }): Promise<AirtableRecord>;
  /** GET a table's first records, asking for these fields only (an unknown name is a 422). */
  listRecords(
    tableId: string,
    options?: { maxRecords?: number; fields?: readonly string[]; fieldsById?: boolean },
  ): Promise<AirtableRecord[]>;
  /** The token's user, and its scopes where Airtable lists them (OAuth tokens; not PATs). */
  whoami(): Promise<{ id: string; scopes: string[] | null }>;
  /** PATCH: only the given fields change. Sent in requests of at most 10 records, one after another. */
  updateRecords(
    tableId: string,
    records: readonly RecordUpdate[],
    options?: { typecast?: boolean },
  ): Promise<AirtableRecord[]>;
}

export interface AirtableClientOptions {
  limiter?: AirtableRateLimiter;
  /** Spacing of the requests of one token across all its bases (22 ms: under 50 a second). */
  tokenIntervalMs?: number;
  /** How long a base is left alone after a 429 (30 s; tests shorten it). */
  waitAfter429Ms?: number;
  /** How many times a request waits out a 429 and is sent again before failing. Default 0. */
  retriesAfter429?: number;
  /** A request that would wait longer than this for its slot fails with a local 429. Default 10 s. */
  maxQueueWaitMs?: number;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

type ErrorBody = {
  error?: string | { type?: string; message?: string };
  errors?: Array<{ error?: string; type?: string; message?: string }>;
};

/** Airtable answers `{error:{type,message}}`, `{error:"NOT_FOUND"}` or, for 429, `{errors:[{error,message}]}`. */
function describeError(status: number, body: unknown): { type: string; message: string } {
  const parsed = (body && typeof body === 'object' ? body : {}) as ErrorBody;
  if (typeof parsed.error === 'string') return { type: parsed.error, message: parsed.error };
  if (parsed.error && typeof parsed.error === 'object') {
    return { type: parsed.error.type ?? `HTTP_${status}`, message: parsed.error.message ?? '' };
  }
  const first = parsed.errors?.[0];
  if (first) return { type: first.error ?? first.type ?? `HTTP_${status}`, message: first.message ?? '' };
  return { type: `HTTP_${status}`, message: '' };
}

export function createAirtableWebClient(
  baseId: string,
  access: AirtableAccess | (() => Promise<AirtableAccess | null>),
  options: AirtableClientOptions = {},
): AirtableWebClient {
  const limiter = options.limiter ?? createMemoryRateLimiter();
  const waitAfter429Ms = options.waitAfter429Ms ?? WAIT_AFTER_429_MS;
  const retriesAfter429 = options.retriesAfter429 ?? 0;
  const maxQueueWaitMs = options.maxQueueWaitMs ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const tokenIntervalMs = options.tokenIntervalMs ?? DEFAULT_TOKEN_INTERVAL_MS;

  async function resolveAccess(): Promise<AirtableAccess> {
    const resolved = typeof access === 'function' ? await access() : access;
    if (!resolved) throw new AirtableApiError(404, 'BASE_NOT_CONFIGURED', `Base ${baseId} has no settings.`);
    return resolved;
  }

  async function send(method: 'GET' | 'PATCH', path: string, body?: unknown): Promise<unknown> {
    const { apiUrl, pat } = await resolveAccess();
    // `meta/…` is the token's, not the base's: the only path outside the base.
    const url = new URL(path.startsWith('meta/') ? path : `${baseId}/${path}`, apiUrl);
    // The token's own pace, shared by every base it reaches; keyed by a digest, never the token.
    const tokenKey = `token:${createHash('sha256').update(pat).digest('hex').slice(0, 16)}`;
    for (let attempt = 0; ; attempt++) {
      const wait = await limiter.reserve(baseId, maxQueueWaitMs);
      if (wait !== null && wait > 0) await sleep(wait);
      // Then the token's slot, taken when the base's comes: sends of one token stay spaced whatever
      // bases they go to. (Under heavy traffic of one token the base's own spacing can shrink.)
      const tokenWait =
        wait === null ? null : await limiter.reserve(tokenKey, maxQueueWaitMs, tokenIntervalMs);
      if (wait === null || tokenWait === null) {
        throw new AirtableApiError(
          429,
          'LOCAL_QUEUE_FULL',
          `Too many requests queued for base ${baseId}; try again shortly.`,
          maxQueueWaitMs,
        );
      }
      if (tokenWait > 0) await sleep(tokenWait);
      let status: number;
      let parsed: unknown;
      try {
        const response = await request(url, {
          method,
          headers: {
            authorization: `Bearer ${pat}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
          ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
        });
        status = response.statusCode;
        const text = await response.body.text();
        parsed = text ? JSON.parse(text) : null;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new AirtableApiError(
          0,
          'NETWORK_ERROR',
          `${method} ${url.pathname} failed: ${reason}`,
          null,
          error,
        );
      }
      if (status >= 200 && status < 300) return parsed;
      const { type, message } = describeError(status, parsed);
      if (status === 429) {
        // Every caller of this base must hold back, not just this one.
        await limiter.pause(baseId, waitAfter429Ms);
        if (attempt < retriesAfter429) continue;
      }
      throw new AirtableApiError(
        status,
        type,
        `Airtable answered ${status} ${type}${message && message !== type ? `: ${message}` : ''} (${method} ${url.pathname})`,
        status === 429 ? waitAfter429Ms : null,
      );
    }
  }

  return {
    baseId,

    async getRecord(tableId, recordId, getOptions = {}) {
      const query = getOptions.fieldsById ? '?returnFieldsByFieldId=true' : '';
      const record = (await send(
        'GET',
        `${encodeURIComponent(tableId)}/${encodeURIComponent(recordId)}${query}`,
      )) as AirtableRecord;
      return { ...record, fields: record.fields ?? {} };
    },

    async listRecords(tableId, listOptions = {}) {
      const query = new URLSearchParams();
      query.set('maxRecords', String(listOptions.maxRecords ?? 1));
      for (const field of listOptions.fields ?? []) query.append('fields[]', field);
      if (listOptions.fieldsById) query.set('returnFieldsByFieldId', 'true');
      const answer = (await send('GET', `${encodeURIComponent(tableId)}?${query}`)) as {
        records?: AirtableRecord[];
      };
      return (answer.records ?? []).map((record) => ({ ...record, fields: record.fields ?? {} }));
    },

    async whoami() {
      const answer = (await send('GET', 'meta/whoami')) as { id?: string; scopes?: unknown };
      const scopes = Array.isArray(answer.scopes) ? answer.scopes.map(String) : null;
      return { id: String(answer.id ?? ''), scopes };
    },

    async updateRecords(tableId, records, updateOptions = {}) {
      const updated: AirtableRecord[] = [];
      for (let start = 0; start < records.length; start += MAX_RECORDS_PER_REQUEST) {
        const batch = records.slice(start, start + MAX_RECORDS_PER_REQUEST);
        const answer = (await send('PATCH', encodeURIComponent(tableId), {
          records: batch.map((record) => ({ id: record.id, fields: record.fields })),
          ...(updateOptions.typecast ? { typecast: true } : {}),
        })) as { records?: AirtableRecord[] };
        updated.push(...(answer.records ?? []));
      }
      return updated;
    },
  };
}

export type AirtableClientFactory = (baseId: string) => AirtableWebClient;

/**
 * Clients that find each base's token and API URL in the settings store (so a worker talks to the
 * fake server when a base's `api_url` points there) and share one limiter.
 */
export function createAirtableClientFactory(
  deps: { settings: Pick<AirtableBaseSettingsStore, 'access'> } & AirtableClientOptions,
): AirtableClientFactory {
  const { settings, ...options } = deps;
  const shared = { ...options, limiter: options.limiter ?? createMemoryRateLimiter() };
  return (baseId) => createAirtableWebClient(baseId, () => settings.access(baseId), shared);
}
