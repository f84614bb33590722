import {
  type AcceptedBody,
  type DocumentView,
  ERROR_STATUS,
  type ErrorEnvelope,
  errorEnvelope,
  FaturadorError,
  type StatusBody,
  type StillProcessingDetails,
  type SuccessEnvelope,
} from '@faturador/core';
import type { LedgerEntry } from '@faturador/store';
import type { PdfLinkSigner } from './pdf-links.ts';

export type { AcceptedBody, StatusBody } from '@faturador/core';

/** An answer and its HTTP status; the bodies' shapes are core's response schemas (the one contract). */
export interface HttpAnswer {
  status: number;
  body: SuccessEnvelope | ErrorEnvelope | AcceptedBody | StatusBody;
}

export function isFinal(entry: LedgerEntry): boolean {
  return entry.state === 'issued' || entry.state === 'failed';
}

function documentOf(entry: LedgerEntry, pdfLinks: PdfLinkSigner): DocumentView | null {
  if (!entry.document) return null;
  // Drafts have no PDF in Moloni; final documents get a fresh signed link on every answer.
  const pdf_url = entry.document.status === 'final' ? pdfLinks.url(entry.requestId) : null;
  return { ...entry.document, pdf_url };
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
    status: entry.httpStatus ?? ERROR_STATUS[error.code],
    body: errorEnvelope(entry.requestId, error),
  };
}

export function statusUrl(publicUrl: string, requestId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/api/v1/invoices/${requestId}`;
}

/** The synchronous budget ran out: the request goes on, and a retry with the same key gets its result. */
export function stillProcessingAnswer(entry: LedgerEntry, publicUrl: string): HttpAnswer {
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

export function acceptedAnswer(entry: LedgerEntry, publicUrl: string): HttpAnswer {
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
