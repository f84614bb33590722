import { setTimeout as sleep } from 'node:timers/promises';
import { FaturadorError } from '@faturador/core';
import { Agent, request } from 'undici';
import {
  authError,
  businessError,
  type CallKind,
  httpFailure,
  invalidBody,
  isAuthBody,
  networkError,
  parseFieldErrors,
  rateLimited,
} from './errors.ts';
import type { MoloniPacer } from './pacer.ts';
import type { MoloniLogger, SecretRegistry } from './redact.ts';

export interface MoloniTimeouts {
  /** TCP/TLS connection establishment. */
  connectMs: number;
  /** Reads and the token grant: time to the response headers, and between body chunks. */
  readMs: number;
  /** Inserts and updates: Moloni can be slow to create a document, and a write is never retried. */
  writeMs: number;
}

export interface MoloniRetryPolicy {
  /** Attempts for a read (1 = no retry). Writes always get exactly one. */
  readAttempts: number;
  /** First backoff delay; doubles per attempt, with jitter. */
  baseDelayMs: number;
  /** A 429 asking to wait longer than this is handed to the caller instead of slept on. */
  maxDelayMs: number;
  /** Wait after a 429 without Retry-After (the official plugin sleeps 2 s). */
  rateLimitDelayMs: number;
}

export const DEFAULT_TIMEOUTS: MoloniTimeouts = { connectMs: 5_000, readMs: 15_000, writeMs: 45_000 };
export const DEFAULT_RETRY: MoloniRetryPolicy = {
  readAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  rateLimitDelayMs: 2_000,
};

export interface DownloadedFile {
  status: number;
  contentType: string;
  bytes: Uint8Array<ArrayBuffer>;
}

export interface CallStats {
  total: number;
  /** Attempts per endpoint (`grant`, `invoiceReceipts/insert`, …), retries included. */
  byEndpoint: Record<string, number>;
}

/** One HTTP call to Moloni as it ended: what an observer (a request's timeline) is told. */
export interface MoloniCall {
  /** `grant`, `invoices/insert`, `pdf`… never a URL (URLs carry credentials). */
  endpoint: string;
  kind: CallKind;
  ok: boolean;
  /** The FaturadorError code the call failed with; null when it succeeded. */
  code: string | null;
  /** Moloni's HTTP status; null when no answer came (timeout, refused connection). */
  status: number | null;
  durationMs: number;
  /** 1 for the first try of this call, 2+ for the client's own retries of a read. */
  try: number;
  /** When the call started (ISO 8601). */
  at: string;
}

export type MoloniCallObserver = (call: MoloniCall) => void;

export interface TransportOptions {
  baseUrl: string;
  timeouts: MoloniTimeouts;
  retry: MoloniRetryPolicy;
  logger: MoloniLogger;
  secrets: SecretRegistry;
  /** Shared by every process of the account: a 429 slows all of them down (see pacer.ts). */
  pacer?: MoloniPacer;
  /** Told of every call once it ends; must not throw (a throw is logged and ignored). */
  onCall?: MoloniCallObserver;
}

const AUTH_STATUSES = new Set([200, 400, 401, 403]);
const RETRYABLE_READ = new Set(['MOLONI_UNAVAILABLE', 'MOLONI_BAD_GATEWAY', 'MOLONI_TIMEOUT']);

function retryAfterMs(header: string | string[] | undefined, fallbackMs: number): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return fallbackMs;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? fallbackMs : Math.max(0, date - Date.now());
}

/**
 * The HTTP layer: one undici Agent per client (connections are reused across calls), JSON bodies,
 * the access token in the query string as Moloni requires, and answers classified into
 * FaturadorErrors. It never logs or reports a URL, since URLs carry credentials.
 */
export class MoloniTransport {
  private readonly agent: Agent;
  private readonly base: string;
  private readonly counts = new Map<string, number>();

  constructor(private readonly options: TransportOptions) {
    this.base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
    this.agent = new Agent({ connect: { timeout: options.timeouts.connectMs }, keepAliveTimeout: 4_000 });
  }

