import type { ActionKey } from './action-key.ts';
import { describeFailure, type FetchLike, TRIGGER_TIMEOUT_MS } from './trigger-client.ts';

/** The billing API's calls after issuing that the extension makes, on the request of a record. */
export const ACTION_PATHS = {
  credit_note: 'credit-notes',
  receipt: 'receipts',
} as const;

export type DocumentAction =
  | { kind: 'credit_note'; reason: string }
  | { kind: 'receipt'; amount?: number; paymentMethod?: string; date?: string };

export type ActionResult =
  | { kind: 'credited'; number: string | null; fullyCredited: boolean }
  | { kind: 'paid'; number: string | null; openAmount: number | null }
  | { kind: 'failed'; code: string; message: string; inDoubt: boolean };

interface ActionEnvelope {
  request_id?: string;
  document?: { number?: string | null } | null;
  open_amount?: number | null;
  fully_credited?: boolean | null;
  error?: { code?: string; message?: string };
}

/** A short, stable digest of a text (not a secret): the same reason gives the same key. */
function digest(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * The Idempotency-Key of an action on a record: a credit note is keyed by the record and its reason
 * (pressing twice, or retrying after no answer, replays the same credit note); a payment by the
 * record and the form it was typed in (`attempt`, new for each payment), so two equal payments on
 * one day are two receipts while a retry of one is not.
 */
export function actionIdempotencyKey(recordId: string, action: DocumentAction, attempt: string): string {
  return action.kind === 'credit_note'
    ? `airtable:${recordId}:nc:${digest(action.reason.trim())}`
    : `airtable:${recordId}:rc:${attempt}`;
}

export async function performAction(
  backendUrl: string,
  key: ActionKey,
  target: { requestId: string; recordId: string; attempt: string },
  action: DocumentAction,
  fetchImpl: FetchLike = (url, init) => fetch(url, init),
  timeoutMs = TRIGGER_TIMEOUT_MS,
): Promise<ActionResult> {
  const body =
    action.kind === 'credit_note'
      ? { reason: action.reason.trim() }
      : {
          ...(action.amount === undefined ? {} : { amount: action.amount }),
          ...(action.paymentMethod ? { payment_method: action.paymentMethod } : {}),
          ...(action.date ? { date: action.date } : {}),
        };
  let response: Response;
  let answer: ActionEnvelope;
  try {
    response = await fetchImpl(
      `${backendUrl}/api/v1/invoices/${encodeURIComponent(target.requestId)}/${ACTION_PATHS[action.kind]}`,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Idempotency-Key': actionIdempotencyKey(target.recordId, action, target.attempt),
          'X-Client-Id': key.clientId,
          'X-Api-Key': key.apiKey,
          'X-Api-Secret': key.apiSecret,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      },
    );
    answer = (await response.json().catch(() => ({}))) as ActionEnvelope;
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const code = timedOut ? 'API_TIMEOUT' : 'API_UNREACHABLE';
    return { kind: 'failed', code, message: describeFailure(code, ''), inDoubt: true };
  }
  if (response.status === 201 || response.status === 200) {
    const number = answer.document?.number ?? null;
    return action.kind === 'credit_note'
      ? { kind: 'credited', number, fullyCredited: answer.fully_credited === true }
      : { kind: 'paid', number, openAmount: answer.open_amount ?? null };
  }
  const code = answer.error?.code ?? (response.status >= 500 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR');
  return {
    kind: 'failed',
    code,
    message: describeFailure(code, answer.error?.message ?? '', answer.request_id ?? null),
    // Still running after the sync budget: the same key settles it.
    inDoubt: response.status === 504 || response.status === 502,
  };
}
