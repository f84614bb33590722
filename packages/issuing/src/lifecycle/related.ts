// What a request's status shows of its document's life after issuing: the credit notes, receipts
// and e-mails its actions made, what is still open on an FT and what was credited. Read from our
// own records (each document's total as Moloni answered it), so a GET never waits on Moloni.
import type { RelatedDocument, RelatedFields, SerializedError } from '@faturador/core';
import { toCents } from '@faturador/core';
import type { LedgerEntry, LifecycleAction, LifecycleStore } from '@faturador/store';

const DOCUMENT_KINDS = new Set(['credit_note', 'receipt']);

type EmailState = 'queued' | 'sending' | 'sent' | 'failed' | 'in_doubt';

function emailState(action: LifecycleAction): EmailState {
  const recorded = action.outcome?.email_state;
  if (action.state === 'done') return 'sent';
  if (recorded === 'in_doubt' || action.error?.code === 'EMAIL_IN_DOUBT') return 'in_doubt';
  if (action.state === 'failed') return 'failed';
  return recorded === 'sending' ? 'sending' : 'queued';
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function relatedDocument(action: LifecycleAction): RelatedDocument | null {
  const error: SerializedError | null = action.error ?? null;
  if (action.kind === 'email') {
    return {
      type: 'email',
      action_id: action.actionId,
      reference: null,
      number: null,
      total: null,
      state: emailState(action),
      to: text(action.outcome?.to) ?? text(action.input.to),
      message_id: text(action.outcome?.message_id),
      sent_at: text(action.outcome?.sent_at),
      error,
      created_at: action.createdAt,
    };
  }
  if (!DOCUMENT_KINDS.has(action.kind)) return null;
  return {
    type: action.kind as 'credit_note' | 'receipt',
    action_id: action.actionId,
    reference: action.reference,
    number: action.document?.number ?? null,
    total: action.document ? action.document.totalCents / 100 : null,
    state: action.state === 'done' ? 'final' : action.state === 'failed' ? 'failed' : 'pending',
    to: null,
    message_id: null,
    sent_at: null,
    error,
    created_at: action.createdAt,
  };
}

/** The related documents and amounts of a request, from its actions (oldest first). */
export function relatedFields(entry: LedgerEntry, actions: readonly LifecycleAction[]): RelatedFields {
  const related = actions.map(relatedDocument).filter((item): item is RelatedDocument => item !== null);
  const document = entry.document;
  if (entry.state !== 'issued' || document?.status !== 'final') {
    return { related_documents: related, open_amount: null, credited_amount: null };
  }
  const sum = (kind: string) =>
    actions
      .filter((action) => action.kind === kind && action.state === 'done' && action.document)
      .reduce((total, action) => total + (action.document?.totalCents ?? 0), 0);
  const credited = sum('credit_note');
  // An FT is settled by receipts and by credit notes associated with it (Moloni's reconciled value).
  const open =
    document.type === 'invoice'
      ? Math.max(0, toCents(document.total_gross) - sum('receipt') - credited)
      : null;
  return {
    related_documents: related,
    open_amount: open === null ? null : open / 100,
    credited_amount: credited / 100,
  };
}

/** For the status route: the related fields of one request, read from the lifecycle store. */
export function createRelatedReader(actions: Pick<LifecycleStore, 'list'>) {
  return async (entry: LedgerEntry): Promise<RelatedFields> =>
    relatedFields(entry, await actions.list(entry.requestId));
}
