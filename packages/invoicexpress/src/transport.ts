import { setTimeout as sleep } from 'node:timers/promises';
import { FaturadorError } from '@faturador/core';
import { Agent, request } from 'undici';
import {
  businessError,
  type CallKind,
  connectionFailed,
  duplicatePrevented,
  errorMessages,
  httpFailure,
  invalidBody,
  isTransient,
  networkError,
  rateLimited,
} from './errors.ts';
import type { AccountRateLimiter } from './limiter.ts';

export interface IxTimeouts {
  connectMs: number;
  /** Reads: time to the headers and between body chunks. */
  readMs: number;
  /** Writes: a create can be slow, and a write is never repeated blindly. */
  writeMs: number;
}

export interface IxRetryPolicy {
  /** Attempts for a read (1 = no retry). A write gets one, plus waits on 429 (which applied nothing). */
  readAttempts: number;
  baseDelayMs: number;
  /** The longest one call waits for rate-limit slots and 429s altogether before giving up. */
  maxRateLimitWaitMs: number;
  /** Wait after a 429 without Retry-After. */
  rateLimitDelayMs: number;
}

export const DEFAULT_TIMEOUTS: IxTimeouts = { connectMs: 5_000, readMs: 15_000, writeMs: 30_000 };
export const DEFAULT_RETRY: IxRetryPolicy = {
  readAttempts: 3,
  baseDelayMs: 250,
  maxRateLimitWaitMs: 10_000,
  rateLimitDelayMs: 2_000,
};

export interface IxLogger {
  debug(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
}

const silent = () => {};
export const silentLogger: IxLogger = { debug: silent, warn: silent };

export interface CallOptions {
  /** Names the call in errors, logs and stats: `invoices/create`. */
  endpoint: string;
  kind: CallKind;
  query?: Record<string, string | number | string[] | undefined>;
  body?: unknown;
  /** A 404 is an answer (not found), not a failure: null is returned. */
  notFoundIsNull?: boolean;
  /** Statuses answered with an empty body (202 of the PDF). */
  emptyStatuses?: number[];
}

export interface IxAnswer {
  status: number;
  body: unknown;
}

function retryAfterMs(header: string | string[] | undefined, fallback: number): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return fallback;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? fallback : Math.max(0, date - Date.now());
}

/**
 * The HTTP layer: one undici Agent per client, `api_key` in the query string (the only way the API
 * takes it), JSON both ways, and answers classified into FaturadorErrors. URLs carry the key, so no
 * URL is ever logged or put in an error; the key is scrubbed from any text that leaves.
 */
/** One call as the request's timeline shows it (the same shape as the Moloni client's). */
export interface IxCall {
  endpoint: string;
  kind: CallKind;
  ok: boolean;
  code: string | null;
  status: number | null;
  durationMs: number;
  /** 1 for the first try, 2+ for the client's own retries of a read. */
  try: number;
  at: string;
}

export type IxCallObserver = (call: IxCall) => void;

