import { FaturadorError } from '@faturador/core';
import type { LedgerIncident } from '@faturador/store';
import type { FoundDocument } from './ports.ts';

/** What to do with the documents Moloni holds under a request's reference. */
export type Reconciliation =
  /** Moloni holds nothing for the reference: inserting is safe. */
  | { kind: 'none' }
  /** This document is the request's: complete it (close a draft) and answer with it. */
  | { kind: 'adopt'; document: FoundDocument; others: FoundDocument[] }
  /** Several closed documents carry the reference: an incident for the operator, never a third. */
  | { kind: 'incident'; closed: FoundDocument[] }
  /** The reference is used by a document that cannot be this request's (another total, cancelled). */
  | { kind: 'foreign'; document: FoundDocument };

const byId = (a: FoundDocument, b: FoundDocument) => a.documentId - b.documentId;

/**
 * Chooses deliberately among the documents found by our_reference, whatever order Moloni lists
 * them in: a closed document of the request's total wins; otherwise a draft of that total is the
 * one to complete (the oldest, if there are several). Another total is never adopted: a document
 * this request made has its total, so one that does not was made by someone else.
 */
export function reconcile(found: FoundDocument[], totalGrossCents: number): Reconciliation {
  const sameTotal = (document: FoundDocument) =>
    document.totalGrossCents === null || document.totalGrossCents === totalGrossCents;
  const live = found.filter((document) => document.status !== 'cancelled').sort(byId);
  const closed = live.filter((document) => document.status === 'final');
  if (closed.length > 1) return { kind: 'incident', closed };
  const [onlyClosed] = closed;
  const others = (chosen: FoundDocument) => live.filter((document) => document !== chosen);
  if (onlyClosed) {
    return sameTotal(onlyClosed)
      ? { kind: 'adopt', document: onlyClosed, others: others(onlyClosed) }
      : { kind: 'foreign', document: onlyClosed };
  }
  const draft = live.find(sameTotal);
  if (draft) return { kind: 'adopt', document: draft, others: others(draft) };
  const [first] = [...live, ...found];
  return first ? { kind: 'foreign', document: first } : { kind: 'none' };
}

const euros = (cents: number | null) => (cents === null ? null : cents / 100);

export function foreignDocumentError(
  document: FoundDocument,
  reference: string,
  expectedCents: number,
): FaturadorError {
  const name = document.number ?? document.documentId;
  const why =
    document.status === 'cancelled'
      ? 'which was cancelled'
      : `for another total (${euros(document.totalGrossCents)} EUR)`;
  return new FaturadorError(
    'REFERENCE_ALREADY_ISSUED',
    `Moloni already has document ${name} with reference ${reference}, ${why}.`,
    {
      document_id: document.documentId,
      number: document.number,
      status: document.status,
      total_gross: euros(document.totalGrossCents),
      expected_total_gross: euros(expectedCents),
    },
  );
}

export function duplicateIncident(closed: FoundDocument[], reference: string, at: Date): LedgerIncident {
  return {
    kind: 'duplicate_documents',
    message: `Moloni holds ${closed.length} closed documents with reference ${reference}; all but one must be cancelled with a credit note.`,
    documents: closed.map((document) => ({
      moloni_document_id: document.documentId,
      number: document.number,
      status: document.status,
      total_gross: euros(document.totalGrossCents),
    })),
    detected_at: at.toISOString(),
  };
}

export function duplicateDocumentsError(incident: LedgerIncident): FaturadorError {
  return new FaturadorError(
    'DUPLICATE_DOCUMENTS',
    `${incident.message} Nothing more was issued; an operator has been alerted.`,
    { documents: incident.documents, incident: incident.kind },
  );
}
