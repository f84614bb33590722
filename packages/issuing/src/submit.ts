import {
  ERROR_STATUS,
  FaturadorError,
  formatPath,
  type InvoiceRequest,
  isRetryableCode,
  type Origin,
  originRefusal,
  originSchema,
  parseInvoiceRequest,
  type ValidationIssue,
  validationError,
} from '@faturador/core';
import { enqueue, type Queues } from '@faturador/jobs';
import { fingerprint, type Idempotency, type Ledger, type LedgerEntry } from '@faturador/store';
import { Job } from 'bullmq';
import { referenceTakenError } from './reference-taken.ts';
import { isFinal, type ResultWaiter, type WaitOptions } from './waiter.ts';

/**
 * How far a submission got. Every caller of the same request gets the same `final` entry; the
 * transport decides what each kind looks like (the API's answers.ts). Refusals are thrown as
 * FaturadorError and change nothing.
 */
export type Submission =
  /** Issued or failed: the result every caller of this request gets, now and on every retry. */
  | { kind: 'final'; entry: LedgerEntry }
  /** The caller asked not to wait: the worker goes on, and the result is delivered or polled. */
  | { kind: 'accepted'; entry: LedgerEntry }
  /** The synchronous budget ran out: the request goes on; the same key later gets its result. */
  | { kind: 'in-progress'; entry: LedgerEntry };

export interface SubmitInput {
  /**
   * The HTTP request's id: a new request's ledger entry takes it, and so does an answer that
   * refuses the request, so that the response, the logs and the ledger name one id. A replay
   * answers with the original request's id instead.
   */
  requestId: string;
  clientId: string;
  connectionId: string | null;
  idempotencyKey: string;
  /**
   * The decoded JSON body: the seed contract and its optional extensions. It may carry an `origin`
   * only when the client's capabilities allow that origin (the Slack bot's, for its workspace).
   */
  body: unknown;
  /** The authenticated client's capabilities, as recorded on the client. */
  capabilities: readonly string[];
  /**
   * Set by server-side triggers that checked where the request came from (the Airtable record
   * trigger, for a base the client owns). The body must then carry no origin of its own.
   */
  origin?: Origin;
  wait: 'sync' | 'async';
}

export interface SubmitDeps {
  ledger: Ledger;
  idempotency: Idempotency;
  queues: Queues;
  waiter: ResultWaiter;
  /** The synchronous budget of the contract (10 s by default). */
  syncBudgetMs: number;
}

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_\-:.]{8,128}$/;

function splitOrigin(body: unknown): { invoice: unknown; origin: unknown } {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !('origin' in body)) {
    return { invoice: body, origin: undefined };
  }
  const { origin, ...invoice } = body as Record<string, unknown>;
  return { invoice, origin };
}

type Parsed = { ok: true; request: InvoiceRequest; origin: Origin } | { ok: false; error: FaturadorError };

/**
 * Validates the body and decides the request's origin. The server decides where a result goes: a
 * body's `origin` is refused (400 naming `origin`) unless the client's capabilities allow exactly
 * that destination; without one, the origin is the caller (`api`) or what a trigger set.
 */
export function parseSubmission(
  body: unknown,
  capabilities: readonly string[],
  serverOrigin?: Origin,
): Parsed {
  const { invoice, origin } = splitOrigin(body);
  const parsedRequest = parseInvoiceRequest(invoice);
  const issues: ValidationIssue[] = parsedRequest.ok
    ? []
    : [...((parsedRequest.error.details?.issues as ValidationIssue[]) ?? [])];
  let chosen: Origin = serverOrigin ?? { kind: 'api' };
  if (origin !== undefined) {
    const parsedOrigin = originSchema.safeParse(origin);
    if (serverOrigin) {
      issues.push({ path: 'origin', reason: 'may not be set: this route decides where the result goes' });
    } else if (!parsedOrigin.success) {
      issues.push(
        ...parsedOrigin.error.issues.map((issue) => ({
          path: formatPath(['origin', ...issue.path]),
          reason: issue.message,
        })),
      );
    } else {
      const refusal = originRefusal(parsedOrigin.data, capabilities);
      if (refusal) issues.push({ path: 'origin', reason: refusal });
      else chosen = parsedOrigin.data;
    }
  }
  if (!parsedRequest.ok || issues.length > 0) return { ok: false, error: validationError(issues) };
  return { ok: true, request: parsedRequest.value, origin: chosen };
}

/**
 * The API side of issuance: validate, claim the Idempotency-Key and the reference atomically,
 * enqueue one job, and wait for its result within the budget. Transport-free: it returns how far
 * the request got (a Submission) and throws a FaturadorError for a refusal.
 */
