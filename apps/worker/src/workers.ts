import { isFaturadorError } from '@faturador/core';
import {
  type ActionDeliverer,
  abandonAction,
  abandonIssue,
  type Deliverer,
  type Mailer,
  type NoticeDeliverer,
  processAction,
  processDeliver,
  processIssue,
  type Runtime,
} from '@faturador/issuing';
import { enqueue, jobSchemas, QUEUE_NAMES } from '@faturador/jobs';
import { createDestinationLock, startHeartbeat } from '@faturador/store';
import { DelayedError, type Job, type MinimalJob, UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { createDestinationGuard } from './destinations.ts';

export interface WorkerOptions {
  runtime: Runtime;
  logger: Logger;
  issueConcurrency: number;
  deliverConcurrency: number;
  deliverers: Partial<Record<'slack' | 'airtable' | 'api', Deliverer>>;
  /** What destinations show before a result (an Airtable record's "A emitir", a trigger's refusal). */
  notices?: Partial<Record<'slack' | 'airtable' | 'api', NoticeDeliverer>>;
  /** The outcome of an action after issuing, to the request's own thread or record. */
  actionDeliverers?: Partial<Record<'slack' | 'airtable' | 'api', ActionDeliverer>>;
  /** How e-mails with documents leave (SMTP); without one they fail with EMAIL_NOT_CONFIGURED. */
  mailer?: Mailer | null;
  /**
   * How long a job's lock lives without renewal (it is renewed every half of it while the job
   * runs, so a long Moloni call keeps it). A dead worker's job runs again within about this plus
   * one stalled interval.
   */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Times a job may lose its worker before the queue gives up on it (the ledger then says in doubt). */
  maxStalledCount?: number;
}

/** A killed worker's job is back within lock + stalled interval: 8 s + 3 s. */
export const ISSUE_LOCK_DEFAULTS = { lockDurationMs: 8_000, stalledIntervalMs: 3_000, maxStalledCount: 2 };

/** BullMQ's reason for a job that stalled more than `maxStalledCount` times. */
const STALLED_TOO_OFTEN = 'job stalled more than allowable limit';

export interface Workers {
  issue: Worker;
  deliver: Worker;
  lifecycle: Worker;
  /** Stops taking jobs, waits for active ones up to the deadline, then hands the rest back. */
  close(graceMs: number): Promise<void>;
}

/**
 * `RETRY_AFTER_BACKOFF`: delivery honours a service's Retry-After (Slack, Airtable's 30 s) instead
 * of a blind backoff; otherwise exponential from the job's `backoff.delay`, with jitter.
 */
export function deliveryBackoff(
  attemptsMade: number,
  _type?: string,
  error?: Error,
  job?: MinimalJob,
): number {
  const retryAfter = error && 'retryAfterMs' in error ? Number(error.retryAfterMs) : Number.NaN;
  if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter;
  const backoff = job?.opts.backoff;
  const delay = typeof backoff === 'object' && backoff.delay ? backoff.delay : 1000;
  const base = Math.min(delay * 2 ** Math.max(attemptsMade - 1, 0), 5 * 60_000);
  return Math.round(base * (0.5 + Math.random() / 2));
}

export function startWorkers(options: WorkerOptions): Workers {
  const { runtime, logger } = options;
  const connection = runtime.queueConnection;
  const prefix = runtime.prefix;
  const guard = createDestinationGuard(runtime);
  const destinationLock = createDestinationLock(runtime.redis, prefix);

  // Other workers wait for this one's unanswered inserts only while it is alive.
  const heartbeat = startHeartbeat(
    runtime.redis,
    prefix,
    options.lockDurationMs ?? ISSUE_LOCK_DEFAULTS.lockDurationMs,
  );
  const issueDeps = (job?: Job) => ({
    ...runtime,
    workerId: heartbeat.workerId,
    moloniFor: runtime.moloni.resolve,
    logger: logger.child({ jobId: job?.id, queue: 'issue' }),
  });
  const issue = new Worker(
    QUEUE_NAMES.issue,
    async (job: Job, token?: string) => {
      // Each Moloni call of this run goes on the request's timeline, with the job's attempt.
      const outcome = await runtime.callTimeline.within(
        { requestId: job.data.requestId, attempt: job.attemptsMade + 1, job: 'issue' },
        () =>
          processIssue(
            {
              requestId: job.data.requestId,
              attemptsMade: job.attemptsMade,
              maxAttempts: job.opts.attempts ?? 1,
            },
            issueDeps(job),
          ),
      );
      if (outcome.kind === 'retry') throw outcome.error;
      if (outcome.kind === 'wait') {
        // Not an attempt: the job sleeps until another run's insert can no longer be answered.
        await job.moveToDelayed(outcome.untilMs, token);
        throw new DelayedError();
      }
      // A final failure is recorded in the ledger; the job fails without retries, as the audit trail.
      if (outcome.kind === 'failed')
        throw new UnrecoverableError(`${outcome.error.code}: ${outcome.error.message}`);
    },
    {
      connection,
      prefix,
      concurrency: options.issueConcurrency,
      // A worker that dies mid-job loses its lock; the job is re-run (and reconciles) elsewhere.
      lockDuration: options.lockDurationMs ?? ISSUE_LOCK_DEFAULTS.lockDurationMs,
      stalledInterval: options.stalledIntervalMs ?? ISSUE_LOCK_DEFAULTS.stalledIntervalMs,
      maxStalledCount: options.maxStalledCount ?? ISSUE_LOCK_DEFAULTS.maxStalledCount,
    },
  );
  issue.on('failed', (job, error) => {
    // BullMQ fails such a job without running it: the ledger must not stay `issuing`.
    if (!job || error.message !== STALLED_TOO_OFTEN) return;
    abandonIssue(job.data.requestId, 'its worker stopped too many times', issueDeps(job)).catch((failure) =>
      logger.error({ err: failure, jobId: job.id }, 'could not record an abandoned job'),
    );
  });

  const deliver = new Worker(
    QUEUE_NAMES.deliver,
    async (job: Job) => {
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const data = jobSchemas.deliver.safeParse(job.data);
      if (!data.success) throw new UnrecoverableError('a deliver job with data of an unknown shape');
      const outcome = await processDeliver(data.data, lastAttempt, {
        ledger: runtime.ledger,
        deliverers: options.deliverers,
        notices: options.notices ?? {},
        actionDeliverers: options.actionDeliverers ?? {},
        actions: runtime.actions,
        guard,
        lock: destinationLock,
        logger: logger.child({ jobId: job.id, queue: 'deliver' }),
      });
      if (outcome.kind === 'retry') throw outcome.error;
      if (outcome.kind === 'failed' || outcome.kind === 'refused')
        throw new UnrecoverableError(outcome.error.message);
    },
    {
      connection,
      prefix,
      concurrency: options.deliverConcurrency,
      settings: { backoffStrategy: deliveryBackoff },
    },
  );

  // While a request retries, its caller and the backoffice see how many attempts, when the next
  // one runs and why the last failed (the final failure is recorded by processIssue itself).
  // A Slack thread says so too: one interim message, edited at each retry, then the result.
  const tellRetrying = async (requestId: string, attempts: number) => {
    const entry = await runtime.ledger.get(requestId);
    if (entry?.origin.kind !== 'slack') return;
    const data = { requestId, progress: true } as const;
    await enqueue(runtime.queues, 'deliver', data, { jobId: `${requestId}.retrying.${attempts}` });
  };
  issue.on('failed', (job, error) => {
    if (!job || !isFaturadorError(error) || job.attemptsMade >= (job.opts.attempts ?? 1)) return;
    runtime.ledger
      .recordAttemptFailure(job.data.requestId, {
        attempts: job.attemptsMade,
        maxAttempts: job.opts.attempts ?? 1,
        nextAttemptAt: job.delay > 0 ? new Date(Date.now() + job.delay).toISOString() : null,
        error: error.toJSON(),
      })
      .then(() => tellRetrying(job.data.requestId, job.attemptsMade))
      .catch((failure: unknown) =>
        logger.warn({ err: failure, jobId: job.id }, 'could not record the attempt'),
      );
  });

  // An action's outcome goes where its request came from, whoever asked for it. The job id makes
  // it one delivery per action, however many times a settled action's job runs again.
  const tellOutcome = async (actionId: string) => {
    const action = await runtime.actions.get(actionId);
    if (!action || (action.state !== 'done' && action.state !== 'failed')) return;
    const entry = await runtime.ledger.get(action.requestId);
    if (!entry || !options.actionDeliverers?.[entry.origin.kind]) return;
    await enqueue(
      runtime.queues,
      'deliver',
      { requestId: action.requestId, actionId },
      { jobId: `${actionId}.outcome` },
    );
  };

  const lifecycle = new Worker(
    QUEUE_NAMES.lifecycle,
    async (job: Job, token?: string) => {
      const run = () =>
        processAction(
          {
            actionId: job.data.actionId,
            attemptsMade: job.attemptsMade,
            maxAttempts: job.opts.attempts ?? 1,
          },
          {
            ledger: runtime.ledger,
            actions: runtime.actions,
            moloniFor: runtime.moloni.client,
            mailer: options.mailer ?? null,
            logger: logger.child({ jobId: job.id, queue: 'lifecycle' }),
          },
        );
      // The action's Moloni calls go on the timeline of the request whose document it acts on.
      const action = await runtime.actions.get(job.data.actionId);
      const outcome = action
        ? await runtime.callTimeline.within(
            {
              requestId: action.requestId,
              attempt: job.attemptsMade + 1,
              job: 'lifecycle',
              actionId: action.actionId,
            },
            run,
          )
        : await run();
      if (outcome.kind === 'done' || outcome.kind === 'failed') await tellOutcome(job.data.actionId);
      if (outcome.kind === 'retry') throw outcome.error;
      if (outcome.kind === 'wait') {
        await job.moveToDelayed(outcome.untilMs, token);
        throw new DelayedError();
      }
      if (outcome.kind === 'failed')
        throw new UnrecoverableError(`${outcome.error.code}: ${outcome.error.message}`);
    },
    {
      connection,
      prefix,
      concurrency: options.issueConcurrency,
      lockDuration: options.lockDurationMs ?? ISSUE_LOCK_DEFAULTS.lockDurationMs,
      stalledInterval: options.stalledIntervalMs ?? ISSUE_LOCK_DEFAULTS.stalledIntervalMs,
      // The same setting as issue jobs: an action reconciles before it writes, like an issuance.
      maxStalledCount: options.maxStalledCount ?? ISSUE_LOCK_DEFAULTS.maxStalledCount,
    },
  );

  lifecycle.on('failed', (job, error) => {
    // As for issue jobs: an action BullMQ gave up on must not stay `running`.
    if (!job || error.message !== STALLED_TOO_OFTEN) return;
    abandonAction(job.data.actionId, 'its worker stopped too many times', runtime)
      .then(() => tellOutcome(job.data.actionId))
      .catch((failure) =>
        logger.error({ err: failure, jobId: job.id }, 'could not record an abandoned action'),
      );
  });

  for (const [name, worker] of [
    ['issue', issue],
    ['deliver', deliver],
    ['lifecycle', lifecycle],
  ] as const) {
    worker.on('error', (error) => logger.error({ err: error, queue: name }, 'worker error'));
    worker.on('failed', (job, error) =>
      logger.warn(
        { jobId: job?.id, queue: name, attempts: job?.attemptsMade, err: error.message },
        'job attempt failed',
      ),
    );
  }

  return {
    issue,
    deliver,
    lifecycle,
    async close(graceMs) {
      const closing = Promise.all([issue.close(), deliver.close(), lifecycle.close()]);
      const deadline = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), graceMs).unref(),
      );
      if ((await Promise.race([closing, deadline])) === 'timeout') {
        logger.warn({ graceMs }, 'active jobs did not finish in time: handing them back');
        // Force-closing releases the locks; the jobs become stalled and are re-run (and reconcile).
        await Promise.all([issue.close(true), deliver.close(true), lifecycle.close(true)]);
      }
      // Only now: until its jobs are done or handed back, others must wait for its inserts.
      heartbeat.stop();
    },
  };
}
