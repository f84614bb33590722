import { randomBytes } from 'node:crypto';
import { FaturadorError, isFaturadorError } from '@faturador/core';
import { enqueue, type Queues } from '@faturador/jobs';
import {
  companyScope,
  type Idempotency,
  type Ledger,
  type LedgerEntry,
  type StoredDocument,
  writerOf,
} from '@faturador/store';
import { asConnectionFailure } from './connection-failure.ts';
import type { IssuedDocument, MoloniPort, MoloniResolver } from './ports.ts';
import { duplicateDocumentsError, duplicateIncident, foreignDocumentError, reconcile } from './reconcile.ts';
import { referenceTakenError } from './reference-taken.ts';

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
  /**
   * How long an insert may go unanswered: the Moloni client's connect and write deadlines plus a
   * margin. A run that finds another run's insert unanswered for less than this, by a worker still
   * alive, waits for it instead of inserting beside it (that run lost its lock but goes on).
   */
  writeWindowMs?: number;
  /** The worker process's heartbeat id: a run of a dead worker is not waited for. */
  workerId?: string;
}

/** Connect (5 s) and write (45 s) deadlines of the Moloni client, plus a margin. */
export const DEFAULT_WRITE_WINDOW_MS = 60_000;

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
  | { kind: 'failed'; error: FaturadorError }
  /** Another run's insert may still be answered: run again at `untilMs` (not an attempt used). */
  | { kind: 'wait'; untilMs: number };

/** Codes that mean Moloni holds a document under the reference: the guard is never freed on them. */
const REFERENCE_IN_USE = new Set(['REFERENCE_ALREADY_ISSUED', 'DUPLICATE_DOCUMENTS']);

class WriteInFlight extends Error {
  constructor(readonly untilMs: number) {
    super('another run of this request may still be inserting');
  }
}

