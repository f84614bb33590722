// One attempt of a lifecycle job: finalize or delete a draft, credit a final document, settle an
// FT. The same rules as issuing: persist Moloni's id the moment it exists, and after anything
// ambiguous (a retry, a crash mid-call) look for what a previous attempt made before writing again.
import {
  type CreditInput,
  type DocumentView,
  FaturadorError,
  type InvoiceRequest,
  isFaturadorError,
  type ReceiptInput,
  roundToCents,
} from '@faturador/core';
import type { CreditLine, DetailedDocument, LifecycleDocument, LifecycleService } from '@faturador/moloni';
import { openAmountCents } from '@faturador/moloni';
import type { ActionDocument, LedgerEntry, LifecycleAction, LifecycleStore } from '@faturador/store';
import type { IssuedDocument } from '../ports.ts';
import { toDocumentView } from '../process-issue.ts';
import { type EmailChannel, emailDocument, type Mailer, smtpChannel } from './email.ts';

/** What lifecycle jobs need of a Moloni account (the Moloni client provides it). */
export interface LifecycleMoloni {
  completeDocument(documentId: number, request: InvoiceRequest): Promise<IssuedDocument>;
  /** The PDF of a closed document (what an e-mail attaches). */
  downloadPdf(documentId: number): Promise<Uint8Array>;
  readonly lifecycle: LifecycleService;
  /**
   * A platform whose credit notes and receipts are not Moloni's brings its own, with the same
   * rules (reconcile by reference after anything ambiguous, persist the id the moment it exists).
   */
  readonly platform?: PlatformLifecycle;
}

export interface PlatformLifecycle {
  creditNote(
    action: LifecycleAction,
    entry: LedgerEntry,
    ambiguous: boolean,
    deps: ActionDeps,
  ): Promise<Done>;
  receipt(action: LifecycleAction, entry: LedgerEntry, ambiguous: boolean, deps: ActionDeps): Promise<Done>;
  deleteDraft(entry: LedgerEntry): Promise<Done>;
  /** How this platform e-mails a document itself; without one, our SMTP server sends it. */
  emailChannel?(document: DocumentView, deps: ActionDeps): EmailChannel;
}

