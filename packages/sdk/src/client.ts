import { randomBytes } from 'node:crypto';
import type {
  DocumentActionBody,
  EmailAcceptedBody,
  ErrorCode,
  ErrorEnvelope,
  InvoiceRequestBody,
} from '@faturador/core';
import { signedHeaders } from '@faturador/store/signing';
import { type Dispatcher, request } from 'undici';
import type {
  AcceptedBody,
  ActionOptions,
  AirtableRecordRef,
  ApiResult,
  BillingClient,
  BillingResult,
  InvoiceListBody,
  InvoiceStatusBody,
  IssueOptions,
  ListInvoicesQuery,
} from './types.ts';

export interface BillingClientOptions {
  /** `https://billing.theinventors.io`; a path prefix (`https://host/billing`) is kept. */
  baseUrl: string;
  clientId: string;
  apiKey: string;
  apiSecret: string;
  /** HMAC-signed requests (timestamp + nonce + signature) instead of sending the secret. */
  signed?: boolean;
  /** Whole-call budget; the synchronous contract targets 10 s, so the default leaves margin. */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

/** The API could not be reached or did not answer in time. Never carries a credential. */
export class BillingApiError extends Error {
  override readonly name = 'BillingApiError';
  readonly kind: 'network' | 'timeout';
  readonly code: string | null;

  constructor(message: string, kind: 'network' | 'timeout', code: string | null) {
    super(message);
    this.kind = kind;
    this.code = code;
  }
}

const IDEMPOTENCY_KEY =
  /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z0-9_\-:.]{8,128})$/;

export function isValidIdempotencyKey(key: string): boolean {
  return IDEMPOTENCY_KEY.test(key);
}

const DEFAULT_TIMEOUT_MS = 15_000;

