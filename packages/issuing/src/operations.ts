import { FaturadorError } from '@faturador/core';
import { enqueue, type Queues } from '@faturador/jobs';
import {
  type Idempotency,
  InvalidCursorError,
  type Ledger,
  type LedgerEntry,
  type PageRequest,
  type RequestFilter,
  type RequestIndex,
  referenceScope,
} from '@faturador/store';
import { Job } from 'bullmq';

export interface OperationsDeps {
  ledger: Ledger;
  index: RequestIndex;
  idempotency: Idempotency;
  queues: Queues;
}

export interface RequestPage {
  entries: LedgerEntry[];
  nextCursor: string | null;
  truncated: boolean;
}

/**
 * What an operator (the backoffice, the CLI) and an API client listing its own requests do with
 * requests after they were made. Transport-free, like the submitter: each edge maps the errors.
 */
export function createOperations(deps: OperationsDeps) {
  async function ownEntry(requestId: string, clientId: string | undefined): Promise<LedgerEntry> {
    const entry = await deps.ledger.get(requestId);
    // Another client's request is reported as absent, not as forbidden: ids are not an oracle.
    if (!entry || (clientId !== undefined && entry.clientId !== clientId))
      throw new FaturadorError('NOT_FOUND', `No request ${requestId}.`);
    return entry;
  }

  return {
    /** Newest first; `clientId` in the filter keeps a client to its own requests. */
    async list(filter: RequestFilter, page: PageRequest): Promise<RequestPage> {
      try {
        const ids = await deps.index.page(filter, page);
        return {
          entries: await deps.ledger.getMany(ids.ids),
          nextCursor: ids.nextCursor,
          truncated: ids.truncated,
        };
      } catch (error) {
        if (error instanceof InvalidCursorError)
          throw new FaturadorError('VALIDATION_ERROR', 'cursor is invalid: use the next_cursor of a page.', {
            issues: [{ path: 'cursor', reason: 'is not one this list returned' }],
          });
        throw error;
      }
    },

    /**
     * Runs a failed request again under its own Idempotency-Key and reference. The new run
     * reconciles first (searches Moloni by reference), so a retry never issues a second document.
     * `by` is recorded on the request (`admin:<email>`, `cli`).
     */
    async retry(requestId: string, by: string, clientId?: string): Promise<LedgerEntry> {
      const entry = await ownEntry(requestId, clientId);
      if (entry.state !== 'failed')
        throw new FaturadorError(
          'REQUEST_NOT_RETRYABLE',
          `Request ${requestId} is ${entry.state}: only a failed request can be retried.`,
          { state: entry.state },
        );
      // A failure that left nothing in Moloni freed the reference; another request may own it now.
      const scope = referenceScope(entry);
      const owner = await deps.idempotency.reclaimReference(scope, entry.reference, requestId);
      if (owner !== requestId)
        throw new FaturadorError(
          'REFERENCE_ALREADY_ISSUED',
          `Reference ${entry.reference} now belongs to request ${owner}: this one cannot be retried.`,
          { request_id: owner },
        );
      await deps.ledger.markQueued(requestId, entry.origin.kind === 'api' ? 'none' : 'pending');
      await deps.ledger.recordAction(requestId, { action: 'retry', by });
      const job = await Job.fromId(deps.queues.issue, requestId);
      if (job && (await job.isFailed())) await job.retry('failed');
      else if (job && (await job.isCompleted())) {
        await job.remove();
        await enqueue(deps.queues, 'issue', { requestId, clientId: entry.clientId }, { jobId: requestId });
      } else
        await enqueue(deps.queues, 'issue', { requestId, clientId: entry.clientId }, { jobId: requestId });
      return (await deps.ledger.get(requestId)) ?? entry;
    },

    /** Sends the result to the request's origin again (a Slack thread, an Airtable record). */
    async redeliver(requestId: string, by: string): Promise<LedgerEntry> {
      const entry = await ownEntry(requestId, undefined);
      if (entry.origin.kind === 'api')
        throw new FaturadorError(
          'REQUEST_NOT_RETRYABLE',
          `Request ${requestId} came through the API: its result went back to the caller.`,
          { origin: 'api' },
        );
      if (entry.state !== 'issued' && entry.state !== 'failed')
        throw new FaturadorError(
          'REQUEST_NOT_RETRYABLE',
          `Request ${requestId} is ${entry.state}: there is no result to deliver yet.`,
          { state: entry.state },
        );
      await deps.ledger.setDelivery(requestId, 'pending', null);
      await deps.ledger.recordAction(requestId, { action: 'redeliver', by });
      const jobId = `${requestId}.redeliver.${Date.now()}`;
      await enqueue(deps.queues, 'deliver', { requestId }, { jobId });
      return (await deps.ledger.get(requestId)) ?? entry;
    },
  };
}

export type Operations = ReturnType<typeof createOperations>;