  /** A company-scoped API call. Reads are retried on transient failures; writes never are. */
  async call(endpoint: string, accessToken: string, body: object, kind: CallKind): Promise<unknown> {
    const attempts = kind === 'read' ? Math.max(1, this.options.retry.readAttempts) : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(endpoint, accessToken, body, kind, attempt);
      } catch (error) {
        const delay = attempt < attempts ? this.retryDelay(error, attempt) : null;
        if (delay === null) throw error;
        this.options.logger.warn(
          {
            endpoint,
            attempt,
            delayMs: delay,
            code: error instanceof FaturadorError ? error.code : undefined,
          },
          'moloni read failed, retrying',
        );
        await sleep(delay);
      }
    }
  }

  /** The OAuth grant: a GET with the credentials in the query string (reference §2). */
  async grant(params: Record<string, string>): Promise<unknown> {
    const query = new URLSearchParams(params).toString();
    return this.send('grant', `${this.base}grant/?${query}`, 'GET', undefined, 'read');
  }

  /**
   * A GET outside the API (the PDF download), on the same connections and deadline as a read.
   * Counted as `endpoint`; failures are classified like API ones, and the URL is never reported.
   */
  async fetchFile(endpoint: string, url: string): Promise<DownloadedFile> {
    this.counts.set(endpoint, (this.counts.get(endpoint) ?? 0) + 1);
    const started = performance.now();
    try {
      const response = await request(url, {
        dispatcher: this.agent,
        method: 'GET',
        signal: AbortSignal.timeout(this.options.timeouts.readMs),
        headersTimeout: this.options.timeouts.readMs + 1_000,
        bodyTimeout: this.options.timeouts.readMs + 1_000,
      });
      const bytes = new Uint8Array(await response.body.arrayBuffer());
      this.log(endpoint, 'read', response.statusCode, started);
      return {
        status: response.statusCode,
        contentType: String(response.headers['content-type'] ?? ''),
        bytes,
      };
    } catch (error) {
      const failure = this.options.secrets.scrubError(networkError(endpoint, 'read', error));
      this.log(endpoint, 'read', 0, started, failure);
      throw failure;
    }
  }

  stats(): CallStats {
    const byEndpoint = Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
    const total = [...this.counts.values()].reduce((sum, count) => sum + count, 0);
    return { total, byEndpoint };
  }

  resetStats(): void {
    this.counts.clear();
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private retryDelay(error: unknown, attempt: number): number | null {
    if (!(error instanceof FaturadorError) || !RETRYABLE_READ.has(error.code)) return null;
    const { baseDelayMs, maxDelayMs } = this.options.retry;
    const asked = error.details?.retryAfterMs;
    if (typeof asked === 'number') return asked <= maxDelayMs ? asked : null;
    const backoff = baseDelayMs * 2 ** (attempt - 1);
    return Math.min(maxDelayMs, backoff / 2 + Math.random() * (backoff / 2));
  }

  private once(
    endpoint: string,
    accessToken: string,
    body: object,
    kind: CallKind,
    attempt: number,
  ): Promise<unknown> {
    const query = new URLSearchParams({ access_token: accessToken, json: 'true', human_errors: 'true' });
    return this.send(
      endpoint,
      `${this.base}${endpoint}/?${query}`,
      'POST',
      JSON.stringify(body),
      kind,
      attempt,
    );
  }

  private async send(
    endpoint: string,
    url: string,
    method: 'GET' | 'POST',
    body: string | undefined,
    kind: CallKind,
    attempt = 1,
  ): Promise<unknown> {
    await this.options.pacer?.wait();
    this.counts.set(endpoint, (this.counts.get(endpoint) ?? 0) + 1);
    const timeout = kind === 'write' ? this.options.timeouts.writeMs : this.options.timeouts.readMs;
    const started = performance.now();
    let status = 0;
    let contentType = '';
    let text: string;
    let retryAfter: string | string[] | undefined;
    try {
      const response = await request(url, {
        dispatcher: this.agent,
        method,
        headers:
          body === undefined
            ? { accept: 'application/json' }
            : { 'content-type': 'application/json', accept: 'application/json' },
        body,
        // undici's own timers tick about once a second and the body timeout is per chunk: the
        // signal is the call's real deadline, the others are a backstop.
        signal: AbortSignal.timeout(timeout),
        headersTimeout: timeout + 1_000,
        bodyTimeout: timeout + 1_000,
      });
      status = response.statusCode;
      contentType = String(response.headers['content-type'] ?? '');
      retryAfter = response.headers['retry-after'];
      text = await response.body.text();
    } catch (error) {
      const failure = this.options.secrets.scrubError(networkError(endpoint, kind, error));
      this.log(endpoint, kind, status, started, failure, attempt);
      throw failure;
    }
    if (status === 429) {
      await this.options.pacer
        ?.slowDown(retryAfterMs(retryAfter, this.options.retry.rateLimitDelayMs))
        .catch(() => undefined);
    }
    try {
      const result = this.classify(endpoint, kind, status, contentType, text, retryAfter);
      this.log(endpoint, kind, status, started, undefined, attempt);
      this.options.pacer?.succeeded();
      return result;
    } catch (error) {
      this.log(endpoint, kind, status, started, error, attempt);
      throw this.options.secrets.scrubError(error);
    }
  }

  private classify(
    endpoint: string,
    kind: CallKind,
    status: number,
    contentType: string,
    text: string,
    retryAfter: string | string[] | undefined,
  ): unknown {
    if (status === 429)
      throw rateLimited(endpoint, retryAfterMs(retryAfter, this.options.retry.rateLimitDelayMs));
    if (status >= 500) throw httpFailure(endpoint, status, kind);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw invalidBody(endpoint, status, kind, contentType);
    }
    // An `error` key is how Moloni reports auth failures (HTTP 400); the same shape on a 404 is
    // an unknown method, which no token renewal would fix.
    if (isAuthBody(parsed) && AUTH_STATUSES.has(status)) throw authError(endpoint, parsed);
    const fieldErrors = parseFieldErrors(parsed);
    if (fieldErrors) throw businessError(endpoint, fieldErrors);
    if (status < 200 || status >= 300) throw httpFailure(endpoint, status, kind);
    return parsed;
  }

  private log(
    endpoint: string,
    kind: CallKind,
    status: number,
    started: number,
    error?: unknown,
    attempt = 1,
  ): void {
    const durationMs = Math.round(performance.now() - started);
    const entry = {
      provider: 'moloni',
      endpoint,
      kind,
      status: status || undefined,
      durationMs,
      ...(error instanceof FaturadorError ? { code: error.code, details: error.details } : {}),
    };
    if (error) this.options.logger.warn(entry, 'moloni call failed');
    else this.options.logger.debug(entry, 'moloni call');
    if (!this.options.onCall) return;
    try {
      this.options.onCall({
        endpoint,
        kind,
        ok: !error,
        code: error ? (error instanceof FaturadorError ? error.code : 'INTERNAL') : null,
        status: status || null,
        durationMs,
        try: attempt,
        at: new Date(performance.timeOrigin + started).toISOString(),
      });
    } catch (failure) {
      this.options.logger.warn({ endpoint, err: String(failure) }, 'moloni call observer failed');
    }
  }
}
