import { DeliveryError } from '@faturador/core';
import { type Dispatcher, request } from 'undici';

export const SLACK_API_URL = 'https://slack.com/api/';

export interface SlackCallOptions {
  token: string;
  /** Ends with `/`; methods are appended (`…/api/chat.postMessage`). */
  apiUrl?: string;
  dispatcher?: Dispatcher;
  timeoutMs?: number;
}

/** A Slack answer with `ok: false`, an HTTP error, or no answer at all. */
export class SlackCallError extends Error {
  override readonly name = 'SlackCallError';
  /** Slack's error code (`channel_not_found`, `ratelimited`…) or `http_503` / `network_error`. */
  readonly error: string;
  readonly status: number | null;
  readonly retryAfterMs: number | null;

  constructor(method: string, error: string, status: number | null, retryAfterMs: number | null) {
    super(`Slack ${method} failed: ${error}`);
    this.error = error;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }

  /** Worth trying again later: rate limits, Slack-side failures, the network. */
  get retryable(): boolean {
    return (
      TRANSIENT_ERRORS.has(this.error) || (this.status !== null && this.status >= 500) || this.status === null
    );
  }

  toDeliveryError(): DeliveryError {
    return new DeliveryError(this.message, {
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      cause: this,
    });
  }
}

const TRANSIENT_ERRORS = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'network_error',
]);

function retryAfterMs(value: string | string[] | undefined): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return null;
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : null;
}

export type SlackOk = Record<string, unknown> & { ok: true };

/**
 * Calls one Web API method with a JSON body and the bot token as a Bearer header. Slack answers
 * errors as HTTP 200 with `ok: false`, and rate limits as HTTP 429 with `Retry-After` seconds.
 */
export async function callSlack(
  method: string,
  args: Record<string, unknown>,
  options: SlackCallOptions,
): Promise<SlackOk> {
  const url = `${options.apiUrl ?? SLACK_API_URL}${method}`;
  let status: number;
  let headers: Record<string, string | string[] | undefined>;
  let text: string;
  try {
    const response = await request(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.token}`,
        'content-type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify(args),
      dispatcher: options.dispatcher,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    status = response.statusCode;
    headers = response.headers;
    text = await response.body.text();
  } catch {
    // The cause is not kept: it may hold the request, and the request holds the token.
    throw new SlackCallError(method, 'network_error', null, null);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const wait = retryAfterMs(headers['retry-after']);
  if (status === 429) throw new SlackCallError(method, 'ratelimited', status, wait ?? 1000);
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : null;
  if (status >= 300 || record === null) {
    throw new SlackCallError(method, `http_${status}`, status, wait);
  }
  if (record.ok !== true) {
    const error = typeof record.error === 'string' ? record.error : 'unknown_error';
    throw new SlackCallError(method, error, status, wait);
  }
  return record as SlackOk;
}