export interface ActionDeps {
  ledger: {
    get(requestId: string): Promise<LedgerEntry | null>;
    replaceDocument(requestId: string, document: ReturnType<typeof toDocumentView>): Promise<void>;
  };
  actions: LifecycleStore;
  moloniFor: (connectionId: string | null) => Promise<LifecycleMoloni>;
  /** How e-mails leave (SMTP); null when the installation has none configured. */
  mailer?: Mailer | null;
  now?: () => Date;
  logger?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export interface ActionAttempt {
  actionId: string;
  attemptsMade: number;
  maxAttempts: number;
}

export type ActionOutcome =
  | { kind: 'done' }
  | { kind: 'retry'; error: FaturadorError }
  /** Another action on the request runs: try again at `untilMs`, without spending an attempt. */
  | { kind: 'wait'; untilMs: number }
  | { kind: 'failed'; error: FaturadorError };

export interface Done {
  document: ActionDocument | null;
  outcome: Record<string, unknown> | null;
}

const LOCK_TTL_MS = 60_000;
const LOCK_WAIT_MS = 250;

function asFaturadorError(error: unknown): FaturadorError {
  if (isFaturadorError(error)) return error;
  return new FaturadorError(
    'MOLONI_TIMEOUT',
    'The outcome of the call to Moloni is unknown.',
    { outcome: 'unknown' },
    {
      cause: error,
    },
  );
}

const today = (now: Date) => now.toISOString().slice(0, 10);

function viewOf(document: LifecycleDocument, createdAt: string): ActionDocument {
  return {
    moloniDocumentId: document.documentId,
    number: document.number,
    totalCents: document.totalCents,
    createdAt,
  };
}

/** The request's document, which must exist in Moloni and be final for a credit note or receipt. */
function issuedDocumentOf(entry: LedgerEntry, deleted: boolean) {
  const document = entry.document;
  if (entry.state !== 'issued' || !document || deleted) {
    throw new FaturadorError('DOCUMENT_NOT_FINAL', `Request ${entry.requestId} has no document to act on.`, {
      state: entry.state,
      deleted,
    });
  }
  return document;
}

/** Credit notes and receipts are for final documents only: a draft is finalized (or deleted) first. */
export function finalDocumentOf(entry: LedgerEntry) {
  const document = issuedDocumentOf(entry, false);
  if (document.status !== 'final') {
    throw new FaturadorError(
      'DOCUMENT_NOT_FINAL',
      `Request ${entry.requestId}'s document is still a draft: finalize it first.`,
      {
        status: document.status,
      },
    );
  }
  return document;
}

/** What a receipt may collect: the amount asked (all that is open by default), never more than is open. */
export function payableAmount(
  number: string | null,
  openCents: number,
  askedCents: number | undefined,
): number {
  if (openCents === 0) {
    throw new FaturadorError('DOCUMENT_ALREADY_PAID', `${number} has nothing left to pay.`, {
      open_amount: 0,
    });
  }
  const amount = askedCents ?? openCents;
  if (amount > openCents) {
    throw new FaturadorError(
      'AMOUNT_EXCEEDS_OPEN',
      `${number} has ${(openCents / 100).toFixed(2)} open; ${(amount / 100).toFixed(2)} cannot be paid.`,
      { open_amount: openCents / 100, amount: amount / 100 },
    );
  }
  return amount;
}

const roundQty = (value: number) => Math.round(value * 1e6) / 1e6;

/** The lines to credit: every line left by default, or the chosen lines (1-based), checked against what remains. */
export function creditLines(
  original: DetailedDocument,
  unrelated: CreditLine['line'][],
  input: CreditInput,
): CreditLine[] {
  const products = (original as { products?: Array<{ document_product_id?: number }> }).products ?? [];
  const left = new Map(unrelated.map((line) => [line.document_product_id, line]));
  if (!input.items) {
    if (unrelated.length === 0) {
      throw new FaturadorError('CREDIT_EXCEEDS_REMAINING', 'Nothing is left to credit on this document.', {
        remaining: [],
      });
    }
    return unrelated.map((line) => ({ line, qty: Number(line.qty), price: Number(line.price) }));
  }
  // Units asked so far per original line: two items naming one line share what remains of it.
  const asked = new Map<number, number>();
  return input.items.map((item, index) => {
    const id = products[item.line - 1]?.document_product_id;
    const line = id === undefined ? undefined : left.get(id);
    if (id === undefined) {
      throw new FaturadorError(
        'VALIDATION_ERROR',
        `items[${index}].line is invalid: the document has no line ${item.line}.`,
        {
          issues: [{ path: `items[${index}].line`, reason: `the document has ${products.length} line(s)` }],
        },
      );
    }
    const before = asked.get(id) ?? 0;
    const remaining = line ? Math.max(0, roundQty(Number(line.qty) - before)) : 0;
    const qty = item.quantity ?? remaining;
    if (!line || qty > remaining + 1e-9 || qty <= 0) {
      throw new FaturadorError(
        'CREDIT_EXCEEDS_REMAINING',
        `Line ${item.line} has ${remaining} unit(s) left to credit${before ? ' after the items before' : ''}; ${qty} were asked.`,
        { line: item.line, remaining_quantity: remaining, quantity: qty },
      );
    }
    asked.set(id, before + qty);
    let price = Number(line.price);
    if (item.grossPriceCents !== undefined) {
      const vat = (line.taxes ?? []).reduce((sum, tax) => sum + Number(tax.value ?? 0), 0);
      const originalGross = roundToCents(price * (1 - Number(line.discount ?? 0) / 100) * (1 + vat / 100));
      if (item.grossPriceCents > originalGross) {
        throw new FaturadorError(
          'CREDIT_EXCEEDS_REMAINING',
          `Line ${item.line} was sold at ${(originalGross / 100).toFixed(2)} per unit; ${(item.grossPriceCents / 100).toFixed(2)} cannot be credited.`,
          { line: item.line, gross_price: originalGross / 100 },
        );
      }
      price = Number(
        (item.grossPriceCents / 100 / (1 + vat / 100) / (1 - Number(line.discount ?? 0) / 100)).toFixed(10),
      );
      // The net price is rounded to 10 decimals: never let that rounding credit a cent more per line
      // than the units were sold at.
      const credited = roundToCents(qty * price * (1 - Number(line.discount ?? 0) / 100) * (1 + vat / 100));
      if (credited > Math.round(qty * originalGross)) {
        throw new FaturadorError(
          'CREDIT_EXCEEDS_REMAINING',
          `Line ${item.line}: ${qty} unit(s) at ${(item.grossPriceCents / 100).toFixed(2)} exceed what remains of it.`,
          { line: item.line, gross_price: originalGross / 100 },
        );
      }
    }
    return { line, qty, price };
  });
}

async function creditNote(
  action: LifecycleAction,
  entry: LedgerEntry,
  moloni: LifecycleMoloni,
  ambiguous: boolean,
  deps: ActionDeps,
): Promise<Done> {
  const issued = finalDocumentOf(entry);
  const { lifecycle } = moloni;
  const reference = action.reference ?? '';
  const paidOnIssue = issued.type !== 'invoice';
  const createdAt = new Date().toISOString();
  let documentId = action.moloniDocumentId;
  if (documentId === null && ambiguous) {
    const [found] = await lifecycle.findCreditNotes(reference);
    if (found) {
      deps.logger?.warn(
        { actionId: action.actionId, documentId: found.documentId },
        'adopting a credit note found by reference',
      );
      documentId = found.documentId;
      await deps.actions.recordDocumentId(action.actionId, documentId);
    }
  }
  const original = await lifecycle.document(issued.moloni_document_id);
  if (documentId === null) {
    const input = action.input as unknown as CreditInput;
    const lines = creditLines(original, await lifecycle.unrelatedLines(issued.moloni_document_id), input);
    documentId = await lifecycle.insertCreditNote({
      original,
      paidOnIssue,
      ourReference: reference,
      reason: input.reason,
      lines,
      valueCents: 0,
      date: today(deps.now?.() ?? new Date()),
    });
    await deps.actions.recordDocumentId(action.actionId, documentId);
  }
  let note = await lifecycle.document(documentId);
  if (lifecycle.describe(note, 'NC').status === 'draft') {
    const value = paidOnIssue ? 0 : Number(note.net_value ?? 0);
    await lifecycle.closeCreditNote(
      documentId,
      [{ associated_id: original.document_id, value }],
      Number(note.net_value ?? 0),
    );
    note = await lifecycle.document(documentId);
  }
  const described = lifecycle.describe(note, 'NC');
  const after = await lifecycle.unrelatedLines(issued.moloni_document_id);
  return {
    document: viewOf(described, createdAt),
    outcome: { fully_credited: after.length === 0 },
  };
}

async function receipt(
  action: LifecycleAction,
  entry: LedgerEntry,
  moloni: LifecycleMoloni,
  ambiguous: boolean,
  deps: ActionDeps,
): Promise<Done> {
  const issued = finalDocumentOf(entry);
  if (issued.type !== 'invoice') {
    throw new FaturadorError(
      'DOCUMENT_ALREADY_PAID',
      `${issued.number ?? 'The document'} was paid when it was issued (it is not an FT).`,
      {
        type: issued.type,
      },
    );
  }
  const { lifecycle } = moloni;
  const reference = action.reference ?? '';
  const createdAt = new Date().toISOString();
  const invoice = await lifecycle.document(issued.moloni_document_id);
  let documentId = action.moloniDocumentId;
  if (documentId === null && ambiguous) {
    const [found] = await lifecycle.findReceipts(invoice, reference);
    if (found) {
      deps.logger?.warn(
        { actionId: action.actionId, documentId: found.documentId },
        'adopting a receipt found by reference',
      );
      documentId = found.documentId;
      await deps.actions.recordDocumentId(action.actionId, documentId);
    }
  }
  if (documentId === null) {
    const input = action.input as unknown as ReceiptInput;
    const amount = payableAmount(issued.number, openAmountCents(invoice), input.amountCents);
    documentId = await lifecycle.insertReceipt({
      invoice,
      ourReference: reference,
      amountCents: amount,
      date: input.date ?? today(deps.now?.() ?? new Date()),
      paymentMethod: input.paymentMethod,
    });
    await deps.actions.recordDocumentId(action.actionId, documentId);
  }
  const described = lifecycle.describe(await lifecycle.document(documentId), 'RE');
  const open = openAmountCents(await lifecycle.document(issued.moloni_document_id));
  return { document: viewOf(described, createdAt), outcome: { open_amount: open / 100 } };
}

async function finalize(entry: LedgerEntry, moloni: LifecycleMoloni, deps: ActionDeps): Promise<Done> {
  const document = issuedDocumentOf(entry, false);
  if (document.status === 'final') {
    throw new FaturadorError('DOCUMENT_FINAL', `${document.number} is already final.`, {
      number: document.number,
    });
  }
  // Verifies Moloni's total against the request to the cent, then closes; a document a previous
  // attempt closed is returned as it is.
  const closed = await moloni.completeDocument(document.moloni_document_id, {
    ...entry.request,
    status: 'final',
  });
  const view = toDocumentView(closed);
  await deps.ledger.replaceDocument(entry.requestId, view);
  return {
    document: {
      moloniDocumentId: closed.documentId,
      number: closed.number,
      totalCents: closed.totalGrossCents,
      createdAt: view.created_at,
    },
    outcome: null,
  };
}

/** The request's draft, which is all a delete may remove (a final document is credited instead). */
export function draftOf(entry: LedgerEntry) {
  const document = issuedDocumentOf(entry, false);
  if (document.status === 'final') {
    throw new FaturadorError('DOCUMENT_FINAL', `${document.number} is final: cancel it with a credit note.`, {
      number: document.number,
    });
  }
  return document;
}

async function deleteDraft(entry: LedgerEntry, moloni: LifecycleMoloni, ambiguous: boolean): Promise<Done> {
  const document = draftOf(entry);
  if (ambiguous) {
    // A delete that went through before the answer was lost leaves nothing to find.
    const gone = await moloni.lifecycle.document(document.moloni_document_id).then(
      () => false,
      (error: unknown) => isFaturadorError(error) && error.code === 'NOT_FOUND',
    );
    if (gone) return { document: null, outcome: { deleted: true } };
  }
  await moloni.lifecycle.deleteDraft(document.type, document.moloni_document_id);
  return { document: null, outcome: { deleted: true } };
}

async function run(
  action: LifecycleAction,
  entry: LedgerEntry,
  ambiguous: boolean,
  deps: ActionDeps,
): Promise<Done> {
  const history = await deps.actions.list(entry.requestId);
  const deleted = history.some((other) => other.kind === 'delete' && other.state === 'done');
  if (deleted) issuedDocumentOf(entry, true);
  const moloni = await deps.moloniFor(entry.connectionId);
  switch (action.kind) {
    case 'credit_note':
      return moloni.platform
        ? moloni.platform.creditNote(action, entry, ambiguous, deps)
        : creditNote(action, entry, moloni, ambiguous, deps);
    case 'receipt':
      return moloni.platform
        ? moloni.platform.receipt(action, entry, ambiguous, deps)
        : receipt(action, entry, moloni, ambiguous, deps);
    case 'finalize':
      return finalize(entry, moloni, deps);
    case 'delete':
      return moloni.platform ? moloni.platform.deleteDraft(entry) : deleteDraft(entry, moloni, ambiguous);
    case 'email': {
      const document = finalDocumentOf(entry);
      const channel =
        moloni.platform?.emailChannel?.(document, deps) ??
        smtpChannel(deps.mailer ?? null, document, (documentId) => moloni.downloadPdf(documentId));
      const outcome = await emailDocument(action, entry, document, {
        actions: deps.actions,
        channel,
        ...(deps.now ? { now: deps.now } : {}),
      });
      return { document: null, outcome };
    }
    default:
      throw new FaturadorError('INTERNAL_ERROR', `Action ${action.kind} is not processed by this worker.`);
  }
}

/** One attempt of a lifecycle job. Never makes a second credit note or receipt. */
export async function processAction(attempt: ActionAttempt, deps: ActionDeps): Promise<ActionOutcome> {
  const action = await deps.actions.get(attempt.actionId);
  if (!action) {
    return { kind: 'failed', error: new FaturadorError('INTERNAL_ERROR', `No action ${attempt.actionId}.`) };
  }
  if (action.state === 'done' || action.state === 'failed') return { kind: 'done' };
  const entry = await deps.ledger.get(action.requestId);
  if (!entry) {
    return { kind: 'failed', error: new FaturadorError('INTERNAL_ERROR', `No request ${action.requestId}.`) };
  }
  const token = action.actionId;
  if (!(await deps.actions.lock(action.requestId, token, LOCK_TTL_MS))) {
    // Another action on this request runs: what remains to credit or pay is read after it. Waiting
    // is not an attempt, or a long one (or a dead worker's lock) could use up this job's attempts.
    return { kind: 'wait', untilMs: (deps.now?.() ?? new Date()).getTime() + LOCK_WAIT_MS };
  }
  const ambiguous =
    attempt.attemptsMade > 0 || action.state === 'running' || action.moloniDocumentId !== null;
  try {
    await deps.actions.markRunning(action.actionId);
    const done = await run(action, entry, ambiguous, deps);
    await deps.actions.markDone(action.actionId, done.document, done.outcome);
    return { kind: 'done' };
  } catch (thrown) {
    const error = asFaturadorError(thrown);
    if (error.retryable && attempt.attemptsMade + 1 < attempt.maxAttempts) return { kind: 'retry', error };
    await deps.actions.markFailed(action.actionId, error.toJSON(), error.status);
    return { kind: 'failed', error };
  } finally {
    await deps.actions.unlock(action.requestId, token);
  }
}

/**
 * The queue gave up on an action's job without running it (its worker stopped too many times):
 * record it failed rather than leave it running for ever. What Moloni or the mail server may hold is
 * said as unknown; nothing is retried by itself (a new credit note or receipt reads what remains
 * from Moloni first, so it can never take more than is left).
 */
export async function abandonAction(actionId: string, reason: string, deps: Pick<ActionDeps, 'actions'>) {
  const action = await deps.actions.get(actionId);
  if (!action || action.state === 'done' || action.state === 'failed') return;
  const sending = action.outcome?.email_state === 'sending';
  const error =
    action.kind === 'email'
      ? new FaturadorError(
          sending ? 'EMAIL_IN_DOUBT' : 'EMAIL_UNAVAILABLE',
          `The e-mail was interrupted (${reason}).`,
          { in_doubt: sending, reason },
        )
      : new FaturadorError('MOLONI_TIMEOUT', `The action was interrupted (${reason}).`, {
          outcome: 'unknown',
          reason,
        });
  if (sending) await deps.actions.recordOutcome(actionId, { ...action.outcome, email_state: 'in_doubt' });
  await deps.actions.markFailed(actionId, error.toJSON(), error.status);
}