export class IxTransport {
  private readonly agent: Agent;
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly base: string,
    private readonly account: string,
    private readonly apiKey: string,
    private readonly limiter: AccountRateLimiter,
    private readonly timeouts: IxTimeouts,
    private readonly retry: IxRetryPolicy,
    private readonly logger: IxLogger,
    private readonly onCall?: IxCallObserver,
  ) {
    this.agent = new Agent({ connect: { timeout: timeouts.connectMs }, keepAliveTimeout: 4_000 });
  }

  async call(method: 'GET' | 'POST' | 'PUT', path: string, options: CallOptions): Promise<IxAnswer | null> {
    const attempts = options.kind === 'read' ? Math.max(1, this.retry.readAttempts) : 1;
    const rateDeadline = Date.now() + this.retry.maxRateLimitWaitMs;
    for (let attempt = 1; ; ) {
      try {
        await this.limiter.acquire(this.account, Math.max(0, rateDeadline - Date.now()));
        return await this.once(method, path, options, attempt);
      } catch (error) {
        const scrubbed = this.scrub(error);
        const asked = scrubbed instanceof FaturadorError ? scrubbed.details?.retryAfterMs : undefined;
        if (
          scrubbed instanceof FaturadorError &&
          scrubbed.details?.status === 429 &&
          typeof asked === 'number'
        ) {
          // A 429 applied nothing, for a write too: wait it out while the budget lasts.
          if (Date.now() + asked <= rateDeadline) {
            // The shared limiter counts whole seconds: shorter waits stay this caller's own.
            if (asked >= 1_000) await this.limiter.pause(this.account, asked);
            this.logger.warn(
              { endpoint: options.endpoint, waitMs: asked },
              'invoicexpress throttled, waiting',
            );
            await sleep(asked);
            continue;
          }
          throw scrubbed;
        }
        if (attempt < attempts && isTransient(scrubbed)) {
          const backoff = this.retry.baseDelayMs * 2 ** (attempt - 1);
          attempt += 1;
          await sleep(backoff / 2 + Math.random() * (backoff / 2));
          continue;
        }
        throw scrubbed;
      }
    }
  }

  /** A GET of a URL outside the API (the PDF file), on the same connections and read deadline. */
  async fetchFile(
    endpoint: string,
    url: string,
  ): Promise<{ status: number; contentType: string; bytes: Uint8Array }> {
    this.count(endpoint);
    try {
      const response = await request(url, {
        dispatcher: this.agent,
        method: 'GET',
        signal: AbortSignal.timeout(this.timeouts.readMs),
        headersTimeout: this.timeouts.readMs + 1_000,
        bodyTimeout: this.timeouts.readMs + 1_000,
      });
      const bytes = new Uint8Array(await response.body.arrayBuffer());
      return {
        status: response.statusCode,
        contentType: String(response.headers['content-type'] ?? ''),
        bytes,
      };
    } catch (error) {
      throw this.scrub(networkError(endpoint, 'read', error));
    }
  }

  stats(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private count(endpoint: string): void {
    this.counts.set(endpoint, (this.counts.get(endpoint) ?? 0) + 1);
  }

  private url(path: string, query: CallOptions['query']): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
    }
    params.set('api_key', this.apiKey);
    return `${this.base}/${path}?${params}`;
  }

  private async once(
    method: string,
    path: string,
    options: CallOptions,
    attempt: number,
  ): Promise<IxAnswer | null> {
    const { endpoint, kind } = options;
    this.count(endpoint);
    const timeout = kind === 'write' ? this.timeouts.writeMs : this.timeouts.readMs;
    const started = performance.now();
    const at = new Date().toISOString();
    const told = (status: number, error?: unknown) => {
      this.log(endpoint, status, started, error);
      this.onCall?.({
        endpoint,
        kind,
        ok: error === undefined,
        code:
          error instanceof FaturadorError
            ? error.code
            : error === undefined
              ? null
              : 'INVOICEXPRESS_BAD_GATEWAY',
        status: status || null,
        durationMs: Math.round(performance.now() - started),
        try: attempt,
        at,
      });
    };
    let status: number;
    let text: string;
    let retryAfter: string | string[] | undefined;
    let contentType: string;
    try {
      const response = await request(this.url(path, options.query), {
        dispatcher: this.agent,
        method: method as 'GET',
        headers:
          options.body === undefined
            ? { accept: 'application/json' }
            : { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        // The signal is the call's real deadline; undici's own timers are a backstop.
        signal: AbortSignal.timeout(timeout),
        headersTimeout: timeout + 1_000,
        bodyTimeout: timeout + 1_000,
      });
      status = response.statusCode;
      retryAfter = response.headers['retry-after'];
      contentType = String(response.headers['content-type'] ?? '');
      text = await response.body.text();
    } catch (error) {
      const failure = networkError(endpoint, kind, error);
      told(0, failure);
      throw failure;
    }
    try {
      const answer = this.classify(options, status, contentType, text, retryAfter);
      told(status);
      return answer;
    } catch (error) {
      told(status, error);
      throw error;
    }
  }

  private classify(
    options: CallOptions,
    status: number,
    contentType: string,
    text: string,
    retryAfter: string | string[] | undefined,
  ): IxAnswer | null {
    const { endpoint, kind } = options;
    const parsed = parseJson(text, contentType);
    if (status === 429) throw rateLimited(endpoint, retryAfterMs(retryAfter, this.retry.rateLimitDelayMs));
    if (status >= 500) throw httpFailure(endpoint, status, kind);
    if (status === 401) {
      throw connectionFailed(
        'key_refused',
        `InvoiceXpress refused the API key of account ${this.account} (HTTP 401).`,
        {
          endpoint,
          status,
        },
      );
    }
    if (status >= 300 && status < 400) {
      throw connectionFailed(
        'account_not_found',
        `InvoiceXpress has no account "${this.account}" (HTTP ${status} redirect).`,
        {
          endpoint,
          status,
        },
      );
    }
    if (status === 404) {
      if (options.notFoundIsNull) return null;
      // A route that always exists (a list, a create) is missing only when the account is.
      throw connectionFailed(
        'account_not_found',
        `InvoiceXpress has no account "${this.account}" (HTTP 404).`,
        {
          endpoint,
          status,
        },
      );
    }
    if (status === 409) throw duplicatePrevented(endpoint, errorMessages(parsed.value));
    if (status === 406 || status === 422 || (status >= 400 && status < 500)) {
      throw businessError(endpoint, status, errorMessages(parsed.value));
    }
    if (options.emptyStatuses?.includes(status) || (text.trim() === '' && status >= 200 && status < 300)) {
      return { status, body: null };
    }
    if (!parsed.ok) throw invalidBody(endpoint, status, kind, 'a JSON body');
    return { status, body: parsed.value };
  }

  private scrub(error: unknown): unknown {
    if (!(error instanceof FaturadorError)) return error;
    if (!error.message.includes(this.apiKey) && !JSON.stringify(error.details ?? null).includes(this.apiKey))
      return error;
    const clean = (text: string) => text.split(this.apiKey).join('[REDACTED]');
    const details = error.details === null ? null : JSON.parse(clean(JSON.stringify(error.details)));
    return new FaturadorError(error.code, clean(error.message), details);
  }

  private log(endpoint: string, status: number, started: number, error?: unknown): void {
    const entry = {
      provider: 'invoicexpress',
      account: this.account,
      endpoint,
      status: status || undefined,
      durationMs: Math.round(performance.now() - started),
      ...(error instanceof FaturadorError ? { code: error.code, outcome: error.details?.outcome } : {}),
    };
    if (error) this.logger.warn(entry, 'invoicexpress call failed');
    else this.logger.debug(entry, 'invoicexpress call');
  }
}

function parseJson(text: string, contentType: string): { ok: boolean; value: unknown } {
  if (text.trim() === '') return { ok: false, value: null };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, value: contentType.includes('html') ? null : text };
  }
}
