import type { ErrorDetails, ErrorEnvelope, SerializedError } from './responses.ts';

/**
 * The error catalog. The first ten codes and their statuses are the seed contract's table; the
 * rest are ours, added only where the seed has no code for a situation.
 */
export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  AUTH_ERROR: 401,
  IP_NOT_ALLOWED: 403,
  IDEMPOTENCY_CONFLICT: 409,
  MOLONI_BUSINESS_ERROR: 422,
  CUSTOMER_AMBIGUOUS: 422,
  MOLONI_BAD_GATEWAY: 502,
  MOLONI_UNAVAILABLE: 503,
  MOLONI_TIMEOUT: 504,
  // Ours:
  REFERENCE_ALREADY_ISSUED: 409,
  /** Moloni holds several closed documents for one reference: an incident, nothing more is issued. */
  DUPLICATE_DOCUMENTS: 409,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  /** A final document was requested, but Moloni's total differs from the request: left as a draft. */
  TOTAL_MISMATCH: 422,
  /**
   * Moloni's calculation method cannot produce the requested gross (a line's, or the document's):
   * refused before anything is written, with the nearest reachable values.
   */
  TOTAL_UNREACHABLE: 422,
  /** A final document cannot be deleted or finalized: cancel it with a credit note. */
  DOCUMENT_FINAL: 409,
  /** The document is still a draft (or was deleted): finalize it before crediting or settling it. */
  DOCUMENT_NOT_FINAL: 409,
  /** A receipt for an FR or FS, which were paid when issued, or for an FT with nothing left to pay. */
  DOCUMENT_ALREADY_PAID: 409,
  /** More than what remains uncredited of the document (or of a line) was asked to be credited. */
  CREDIT_EXCEEDS_REMAINING: 409,
  /** A payment larger than the invoice's open amount. */
  AMOUNT_EXCEEDS_OPEN: 409,
  /** The API client has no Moloni connection to issue with. */
  CONNECTION_NOT_CONFIGURED: 422,
  /** A retry or re-delivery asked of a request in a state that has none (still running, issued). */
  REQUEST_NOT_RETRYABLE: 409,
  /**
   * The Moloni connection cannot work as configured (unknown host, credentials refused): no retry
   * can fix it, so the request fails at once; an operator fixes the connection and retries.
   */
  MOLONI_CONNECTION_FAILED: 422,
  /** InvoiceXpress refused the document or the call (its 422 error list, or a state that forbids it). */
  INVOICEXPRESS_BUSINESS_ERROR: 422,
  /** InvoiceXpress answered something unreadable or an unexpected 5xx. */
  INVOICEXPRESS_BAD_GATEWAY: 502,
  /** InvoiceXpress is down, unreachable, or throttling (429) longer than we wait. */
  INVOICEXPRESS_UNAVAILABLE: 503,
  /** InvoiceXpress did not answer in time (or a PDF was not ready within the budget). */
  INVOICEXPRESS_TIMEOUT: 504,
  /**
   * The InvoiceXpress connection cannot work as configured: the API key refused, no account by
   * that subdomain, or a subdomain that is not one (`details.cause`).
   */
  INVOICEXPRESS_CONNECTION_FAILED: 422,
  /** This installation has no SMTP server configured (`SMTP_URL`, `MAIL_FROM` of the worker). */
  EMAIL_NOT_CONFIGURED: 503,
  /** The mail server refused the message or its recipient for good (a 5xx reply): nothing was sent. */
  EMAIL_REFUSED: 422,
  /** The mail server could not be reached or asked to try later (a 4xx reply): nothing was sent. */
  EMAIL_UNAVAILABLE: 503,
  /**
   * The connection ended while the mail server held the message, without its final answer: it may
   * have been sent. Never re-sent by itself; a new Idempotency-Key sends it again on purpose.
   */
  EMAIL_IN_DOUBT: 502,
  /** Our own dependencies (Redis, the queue) are unavailable: nothing was done, retry. */
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/** Errors whose cause is transient: retrying the same request may succeed. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set([
  'MOLONI_BAD_GATEWAY',
  'MOLONI_UNAVAILABLE',
  'MOLONI_TIMEOUT',
  'INVOICEXPRESS_BAD_GATEWAY',
  'INVOICEXPRESS_UNAVAILABLE',
  'INVOICEXPRESS_TIMEOUT',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'EMAIL_UNAVAILABLE',
]);

export function isRetryableCode(code: ErrorCode): boolean {
  return RETRYABLE.has(code);
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}

/** The one error type of the domain: every edge maps it to its own output. */
export class FaturadorError extends Error {
  override readonly name = 'FaturadorError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  /** When the caller may try again (an HTTP edge sends it as Retry-After); not part of the body. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    details: ErrorDetails = null,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  get status(): ErrorStatus {
    return ERROR_STATUS[this.code];
  }

  get retryable(): boolean {
    return isRetryableCode(this.code);
  }

  toJSON(): SerializedError {
    return { code: this.code, message: this.message, details: this.details };
  }

  static fromJSON(value: SerializedError): FaturadorError {
    return new FaturadorError(value.code, value.message, value.details);
  }
}

export function errorEnvelope(requestId: string, error: FaturadorError | SerializedError): ErrorEnvelope {
  return {
    success: false,
    request_id: requestId,
    error: { code: error.code, message: error.message, details: error.details ?? null },
  };
}

export function isFaturadorError(error: unknown): error is FaturadorError {
  return error instanceof FaturadorError;
}