export function createSubmitter(deps: SubmitDeps) {
  async function ensureJob(entry: LedgerEntry): Promise<void> {
    // BullMQ ignores an add whose jobId exists: re-adding is how a lost enqueue is repaired.
    await enqueue(
      deps.queues,
      'issue',
      { requestId: entry.requestId, clientId: entry.clientId },
      { jobId: entry.requestId },
    );
  }

  /**
   * Runs a failed request again (a transient failure, or one in doubt): it reconciles with Moloni
   * first. A re-run is a new run with a fresh attempt budget: BullMQ's retry keeps `attemptsMade`
   * unless told otherwise, which made every re-run its own last attempt.
   */
  async function rerun(entry: LedgerEntry): Promise<void> {
    await deps.ledger.markQueued(entry.requestId, entry.origin.kind === 'api' ? 'none' : 'pending');
    await restartJob(entry);
  }

  /** Puts a finished job back in the queue with its attempts reset; adds it if it is missing. */
  async function restartJob(entry: LedgerEntry): Promise<void> {
    const job = await Job.fromId(deps.queues.issue, entry.requestId);
    const state = job ? await job.getState() : 'unknown';
    if (job && (state === 'failed' || state === 'completed')) {
      // Two concurrent retries race here; the loser's retry finds the job moved and changes nothing.
      await job.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true }).catch(() => {});
      return;
    }
    if (!job) await ensureJob(entry);
  }

  async function answerFor(
    entry: LedgerEntry,
    wait: SubmitInput['wait'],
    options: WaitOptions = {},
  ): Promise<Submission> {
    if (isFinal(entry)) return { kind: 'final', entry };
    if (wait === 'async') {
      await options.start?.();
      return { kind: 'accepted', entry };
    }
    const settled = await deps.waiter.wait(entry.requestId, deps.syncBudgetMs, options);
    if (settled && isFinal(settled)) return { kind: 'final', entry: settled };
    return { kind: 'in-progress', entry: settled ?? entry };
  }

  return {
    async submit(input: SubmitInput): Promise<Submission> {
      if (!IDEMPOTENCY_KEY_PATTERN.test(input.idempotencyKey)) {
        throw validationError([
          {
            path: 'Idempotency-Key',
            reason: 'is required: 8–128 characters of letters, digits and - _ : .',
          },
        ]);
      }
      const parsed = parseSubmission(input.body, input.capabilities, input.origin);
      if (!parsed.ok) throw parsed.error;

      const claim = await deps.idempotency.claim({
        requestId: input.requestId,
        clientId: input.clientId,
        idempotencyKey: input.idempotencyKey,
        fingerprint: fingerprint(input.body),
        reference: parsed.request.reference,
        request: parsed.request,
        origin: parsed.origin,
        connectionId: input.connectionId,
      });

      if (claim.kind === 'reference-taken') {
        const owner = await deps.ledger.get(claim.requestId);
        throw referenceTakenError(parsed.request.reference, claim.requestId, owner, input.clientId);
      }
      if (claim.kind === 'existing' && !claim.sameBody) {
        throw new FaturadorError(
          'IDEMPOTENCY_CONFLICT',
          'This Idempotency-Key was already used with a different body.',
          {
            request_id: claim.requestId,
          },
        );
      }

      // A new claim returns what it wrote; only a request seen before is read back.
      const entry = claim.kind === 'claimed' ? claim.entry : await deps.ledger.get(claim.requestId);
      if (!entry)
        throw new FaturadorError(
          'INTERNAL_ERROR',
          'The request was claimed but its ledger entry is missing.',
        );
      // Listening before the job exists, the waiter needs no first read of what was just written.
      if (claim.kind === 'claimed') {
        return answerFor(entry, input.wait, { start: () => ensureJob(entry), current: entry });
      }
      if (entry.state === 'queued' || entry.state === 'issuing') {
        // A lost enqueue is repaired, and a job the queue gave up on while the ledger still says
        // issuing (a worker lost between the two) is put back: the same key always gets it moving.
        await restartJob(entry);
      } else if (entry.state === 'failed' && entry.error && isRerunnable(entry)) {
        await rerun(entry);
        return answerFor({ ...entry, state: 'queued' }, input.wait);
      }
      return answerFor(entry, input.wait);
    },

    async status(clientId: string, requestId: string): Promise<LedgerEntry | null> {
      const entry = await deps.ledger.get(requestId);
      // Another client's request is reported as absent, not as forbidden: ids are not an oracle.
      return entry && entry.clientId === clientId ? entry : null;
    },
  };
}

/**
 * Worth running again under the same key: a failure in doubt (Moloni may hold the document; the
 * re-run settles it) or a transient one on Moloni's side (5xx).
 */
function isRerunnable(entry: LedgerEntry): boolean {
  if (entry.error?.details?.retry_with_same_idempotency_key === true) return true;
  const code = entry.error?.code;
  return code !== undefined && isRetryableCode(code) && ERROR_STATUS[code] >= 500;
}

export type Submitter = ReturnType<typeof createSubmitter>;
