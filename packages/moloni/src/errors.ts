import { FaturadorError } from '@faturador/core';

/**
 * How Moloni's answers become FaturadorErrors. The classification follows the reference (§1
 * "Errors"): auth failures are an object with an `error` key (HTTP 400), data errors an array of
 * `"<code> <field> [params]"` entries (HTTP 200, or objects with `human_errors=true`), and
 * anything else unexpected is the gateway's fault.
 *
 *   answer                                   code                   outcome of a write
 *   `{error}` on 200/400/401/403             AUTH_ERROR             not applied
 *   error array (`"1 name"`, objects, nested) MOLONI_BUSINESS_ERROR  not applied
 *   `{"valid": 0, …}`                          MOLONI_BUSINESS_ERROR  not applied
 *   429                                       MOLONI_UNAVAILABLE     not applied (retryAfterMs)
 *   503                                       MOLONI_UNAVAILABLE     unknown
 *   504                                       MOLONI_TIMEOUT         unknown
 *   other 5xx, 404, HTML / bad JSON           MOLONI_BAD_GATEWAY     unknown (5xx, bad body on 2xx)
 *   connection refused / DNS                  MOLONI_UNAVAILABLE     not applied
 *   connect timeout                           MOLONI_TIMEOUT         not applied
 *   deadline, reset, dropped after sending    MOLONI_TIMEOUT         unknown
 */

/** `read` calls change nothing; `write` calls (insert/update) may have been applied. */
export type CallKind = 'read' | 'write';

/**
 * Whether a failed call could have changed Moloni's state. Only `unknown` obliges the caller to
 * reconcile (search by our reference) before retrying.
 */
export type CallOutcome = 'not_applied' | 'unknown';

export interface MoloniFieldError {
  /** Moloni's error code (1 required, 4 unique, 8 invalid VAT…; see the reference). */
  code: number;
  /** The field as Moloni names it, e.g. `name`, `products[0][price]`. */
  field: string;
  /** Extra tokens after the field (`2 language_id 1 0` → `['1', '0']`). */
  params: string[];
  /** The English sentence of `human_errors=true`, when Moloni sent one. */
  description: string | undefined;
}

const FIELD_ERROR = /^(\d+)\s+(\S+)(?:\s+(.*))?$/s;

function parseEntry(entry: unknown): MoloniFieldError | null {
  let code: unknown = entry;
  let description: string | undefined;
  if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) {
    const record = entry as Record<string, unknown>;
    code = record.code;
    description = typeof record.description === 'string' ? record.description : undefined;
  }
  if (typeof code !== 'string') return null;
  const match = FIELD_ERROR.exec(code.trim());
  if (!match) return null;
  const [, number = '0', field = '', rest] = match;
  return { code: Number(number), field, params: rest ? rest.split(/\s+/) : [], description };
}

/** Every entry of an error array, nested arrays flattened; null if any is not an error entry. */
function parseEntries(body: unknown[]): MoloniFieldError[] | null {
  const errors: MoloniFieldError[] = [];
  for (const entry of body) {
    const parsed = Array.isArray(entry) ? parseEntries(entry) : [parseEntry(entry)];
    if (!parsed || parsed.some((item) => item === null)) return null;
    errors.push(...(parsed as MoloniFieldError[]));
  }
  return errors;
}

const REFUSAL_TEXT_KEYS = ['error_msg', 'msg', 'message', 'description'] as const;

/**
 * `{"valid": 0, …}`: a refused write. Its fields are whatever error entries it carries (in any
 * array value); its words, whatever text it has under the usual keys.
 */
function parseRefusal(body: Record<string, unknown>): MoloniFieldError[] {
  const errors = Object.values(body).flatMap((value) =>
    Array.isArray(value) ? (parseEntries(value) ?? []) : [],
  );
  if (errors.length > 0) return errors;
  const text = REFUSAL_TEXT_KEYS.map((key) => body[key]).find((value) => typeof value === 'string');
  return [{ code: 0, field: '', params: [], description: (text as string | undefined) ?? 'valid: 0' }];
}

/**
 * The entries of a data-error body, or null when the body is something else (e.g. a list). Besides
 * `["1 name", …]` (and its `human_errors` objects), Moloni answers nested arrays such as
 * `[["10 associated_id"], "5 related_id"]` and `{"valid": 0, …}`: refusals all the same.
 */
export function parseFieldErrors(body: unknown): MoloniFieldError[] | null {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    return 'valid' in record && Number(record.valid) === 0 ? parseRefusal(record) : null;
  }
  if (!Array.isArray(body) || body.length === 0) return null;
  const errors = parseEntries(body);
  return errors && errors.length > 0 ? errors : null;
}

export function isAuthBody(body: unknown): body is { error: string; error_description?: unknown } {
  return (
    body !== null &&
    typeof body === 'object' &&
    !Array.isArray(body) &&
    typeof (body as Record<string, unknown>).error === 'string'
  );
}

export function authError(
  endpoint: string,
  body: { error: string; error_description?: unknown },
): FaturadorError {
  const description = typeof body.error_description === 'string' ? body.error_description : '';
  const what = endpoint === 'grant' ? 'the Moloni credentials' : 'the Moloni access token';
  return new FaturadorError(
    'AUTH_ERROR',
    `Moloni rejected ${what}: ${body.error}${description ? ` (${description})` : ''}.`,
    { provider: 'moloni', endpoint, error: body.error, error_description: description },
  );
}

/** True for an AUTH_ERROR raised by a normal call (a rejected access token), not by the grant. */
export function isTokenRejection(error: unknown): boolean {
  return (
    error instanceof FaturadorError &&
    error.code === 'AUTH_ERROR' &&
    error.details !== null &&
    error.details.provider === 'moloni' &&
    error.details.endpoint !== 'grant'
  );
}

