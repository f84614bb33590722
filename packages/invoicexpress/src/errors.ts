import { FaturadorError } from '@faturador/core';

/**
 * How InvoiceXpress's answers become FaturadorErrors (README, "Errors"). Every error carries
 * `details.provider: "invoicexpress"`, the endpoint, and `details.outcome`: `not_applied` when the
 * call certainly changed nothing, `unknown` when a write may have been applied — the only case in
 * which the caller must look for the document by reference before writing again.
 *
 *   answer                                    code                               outcome of a write
 *   401                                       INVOICEXPRESS_CONNECTION_FAILED    not applied (cause key_refused)
 *   404 on a route that exists, 3xx, ENOTFOUND INVOICEXPRESS_CONNECTION_FAILED    not applied (account_not_found / unknown_host)
 *   422 error list (any of its shapes), 406    INVOICEXPRESS_BUSINESS_ERROR       not applied
 *   409 (repeated proprietary_uid)            INVOICEXPRESS_BUSINESS_ERROR       unknown (duplicate_prevented)
 *   429 not waited out                        INVOICEXPRESS_UNAVAILABLE          not applied (retryAfterMs)
 *   503 / connection refused, EAI_AGAIN       INVOICEXPRESS_UNAVAILABLE          unknown / not applied
 *   504, deadline, reset, dropped              INVOICEXPRESS_TIMEOUT              unknown
 *   connect timeout                           INVOICEXPRESS_TIMEOUT              not applied
 *   other 5xx, unreadable 2xx                 INVOICEXPRESS_BAD_GATEWAY          unknown
 */

/** `read` calls change nothing; `write` calls (create, update, state changes, payments) may. */
export type CallKind = 'read' | 'write';
export type CallOutcome = 'not_applied' | 'unknown';

export type ConnectionCause =
  | 'key_refused'
  | 'key_missing'
  | 'account_not_found'
  | 'account_invalid'
  | 'unknown_host';

const PROVIDER = 'invoicexpress';

function outcomeFor(kind: CallKind, applied: boolean): CallOutcome {
  return kind === 'write' && applied ? 'unknown' : 'not_applied';
}

/** Every message of a 422 body, whatever its shape (the reference lists five). */
export function errorMessages(body: unknown): string[] {
  const out: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 5 || value === null || value === undefined) return;
    if (typeof value === 'string') {
      if (value.trim() !== '') out.push(value.trim());
      return;
    }
    if (Array.isArray(value)) {
      for (const entry of value) visit(entry, depth + 1);
      return;
    }
    if (typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if ('errors' in record) visit(record.errors, depth + 1);
      else if ('error' in record) visit(record.error, depth + 1);
      else for (const entry of Object.values(record)) visit(entry, depth + 1);
    }
  };
  visit(body, 0);
  return out;
}

export function connectionFailed(
  cause: ConnectionCause,
  message: string,
  extra: Record<string, unknown> = {},
): FaturadorError {
  return new FaturadorError('INVOICEXPRESS_CONNECTION_FAILED', message, {
    provider: PROVIDER,
    cause,
    outcome: 'not_applied' satisfies CallOutcome,
    ...extra,
  });
}

export function businessError(endpoint: string, status: number, messages: string[]): FaturadorError {
  const summary = messages.length > 0 ? messages.join('; ') : `HTTP ${status}`;
  return new FaturadorError(
    'INVOICEXPRESS_BUSINESS_ERROR',
    `InvoiceXpress rejected ${endpoint}: ${summary}`,
    {
      provider: PROVIDER,
      endpoint,
      status,
      errors: messages,
      outcome: 'not_applied' satisfies CallOutcome,
    },
  );
}

/**
 * 409 to a repeated `proprietary_uid`: InvoiceXpress's own load test reads it as "we've prevented
 * duplicates". Something exists already, so the outcome is unknown: look it up by reference.
 */
export function duplicatePrevented(endpoint: string, messages: string[]): FaturadorError {
  return new FaturadorError(
    'INVOICEXPRESS_BUSINESS_ERROR',
    `InvoiceXpress answered ${endpoint} with 409: a document with this proprietary_uid exists; look it up by reference.`,
    {
      provider: PROVIDER,
      endpoint,
      status: 409,
      reason: 'duplicate_prevented',
      errors: messages,
      outcome: 'unknown',
    },
  );
}

