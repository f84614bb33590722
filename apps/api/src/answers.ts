import {
  type AcceptedBody,
  type DocumentActionBody,
  type DocumentView,
  type EmailAcceptedBody,
  ERROR_STATUS,
  type ErrorEnvelope,
  errorEnvelope,
  FaturadorError,
  type StatusBody,
  type StillProcessingDetails,
  type SuccessEnvelope,
} from '@faturador/core';
import { type ActionResult, type PdfLinkSigner, relatedDocument, type Submission } from '@faturador/issuing';
import type { LedgerEntry, LifecycleAction } from '@faturador/store';

// The HTTP side of issuing: the service layer answers in the domain (a ledger entry and how far it
// got), and this module turns that into the status and body of the one contract (core's schemas).

/** An answer and its HTTP status; the bodies' shapes are core's response schemas (the one contract). */
export interface HttpAnswer {
  status: number;
  body: SuccessEnvelope | ErrorEnvelope | AcceptedBody | StatusBody;
}

function documentOf(entry: LedgerEntry, pdfLinks: PdfLinkSigner): DocumentView | null {
  if (!entry.document) return null;
  // Drafts have no PDF in Moloni; final documents get a fresh signed link on every answer.
  const pdf_url =
    entry.document.status === 'final'
      ? pdfLinks.url(entry.requestId, entry.document.moloni_document_id)
      : null;
  const { customer_name: _platformName, ...view } = entry.document;
  return { ...view, pdf_url };
}

/** The answer every caller of this request gets, the first time and on every retry. */
export function finalAnswer(entry: LedgerEntry, pdfLinks: PdfLinkSigner): HttpAnswer {
  const document = documentOf(entry, pdfLinks);
  if (entry.state === 'issued' && document) {
    return {
      status: 201,
      body: { success: true, request_id: entry.requestId, reference: entry.reference, document },
    };
  }
  const error = entry.error ?? { code: 'INTERNAL_ERROR', message: 'The request failed.', details: null };
  return {
    // The ledger keeps the status the first answer had, so that an identical replay gets it again.
    status: entry.httpStatus ?? ERROR_STATUS[error.code],
    body: errorEnvelope(entry.requestId, error),
  };
}

function statusUrl(publicUrl: string, requestId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/api/v1/invoices/${requestId}`;
}

/** The synchronous budget ran out: the request goes on, and a retry with the same key gets its result. */
function stillProcessingAnswer(entry: LedgerEntry, publicUrl: string): HttpAnswer {
  const details: StillProcessingDetails = {
    request_id: entry.requestId,
    state: entry.state,
    status_url: statusUrl(publicUrl, entry.requestId),
    retry_with_same_idempotency_key: true,
    attempts: entry.attempts ?? 0,
    next_attempt_at: entry.nextAttemptAt ?? null,
    last_error: entry.lastError ?? null,
  };
  const error = new FaturadorError(
    'MOLONI_TIMEOUT',
    'The document is still being issued. Retry with the same Idempotency-Key to get the final result.',
    details,
  );
  return { status: 504, body: errorEnvelope(entry.requestId, error) };
}

function acceptedAnswer(entry: LedgerEntry, publicUrl: string): HttpAnswer {
  return {
    status: 202,
    body: {
      success: true,
      request_id: entry.requestId,
      reference: entry.reference,
      state: entry.state,
      status_url: statusUrl(publicUrl, entry.requestId),
    },
  };
}

export function statusAnswer(entry: LedgerEntry, pdfLinks: PdfLinkSigner): HttpAnswer {
  return {
    status: 200,
    body: {
      success: true,
      request_id: entry.requestId,
      reference: entry.reference,
      state: entry.state,
      document: documentOf(entry, pdfLinks),
      error: entry.state === 'failed' ? entry.error : null,
      created_at: entry.createdAt,
      updated_at: entry.updatedAt,
      attempts: entry.attempts ?? 0,
      next_attempt_at: entry.state === 'failed' ? null : (entry.nextAttemptAt ?? null),
      last_error: entry.lastError ?? null,
    },
  };
}

/** What a submission answers over HTTP: the final answer, a 202, or the 504 that says "still running". */
export function submissionAnswer(
  submission: Submission,
  pdfLinks: PdfLinkSigner,
  publicUrl: string,
): HttpAnswer {
  if (submission.kind === 'final') return finalAnswer(submission.entry, pdfLinks);
  if (submission.kind === 'accepted') return acceptedAnswer(submission.entry, publicUrl);
  return stillProcessingAnswer(submission.entry, publicUrl);
}

export interface ActionHttpAnswer {
  status: number;
  body: DocumentActionBody | EmailAcceptedBody | ErrorEnvelope;
}

function documentType(action: LifecycleAction, entry: { document: { type: string } | null }) {
  if (action.kind === 'credit_note') return 'credit_note' as const;
  if (action.kind === 'receipt') return 'receipt' as const;
  return (entry.document?.type ?? 'invoice_receipt') as 'invoice_receipt' | 'invoice' | 'simplified_invoice';
}

/** The answer every caller of this action gets, the first time and on every retry. */
function settledActionAnswer(
  action: LifecycleAction,
  entry: { document: { type: string } | null },
): ActionHttpAnswer {
  if (action.state === 'failed' || action.error) {
    const error = action.error ?? {
      code: 'INTERNAL_ERROR' as const,
      message: 'The action failed.',
      details: null,
    };
    return { status: action.httpStatus ?? 500, body: errorEnvelope(action.requestId, error) };
  }
  const outcome = action.outcome ?? {};
  return {
    status: action.kind === 'delete' ? 200 : 201,
    body: {
      success: true,
      request_id: action.requestId,
      action_id: action.actionId,
      action: action.kind,
      reference: action.reference,
      document: action.document
        ? {
            type: documentType(action, entry),
            moloni_document_id: action.document.moloniDocumentId,
            number: action.document.number,
            total: action.document.totalCents / 100,
            created_at: action.document.createdAt,
          }
        : null,
      open_amount: typeof outcome.open_amount === 'number' ? outcome.open_amount : null,
      fully_credited: typeof outcome.fully_credited === 'boolean' ? outcome.fully_credited : null,
    },
  };
}

/** 202, the first time and on every retry with the key: where the e-mail stands now. */
function emailAnswer(action: LifecycleAction, publicUrl: string): ActionHttpAnswer {
  const view = relatedDocument(action);
  const state = view?.state;
  return {
    status: 202,
    body: {
      success: true,
      request_id: action.requestId,
      action_id: action.actionId,
      action: 'email',
      to: String(action.input.to ?? ''),
      state:
        state === 'sending' || state === 'sent' || state === 'failed' || state === 'in_doubt'
          ? state
          : 'queued',
      error: action.error,
      status_url: statusUrl(publicUrl, action.requestId),
    },
  };
}

/** What an action on a document answers over HTTP: its result, a 202 for an e-mail, or the 504. */
export function actionAnswer(result: ActionResult, publicUrl: string): ActionHttpAnswer {
  if (result.kind === 'settled') return settledActionAnswer(result.action, result.entry);
  if (result.kind === 'accepted') return emailAnswer(result.action, publicUrl);
  const error = new FaturadorError(
    'MOLONI_TIMEOUT',
    'The action is still running. Retry with the same Idempotency-Key to get the final result.',
    { action_id: result.action.actionId, retry_with_same_idempotency_key: true },
  );
  return { status: 504, body: errorEnvelope(result.action.requestId, error) };
}