export function businessError(endpoint: string, errors: MoloniFieldError[]): FaturadorError {
  const summary = errors
    .map(
      (error) =>
        error.description ??
        `${error.code} ${error.field}${error.params.length ? ` ${error.params.join(' ')}` : ''}`,
    )
    .join('; ');
  return new FaturadorError('MOLONI_BUSINESS_ERROR', `Moloni rejected ${endpoint}: ${summary}`, {
    provider: 'moloni',
    endpoint,
    errors: errors.map(({ code, field, params, description }) => ({ code, field, params, description })),
    // Moloni answered and refused: nothing was written, so a refused insert frees its reference.
    outcome: 'not_applied',
  });
}

/** A business rejection that is ours rather than Moloni's array (e.g. no tax for a rate). */
export function localBusinessError(
  endpoint: string,
  field: string,
  description: string,
  extra: Record<string, unknown> = {},
): FaturadorError {
  return new FaturadorError('MOLONI_BUSINESS_ERROR', description, {
    provider: 'moloni',
    endpoint,
    errors: [{ code: 0, field, params: [], description }],
    ...extra,
  });
}

export function hasFieldError(error: unknown, code: number, field: string): boolean {
  if (!(error instanceof FaturadorError) || error.code !== 'MOLONI_BUSINESS_ERROR') return false;
  const errors = error.details?.errors;
  return (
    Array.isArray(errors) &&
    errors.some((entry: MoloniFieldError) => entry.code === code && entry.field === field)
  );
}

export function rateLimited(endpoint: string, retryAfterMs: number): FaturadorError {
  return new FaturadorError(
    'MOLONI_UNAVAILABLE',
    `Moloni is throttling requests (HTTP 429) on ${endpoint}.`,
    {
      provider: 'moloni',
      endpoint,
      status: 429,
      retryAfterMs,
      // A throttled request is refused before it is processed.
      outcome: 'not_applied' satisfies CallOutcome,
    },
  );
}

export function httpFailure(endpoint: string, status: number, kind: CallKind): FaturadorError {
  const outcome: CallOutcome = kind === 'write' && status >= 500 ? 'unknown' : 'not_applied';
  const details = { provider: 'moloni', endpoint, status, outcome };
  if (status === 504) {
    // A proxy gave up waiting for Moloni: as much a timeout as our own.
    return new FaturadorError(
      'MOLONI_TIMEOUT',
      `Moloni timed out behind its gateway (HTTP 504) on ${endpoint}.`,
      details,
    );
  }
  if (status === 503) {
    return new FaturadorError(
      'MOLONI_UNAVAILABLE',
      `Moloni is unavailable (HTTP 503) on ${endpoint}.`,
      details,
    );
  }
  return new FaturadorError('MOLONI_BAD_GATEWAY', `Moloni answered HTTP ${status} on ${endpoint}.`, details);
}

export function invalidBody(
  endpoint: string,
  status: number,
  kind: CallKind,
  contentType: string,
): FaturadorError {
  // A 200 with an unreadable body after an insert may still have committed it.
  const outcome: CallOutcome = kind === 'write' ? 'unknown' : 'not_applied';
  return new FaturadorError(
    'MOLONI_BAD_GATEWAY',
    `Moloni answered ${endpoint} with a body that is not the expected JSON (HTTP ${status}, ${contentType || 'no content type'}).`,
    { provider: 'moloni', endpoint, status, contentType, outcome },
  );
}

export function unexpectedShape(endpoint: string, kind: CallKind, expected: string): FaturadorError {
  const outcome: CallOutcome = kind === 'write' ? 'unknown' : 'not_applied';
  return new FaturadorError('MOLONI_BAD_GATEWAY', `Moloni answered ${endpoint} without ${expected}.`, {
    provider: 'moloni',
    endpoint,
    outcome,
  });
}

/** undici/Node error codes raised before a single byte of the request left the machine. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const CONNECT_TIMEOUT = 'UND_ERR_CONNECT_TIMEOUT';

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    // Our overall deadline (AbortSignal.timeout) rejects with a DOMException named TimeoutError.
    if ((current as { name?: unknown }).name === 'TimeoutError') return 'DEADLINE_EXCEEDED';
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A request that got no complete answer. Only a refused or timed-out connection is certain not to
 * have reached Moloni; a timeout or a dropped connection after sending leaves a write's outcome
 * unknown, which is the case that duplicates invoices if retried blindly.
 */
export function networkError(endpoint: string, kind: CallKind, error: unknown): FaturadorError {
  const code = errorCode(error) ?? 'UNKNOWN';
  const sent = !NOT_SENT.has(code) && code !== CONNECT_TIMEOUT;
  const outcome: CallOutcome = kind === 'write' && sent ? 'unknown' : 'not_applied';
  const details = { provider: 'moloni', endpoint, reason: code, outcome };
  if (NOT_SENT.has(code)) {
    return new FaturadorError(
      'MOLONI_UNAVAILABLE',
      `Moloni could not be reached (${code}) on ${endpoint}.`,
      details,
    );
  }
  const what = /TIMEOUT|DEADLINE/.test(code) ? 'timed out' : 'dropped the connection';
  const unknown = outcome === 'unknown' ? ' The write may have been applied: reconcile before retrying.' : '';
  return new FaturadorError('MOLONI_TIMEOUT', `Moloni ${what} (${code}) on ${endpoint}.${unknown}`, details);
}

export function outcomeOf(error: unknown): CallOutcome | undefined {
  if (!(error instanceof FaturadorError) || error.details === null) return undefined;
  const outcome = error.details.outcome;
  return outcome === 'unknown' || outcome === 'not_applied' ? outcome : undefined;
}
