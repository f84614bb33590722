import { type DocumentView, FaturadorError, isFaturadorError } from '@faturador/core';
import { enqueue, type Queues } from '@faturador/jobs';
import { type Idempotency, type Ledger, type LedgerEntry, referenceScope } from '@faturador/store';
import { asConnectionFailure } from './connection-failure.ts';
import type { IssuedDocument, MoloniPort, MoloniResolver } from './ports.ts';

export interface IssueDeps {
  ledger: Ledger;
  idempotency: Idempotency;
  queues: Queues;
  moloniFor: MoloniResolver;
  logger?: {
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
  };
}

export interface IssueAttempt {
  requestId: string;
  /** Attempts already made before this one (BullMQ's `attemptsMade`). */
  attemptsMade: number;
  maxAttempts: number;
}

/** What the queue should do with the job after this attempt. */
export type IssueOutcome =
  | { kind: 'done' }
  | { kind: 'retry'; error: FaturadorError }
  | { kind: 'failed'; error: FaturadorError };

export function toDocumentView(document: IssuedDocument): DocumentView {
  return {
    type: document.documentType,
    status: document.status,
    moloni_document_id: document.documentId,
    number: document.number,
    series: document.series,
    total_gross: document.totalGrossCents / 100,
    currency: document.currency,
    pdf_url: null,
    created_at: document.createdAt,
  };
}

function asFaturadorError(error: unknown): FaturadorError {
  if (isFaturadorError(error)) return asConnectionFailure(error);
  // Anything we did not classify happened mid-flight: treat the outcome as unknown.
  return new FaturadorError(
    'MOLONI_TIMEOUT',
    'The outcome of the call to Moloni is unknown.',
    { outcome: 'unknown' },
    { cause: error },
  );
}

/**
 * Adopts what Moloni already has for this request, or issues it. Reconciliation runs whenever a
 * previous attempt may have reached Moloni: a retry, a crash while issuing, or a known id.
 */
async function issueOrAdopt(
  entry: LedgerEntry,
  moloni: MoloniPort,
  ambiguous: boolean,
  deps: IssueDeps,
): Promise<IssuedDocument> {
  if (entry.moloniDocumentId !== null) return moloni.completeDocument(entry.moloniDocumentId, entry.request);
  if (ambiguous) {
    const found = await moloni.findByOurReference(entry.reference, entry.request.documentType);
    const [first] = found;
    if (first) {
      if (found.length > 1) {
        deps.logger?.error(
          { requestId: entry.requestId, documents: found.map((d) => d.documentId) },
          'several documents carry this reference',
        );
      }
      // A document this request made has its total. One that does not was made by someone else
      // (by hand in Moloni, or before this account was guarded): never adopt it as ours.
      if (first.totalGrossCents !== null && first.totalGrossCents !== entry.request.totalGrossCents) {
        throw new FaturadorError(
          'REFERENCE_ALREADY_ISSUED',
          `Moloni already has document ${first.number ?? first.documentId} with reference ${entry.reference}, for another total.`,
          {
            document_id: first.documentId,
            number: first.number,
            total_gross: first.totalGrossCents / 100,
            expected_total_gross: entry.request.totalGrossCents / 100,
          },
        );
      }
      deps.logger?.warn(
        { requestId: entry.requestId, documentId: first.documentId },
        'adopting a document found by reference',
      );
      await deps.ledger.recordDocumentId(entry.requestId, first.documentId);
      return moloni.completeDocument(first.documentId, entry.request);
    }
  }
  return moloni.issueDocument(
    { request: entry.request, ourReference: entry.reference },
    { onDraftInserted: (documentId) => deps.ledger.recordDocumentId(entry.requestId, documentId) },
  );
}

async function finish(entry: LedgerEntry, outcomeAt: string, deps: IssueDeps): Promise<void> {
  if (entry.origin.kind === 'api') return;
  // One delivery per final outcome: a re-run after a transient failure has a new outcome time,
  // while a retry of this very step finds the same job id and adds nothing.
  const jobId = `${entry.requestId}.deliver.${outcomeAt.replace(/\D/g, '')}`;
  await enqueue(deps.queues, 'deliver', { requestId: entry.requestId }, { jobId });
}

/** One attempt of an `issue` job. Never issues twice, whatever happened in earlier attempts. */
export async function processIssue(attempt: IssueAttempt, deps: IssueDeps): Promise<IssueOutcome> {
  const entry = await deps.ledger.get(attempt.requestId);
  if (!entry) {
    return {
      kind: 'failed',
      error: new FaturadorError('INTERNAL_ERROR', `No ledger entry for ${attempt.requestId}.`),
    };
  }
  if (entry.state === 'issued' || entry.state === 'failed') return { kind: 'done' };
  const ambiguous =
    attempt.attemptsMade > 0 ||
    entry.state === 'issuing' ||
    entry.moloniDocumentId !== null ||
    entry.rerun === true;
  await deps.ledger.markIssuing(entry.requestId);

  try {
    const moloni = await deps.moloniFor(entry.connectionId);
    const document = await issueOrAdopt(entry, moloni, ambiguous, deps);
    const issuedAt = await deps.ledger.markIssued(entry.requestId, toDocumentView(document));
    deps.logger?.info(
      { requestId: entry.requestId, documentId: document.documentId, number: document.number },
      'issued',
    );
    await finish(entry, issuedAt, deps);
    return { kind: 'done' };
  } catch (thrown) {
    const error = asFaturadorError(thrown);
    const lastAttempt = attempt.attemptsMade + 1 >= attempt.maxAttempts;
    if (error.retryable && !lastAttempt) {
      deps.logger?.warn(
        { requestId: entry.requestId, code: error.code, attempt: attempt.attemptsMade + 1 },
        'will retry',
      );
      return { kind: 'retry', error };
    }
    const failedAt = await deps.ledger.markFailed(entry.requestId, error.toJSON(), error.status);
    const current = await deps.ledger.get(entry.requestId);
    // A failure that left nothing in Moloni frees the reference for a corrected request.
    if (current && current.moloniDocumentId === null) {
      await deps.idempotency.releaseReference(referenceScope(entry), entry.reference, entry.requestId);
    }
    deps.logger?.warn({ requestId: entry.requestId, code: error.code }, 'failed');
    await finish(entry, failedAt, deps);
    return { kind: 'failed', error };
  }
}