export function rateLimited(endpoint: string, retryAfterMs: number): FaturadorError {
  return new FaturadorError(
    'INVOICEXPRESS_UNAVAILABLE',
    `InvoiceXpress is throttling requests (HTTP 429) on ${endpoint}.`,
    { provider: PROVIDER, endpoint, status: 429, retryAfterMs, outcome: 'not_applied' satisfies CallOutcome },
  );
}

/** Our own limiter would make the call wait longer than the caller allows: nothing was sent. */
export function locallyThrottled(account: string, waitMs: number): FaturadorError {
  return new FaturadorError(
    'INVOICEXPRESS_UNAVAILABLE',
    `The request rate of InvoiceXpress account ${account} is at its limit; the next slot is in ${waitMs} ms.`,
    { provider: PROVIDER, reason: 'local_rate_limit', retryAfterMs: waitMs, outcome: 'not_applied' },
  );
}

export function httpFailure(endpoint: string, status: number, kind: CallKind): FaturadorError {
  const details = { provider: PROVIDER, endpoint, status, outcome: outcomeFor(kind, status >= 500) };
  if (status === 504) {
    return new FaturadorError(
      'INVOICEXPRESS_TIMEOUT',
      `InvoiceXpress timed out behind its gateway (HTTP 504) on ${endpoint}.`,
      details,
    );
  }
  if (status === 503) {
    return new FaturadorError(
      'INVOICEXPRESS_UNAVAILABLE',
      `InvoiceXpress is unavailable (HTTP 503) on ${endpoint}.`,
      details,
    );
  }
  return new FaturadorError(
    'INVOICEXPRESS_BAD_GATEWAY',
    `InvoiceXpress answered HTTP ${status} on ${endpoint}.`,
    details,
  );
}

export function invalidBody(endpoint: string, status: number, kind: CallKind, what: string): FaturadorError {
  return new FaturadorError(
    'INVOICEXPRESS_BAD_GATEWAY',
    `InvoiceXpress answered ${endpoint} (HTTP ${status}) without ${what}.`,
    { provider: PROVIDER, endpoint, status, outcome: outcomeFor(kind, true) },
  );
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const CONNECT_TIMEOUT = 'UND_ERR_CONNECT_TIMEOUT';

function errorCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    if ((current as { name?: unknown }).name === 'TimeoutError') return 'DEADLINE_EXCEEDED';
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return 'UNKNOWN';
}

/** A request that got no complete answer; only one never sent is certain not to have been applied. */
export function networkError(endpoint: string, kind: CallKind, error: unknown): FaturadorError {
  const code = errorCode(error);
  const sent = !NOT_SENT.has(code) && code !== CONNECT_TIMEOUT;
  const outcome = outcomeFor(kind, sent);
  if (code === 'ENOTFOUND') {
    return connectionFailed('unknown_host', `The InvoiceXpress account's host does not exist (${code}).`, {
      endpoint,
      reason: code,
    });
  }
  const details = { provider: PROVIDER, endpoint, reason: code, outcome };
  if (NOT_SENT.has(code)) {
    return new FaturadorError(
      'INVOICEXPRESS_UNAVAILABLE',
      `InvoiceXpress could not be reached (${code}) on ${endpoint}.`,
      details,
    );
  }
  const what = /TIMEOUT|DEADLINE/.test(code) ? 'timed out' : 'dropped the connection';
  const unknown = outcome === 'unknown' ? ' The write may have been applied: reconcile before retrying.' : '';
  return new FaturadorError(
    'INVOICEXPRESS_TIMEOUT',
    `InvoiceXpress ${what} (${code}) on ${endpoint}.${unknown}`,
    details,
  );
}

export function outcomeOf(error: unknown): CallOutcome | undefined {
  if (!(error instanceof FaturadorError) || error.details === null) return undefined;
  const outcome = error.details.outcome;
  return outcome === 'unknown' || outcome === 'not_applied' ? outcome : undefined;
}

/** A read worth repeating: the service's transient failures, never a refusal. */
export function isTransient(error: unknown): boolean {
  return (
    error instanceof FaturadorError &&
    ['INVOICEXPRESS_BAD_GATEWAY', 'INVOICEXPRESS_UNAVAILABLE', 'INVOICEXPRESS_TIMEOUT'].includes(
      error.code,
    ) &&
    error.details?.reason !== 'local_rate_limit'
  );
}
