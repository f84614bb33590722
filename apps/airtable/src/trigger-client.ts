import { explainError } from '@faturador/core/error-texts';
import type { ExtensionConfig } from './config.ts';

/** The only backend call the extension makes to issue: "issue this record of this base". */
export const TRIGGER_PATH = '/api/v1/record-triggers/airtable';

/** Past this, the extension stops waiting for an answer (the backend's own budget is 10 s). */
export const TRIGGER_TIMEOUT_MS = 25_000;

export type TriggerResult =
  | {
      kind: 'issued';
      number: string | null;
      status: 'final' | 'draft';
      requestId: string | null;
      issuedAt: string | null;
    }
  /** Accepted, or still running after the sync budget: the backend writes the result to the record. */
  | { kind: 'pending' }
  /** No answer (network, or no answer in time): the record may still be issued; retrying is safe. */
  | { kind: 'in-doubt'; code: string; message: string }
  | { kind: 'already-issued'; number: string | null }
  | {
      kind: 'failed';
      code: string;
      message: string;
      retryable: boolean;
      retryAfterMs?: number;
      /** Faturador writes this failure to the record itself (its deliver step): nothing to add. */
      recordWritten?: boolean;
    };

/**
 * The refusals Faturador answers before any request or notice exists for the record — a key it
 * does not accept, a base it does not know or cannot read, its own or Airtable's limit — and so
 * cannot write to the record; the extension writes those. Every other failure (a record that
 * cannot be invoiced, Moloni's refusal, a draft left for review) reaches the record through
 * Faturador's deliver step, with more detail than the extension has: writing it again could only
 * race with it.
 */
const BEFORE_ANY_REQUEST = new Set([
  'AUTH_ERROR',
  'IP_NOT_ALLOWED',
  'NOT_FOUND',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'CONNECTION_NOT_CONFIGURED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INTERNAL_ERROR',
]);

export function writtenByFaturador(code: string, message: string): boolean {
  // A record the mapping refuses gets its notice; a refused table_id does not.
  if (code === 'VALIDATION_ERROR') return message.startsWith('O registo ');
  return !BEFORE_ANY_REQUEST.has(code);
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

interface Envelope {
  success?: boolean;
  request_id?: string;
  document?: { number?: string | null; status?: 'final' | 'draft'; created_at?: string };
  error?: { code?: string; message?: string; details?: Record<string, unknown> | null };
}

/**
 * An error answer in the words of the people who read the extension: core's text for the code (as
 * worded for Airtable), then the code and the request id for support. The backend's English
 * message is for programs and is not shown; its own refusals of a record are Portuguese already.
 */
export function describeFailure(code: string, message: string, requestId: string | null = null): string {
  if (code === 'VALIDATION_ERROR' && message.startsWith('O registo ')) return message;
  const { title, action } = explainError(code, 'pt', 'airtable');
  const reference = requestId ? `código ${code}, pedido ${requestId}` : `código ${code}`;
  return `${title} ${action} (${reference})`;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

export async function triggerRecord(
  config: Pick<ExtensionConfig, 'backendUrl' | 'clientId' | 'apiKey' | 'apiSecret'>,
  target: { baseId: string; tableId: string; recordId: string },
  fetchImpl: FetchLike = (url, init) => fetch(url, init),
  timeoutMs = TRIGGER_TIMEOUT_MS,
): Promise<TriggerResult> {
  let response: Response;
  let body: Envelope;
  try {
    response = await fetchImpl(`${config.backendUrl}${TRIGGER_PATH}?wait=sync`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Client-Id': config.clientId,
        'X-Api-Key': config.apiKey,
        'X-Api-Secret': config.apiSecret,
      },
      body: JSON.stringify({ base_id: target.baseId, table_id: target.tableId, record_id: target.recordId }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    body = (await response.json().catch(() => ({}))) as Envelope;
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const code = timedOut ? 'API_TIMEOUT' : 'API_UNREACHABLE';
    return { kind: 'in-doubt', code, message: describeFailure(code, '') };
  }
  const requestId = body.request_id ?? response.headers.get('x-request-id');
  if (response.status === 201 || response.status === 200) {
    return {
      kind: 'issued',
      number: body.document?.number ?? null,
      status: body.document?.status === 'draft' ? 'draft' : 'final',
      requestId: requestId ?? null,
      issuedAt: body.document?.created_at ?? null,
    };
  }
  if (response.status === 202) return { kind: 'pending' };
  const code = body.error?.code ?? (response.status >= 500 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR');
  const details = body.error?.details ?? null;
  if (details?.retry_with_same_idempotency_key === true) return { kind: 'pending' };
  if (code === 'REFERENCE_ALREADY_ISSUED') {
    const document = details?.document as { number?: string | null } | null | undefined;
    const number = typeof details?.number === 'string' ? details.number : (document?.number ?? null);
    return { kind: 'already-issued', number };
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  const message = body.error?.message ?? '';
  return {
    kind: 'failed',
    code,
    message: describeFailure(code, message, requestId),
    retryable: RETRYABLE_STATUS.has(response.status),
    recordWritten: writtenByFaturador(code, message),
    ...(response.status === 429 || response.status === 503
      ? { retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 5_000 }
      : {}),
  };
}