export function toDocumentView(document: IssuedDocument): StoredDocument {
  return {
    ...(document.customerName ? { customer_name: document.customerName } : {}),
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

/** What a failed insert tells about Moloni: only a call known not to have been applied leaves nothing. */
function insertOutcome(error: unknown): 'none' | 'unknown' {
  return isFaturadorError(error) && error.details?.outcome === 'not_applied' ? 'none' : 'unknown';
}

/**
 * Takes the reference's guard in the Moloni company itself: the API claimed it per connection
 * when the company was not known yet, and two connections to one company must not both issue it.
 */
async function guardCompany(entry: LedgerEntry, moloni: MoloniPort, deps: IssueDeps): Promise<boolean> {
  const account = await moloni.account();
  const scope = companyScope(account.baseUrl, account.companyId);
  if (entry.referenceScopes.includes(scope)) return false;
  const claim = await deps.idempotency.claimScope(scope, entry.reference, entry.requestId);
  if (claim.kind === 'taken') {
    // Nothing was written for this request under the company's guard: its own guard is freed.
    if (entry.moloniDocumentId === null && entry.moloniWrite === 'none') {
      await deps.idempotency.releaseReference(entry);
    }
    const owner = await deps.ledger.get(claim.requestId);
    throw referenceTakenError(entry.reference, claim.requestId, owner, entry.clientId);
  }
  return claim.kind === 'claimed' && claim.reused;
}

/** Inserts, recording around the call whether Moloni may now hold a document we have no id for. */
async function insert(entry: LedgerEntry, moloni: MoloniPort, deps: IssueDeps): Promise<IssuedDocument> {
  const runId = writerOf(deps.workerId, randomBytes(8).toString('hex'));
  let sent = false;
  let answered = false;
  try {
    return await moloni.issueDocument(
      { request: entry.request, ourReference: entry.reference },
      {
        beforeInsert: async () => {
          const windowMs = deps.writeWindowMs ?? DEFAULT_WRITE_WINDOW_MS;
          const began = await deps.ledger.beginWrite(entry.requestId, runId, windowMs);
          if (began.kind === 'busy') throw new WriteInFlight(began.untilMs);
          sent = true;
        },
        onDraftInserted: async (documentId) => {
          answered = true;
          // The id and the end of the write in one step: a crash after it adopts, never re-inserts.
          await deps.ledger.endWrite(entry.requestId, runId, null, documentId);
        },
      },
    );
  } catch (error) {
    if (sent && !answered) await deps.ledger.endWrite(entry.requestId, runId, insertOutcome(error));
    throw error;
  }
}

/**
 * Adopts what Moloni already has for this request, or issues it. The search by our_reference runs
 * whenever Moloni may hold a document of this reference: an earlier attempt or run of this request
 * may have inserted one, or the reference was claimed before by another request.
 */
async function issueOrAdopt(
  entry: LedgerEntry,
  moloni: MoloniPort,
  searchFirst: boolean,
  deps: IssueDeps,
): Promise<IssuedDocument> {
  if (entry.moloniDocumentId !== null) return moloni.completeDocument(entry.moloniDocumentId, entry.request);
  if (searchFirst) {
    const found = await moloni.findByOurReference(entry.reference, entry.request.documentType);
    const choice = reconcile(found, entry.request.totalGrossCents);
    const log = { requestId: entry.requestId, reference: entry.reference };
    if (choice.kind === 'incident') {
      const incident = duplicateIncident(choice.closed, entry.reference, new Date());
      deps.logger?.error({ ...log, documents: incident.documents }, incident.message);
      await deps.ledger.recordIncident(entry.requestId, incident);
      throw duplicateDocumentsError(incident);
    }
    if (choice.kind === 'foreign') {
      throw foreignDocumentError(choice.document, entry.reference, entry.request.totalGrossCents);
    }
    if (choice.kind === 'adopt') {
      if (choice.others.length > 0) {
        deps.logger?.warn(
          { ...log, documents: choice.others.map((document) => document.documentId) },
          'other documents carry this reference; they are left as they are',
        );
      }
      deps.logger?.warn(
        { ...log, documentId: choice.document.documentId },
        'adopting a document found by reference',
      );
      await deps.ledger.recordDocumentId(entry.requestId, choice.document.documentId);
      return moloni.completeDocument(choice.document.documentId, entry.request);
    }
    await deps.ledger.recordNothingInMoloni(entry.requestId);
  }
  return insert(entry, moloni, deps);
}

async function finish(entry: LedgerEntry, outcomeAt: string, deps: IssueDeps): Promise<void> {
  if (entry.origin.kind === 'api') return;
  // One delivery per final outcome: a re-run after a transient failure has a new outcome time,
  // while a retry of this very step finds the same job id and adds nothing.
  const jobId = `${entry.requestId}.deliver.${outcomeAt.replace(/\D/g, '')}`;
  await enqueue(deps.queues, 'deliver', { requestId: entry.requestId }, { jobId });
}

/**
 * The error a final failure is answered with. When Moloni may hold the document (an insert whose
 * answer never came), it says so: the request is in doubt, and a retry with the same key settles it.
 */
function finalError(error: FaturadorError, entry: LedgerEntry, forceDoubt: boolean): FaturadorError {
  // A reconciliation that found the reference in use answered definitively, whatever came before.
  const settled = REFERENCE_IN_USE.has(error.code);
  const doubt =
    forceDoubt || (!settled && entry.moloniDocumentId === null && entry.moloniWrite === 'unknown');
  if (doubt) {
    return new FaturadorError(
      error.code,
      `${error.message} Moloni may hold the document: retry with the same Idempotency-Key to settle it (it is never issued twice).`,
      { ...error.details, outcome: 'unknown', in_doubt: true, retry_with_same_idempotency_key: true },
    );
  }
  if (error.retryable) {
    return new FaturadorError(error.code, error.message, {
      ...error.details,
      ...(entry.moloniDocumentId === null ? {} : { document_id: entry.moloniDocumentId }),
      retry_with_same_idempotency_key: true,
    });
  }
  return error;
}

/** Only a definite failure with nothing in Moloni frees the reference for a new request. */
function mayRelease(error: FaturadorError, entry: LedgerEntry): boolean {
  return (
    !error.retryable &&
    error.details?.in_doubt !== true &&
    !REFERENCE_IN_USE.has(error.code) &&
    entry.moloniDocumentId === null &&
    entry.moloniWrite === 'none'
  );
}

async function fail(
  requestId: string,
  error: FaturadorError,
  deps: IssueDeps,
  forceDoubt = false,
): Promise<IssueOutcome> {
  const entry = await deps.ledger.get(requestId);
  if (!entry) return { kind: 'failed', error };
  const final = finalError(error, entry, forceDoubt);
  const failedAt = await deps.ledger.markFailed(requestId, final.toJSON(), final.status);
  // Issued meanwhile by another run of the same request: that outcome stands.
  if (failedAt === null) return { kind: 'done' };
  if (mayRelease(final, entry)) await deps.idempotency.releaseReference(entry);
  const inDoubt = final.details?.in_doubt === true;
  (inDoubt ? deps.logger?.error : deps.logger?.warn)?.call(
    deps.logger,
    { requestId, code: final.code, inDoubt },
    inDoubt ? 'failed in doubt: Moloni may hold the document' : 'failed',
  );
  await finish(entry, failedAt, deps);
  return { kind: 'failed', error: final };
}

/** One attempt of an `issue` job. Never issues twice, whatever happened in earlier attempts. */
export async function processIssue(attempt: IssueAttempt, deps: IssueDeps): Promise<IssueOutcome> {
  // The entry as it was before this run, marked issuing in the same step unless it is final.
  const entry = await deps.ledger.beginIssuing(attempt.requestId);
  if (!entry) {
    return {
      kind: 'failed',
      error: new FaturadorError('INTERNAL_ERROR', `No ledger entry for ${attempt.requestId}.`),
    };
  }
  if (entry.state === 'issued' || entry.state === 'failed') return { kind: 'done' };
  const mayExist =
    attempt.attemptsMade > 0 ||
    entry.state === 'issuing' ||
    entry.moloniWrite === 'unknown' ||
    entry.referenceReused;

  try {
    const moloni = await deps.moloniFor(entry.connectionId);
    const reused = await guardCompany(entry, moloni, deps);
    const document = await issueOrAdopt(entry, moloni, mayExist || reused, deps);
    const issuedAt = await deps.ledger.markIssued(entry.requestId, toDocumentView(document));
    deps.logger?.info(
      { requestId: entry.requestId, documentId: document.documentId, number: document.number },
      'issued',
    );
    await finish(entry, issuedAt, deps);
    return { kind: 'done' };
  } catch (thrown) {
    if (thrown instanceof WriteInFlight) {
      deps.logger?.warn(
        { requestId: entry.requestId, until: new Date(thrown.untilMs).toISOString() },
        'another run may still be inserting: waiting for it',
      );
      return { kind: 'wait', untilMs: thrown.untilMs };
    }
    const error = asFaturadorError(thrown);
    const lastAttempt = attempt.attemptsMade + 1 >= attempt.maxAttempts;
    if (error.retryable && !lastAttempt) {
      deps.logger?.warn(
        { requestId: entry.requestId, code: error.code, attempt: attempt.attemptsMade + 1 },
        'will retry',
      );
      return { kind: 'retry', error };
    }
    return fail(entry.requestId, error, deps);
  }
}

/**
 * A job the queue gave up on without a final outcome (its worker died or stalled more often than
 * allowed): the ledger says failed in doubt, never `issuing` forever; the same key runs it again.
 */
export async function abandonIssue(requestId: string, reason: string, deps: IssueDeps): Promise<void> {
  const entry = await deps.ledger.get(requestId);
  if (!entry || entry.state === 'issued' || entry.state === 'failed') return;
  const error = new FaturadorError('MOLONI_TIMEOUT', `Issuing was interrupted (${reason}).`, {
    outcome: 'unknown',
    reason,
  });
  await fail(requestId, error, deps, true);
}