/** Codes to report when an answer is not a Faturador envelope (a proxy page, an empty body). */
const FALLBACK_CODES: Record<number, ErrorCode> = {
  400: 'VALIDATION_ERROR',
  401: 'AUTH_ERROR',
  403: 'IP_NOT_ALLOWED',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

function fallbackEnvelope(status: number, requestId: string | null): ErrorEnvelope {
  const code: ErrorCode =
    FALLBACK_CODES[status] ?? (status >= 500 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR');
  return {
    success: false,
    request_id: requestId ?? '',
    error: {
      code,
      message: `The billing API answered HTTP ${status} without a Faturador envelope.`,
      details: { http_status: status, unexpected_body: true },
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isErrorEnvelope(value: unknown): value is ErrorEnvelope {
  return (
    isRecord(value) &&
    value.success === false &&
    isRecord(value.error) &&
    typeof value.error.code === 'string' &&
    typeof value.error.message === 'string'
  );
}

function headerValue(value: string | string[] | undefined): string | null {
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

function networkCode(error: unknown): string | null {
  if (!isRecord(error)) return null;
  const code = error.code ?? (isRecord(error.cause) ? error.cause.code : undefined);
  return typeof code === 'string' ? code : null;
}

export function createBillingClient(options: BillingClientOptions): BillingClient {
  const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  function authHeaders(method: string, path: string, body: string): Record<string, string> {
    if (!options.signed) {
      return {
        'x-client-id': options.clientId,
        'x-api-key': options.apiKey,
        'x-api-secret': options.apiSecret,
      };
    }
    return signedHeaders({
      method,
      path,
      body,
      secret: options.apiSecret,
      clientId: options.clientId,
      keyId: options.apiKey,
      timestamp: Math.floor(Date.now() / 1000),
      nonce: randomBytes(24).toString('base64url'),
    });
  }

  async function call<T>(
    method: 'GET' | 'POST' | 'DELETE',
    relativePath: string,
    payload: unknown,
    extraHeaders: Record<string, string>,
  ): Promise<ApiResult<T>> {
    const url = new URL(relativePath, base);
    const path = `${url.pathname}${url.search}`;
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'faturador-sdk',
      ...extraHeaders,
      ...authHeaders(method, path, body),
    };
    if (payload !== undefined) headers['content-type'] = 'application/json';

    let status: number;
    let requestId: string | null;
    let text: string;
    try {
      const response = await request(url, {
        method,
        headers,
        body: payload === undefined ? undefined : body,
        dispatcher: options.dispatcher,
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.statusCode;
      requestId = headerValue(response.headers['x-request-id']);
      text = await response.body.text();
    } catch (error) {
      // Built from our own words and the error code only: undici's messages never echo headers,
      // but this way a credential can never reach a log through this error.
      const code = networkCode(error);
      const timedOut =
        (isRecord(error) && (error.name === 'TimeoutError' || error.name === 'AbortError')) ||
        code === 'UND_ERR_HEADERS_TIMEOUT' ||
        code === 'UND_ERR_BODY_TIMEOUT';
      const what = `${method} ${path}`;
      throw timedOut
        ? new BillingApiError(
            `The billing API did not answer ${what} within ${timeoutMs} ms.`,
            'timeout',
            code,
          )
        : new BillingApiError(
            `Could not reach the billing API for ${what}${code ? ` (${code})` : ''}.`,
            'network',
            code,
          );
    }

    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (status >= 200 && status < 300 && isRecord(parsed) && parsed.success === true) {
      return {
        ok: true,
        status,
        requestId: requestId ?? stringField(parsed, 'request_id'),
        body: parsed as T,
      };
    }
    if (isErrorEnvelope(parsed)) {
      return { ok: false, status, requestId: requestId ?? parsed.request_id, body: parsed };
    }
    return { ok: false, status, requestId, body: fallbackEnvelope(status, requestId) };
  }

  return {
    async issueInvoice(body: InvoiceRequestBody, issue: IssueOptions): Promise<BillingResult> {
      assertKey(issue.idempotencyKey);
      const payload = issue.origin ? { ...body, origin: issue.origin } : body;
      return call('POST', 'api/v1/invoices/', payload, {
        'idempotency-key': issue.idempotencyKey,
        ...(issue.async ? { prefer: 'respond-async' } : {}),
      });
    },

    finalizeInvoice(requestId, action) {
      assertKey(action.idempotencyKey);
      return call<DocumentActionBody>('POST', `${invoicePath(requestId)}/finalize`, undefined, {
        ...actionHeaders(action),
      });
    },

    deleteDraft(requestId, action) {
      assertKey(action.idempotencyKey);
      return call<DocumentActionBody>('DELETE', invoicePath(requestId), undefined, {
        ...actionHeaders(action),
      });
    },

    creditInvoice(requestId, body, action) {
      assertKey(action.idempotencyKey);
      return call<DocumentActionBody>('POST', `${invoicePath(requestId)}/credit-notes`, body, {
        ...actionHeaders(action),
      });
    },

    recordPayment(requestId, body, action) {
      assertKey(action.idempotencyKey);
      return call<DocumentActionBody>('POST', `${invoicePath(requestId)}/receipts`, body, {
        ...actionHeaders(action),
      });
    },

    emailInvoice(requestId, body, action) {
      assertKey(action.idempotencyKey);
      return call<EmailAcceptedBody>('POST', `${invoicePath(requestId)}/email`, body, {
        ...actionHeaders(action),
      });
    },

    getInvoice(requestId: string) {
      return call<InvoiceStatusBody>(
        'GET',
        `api/v1/invoices/${encodeURIComponent(requestId)}`,
        undefined,
        {},
      );
    },

    /** One page of this client's requests; follow `next_cursor` for the next. */
    listInvoices(query: ListInvoicesQuery = {}) {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(query))
        if (value !== undefined && value !== '') params.set(name, String(value));
      const search = params.size ? `?${params.toString()}` : '';
      return call<InvoiceListBody>('GET', `api/v1/invoices/${search}`, undefined, {});
    },

    async triggerAirtableRecord(record: AirtableRecordRef, trigger = {}): Promise<BillingResult> {
      const headers: Record<string, string> = {};
      if (trigger.idempotencyKey !== undefined) {
        assertKey(trigger.idempotencyKey);
        headers['idempotency-key'] = trigger.idempotencyKey;
      }
      const payload = { base_id: record.base_id, table_id: record.table_id, record_id: record.record_id };
      const query = trigger.wait ? `?wait=${trigger.wait}` : '';
      return call<AcceptedBody>('POST', `api/v1/record-triggers/airtable${query}`, payload, headers);
    },
  };
}

function invoicePath(requestId: string): string {
  return `api/v1/invoices/${encodeURIComponent(requestId)}`;
}

function stringField(value: Record<string, unknown>, field: string): string | null {
  const found = value[field];
  return typeof found === 'string' ? found : null;
}

function assertKey(key: string): void {
  if (!isValidIdempotencyKey(key)) {
    throw new TypeError('idempotencyKey must be a UUID or 8–128 characters of A-Z a-z 0-9 _ - : .');
  }
}

function actionHeaders(action: ActionOptions): Record<string, string> {
  return {
    'idempotency-key': action.idempotencyKey,
    ...(action.actingSlackUser ? { 'x-acting-slack-user': action.actingSlackUser } : {}),
  };
}
