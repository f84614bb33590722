import { AsyncLocalStorage } from 'node:async_hooks';
import type { MoloniCall, MoloniCallObserver } from '@faturador/moloni';
import type { MoloniCallLog, RecordedMoloniCall } from '@faturador/store';

/** The job a Moloni call is made for: its request, the job's attempt, the action if any. */
export interface CallContext {
  requestId: string;
  attempt: number;
  job: RecordedMoloniCall['job'];
  actionId?: string;
}

export interface CallTimeline {
  /** The Moloni clients' observer: records each call under the job running it, if any. */
  observer: MoloniCallObserver;
  /** Runs a job's work so that the Moloni calls it makes are recorded on its request. */
  within<T>(context: CallContext, work: () => Promise<T>): Promise<T>;
  /** Resolves once the calls told so far are written (tests, shutdown). */
  flush(): Promise<void>;
}

/** How long a job's calls may wait in memory before they are written (a long job shows progress). */
export const TIMELINE_FLUSH_MS = 1_000;

interface Batch {
  context: CallContext;
  calls: RecordedMoloniCall[];
  timer: NodeJS.Timeout | null;
}

/**
 * A request's timeline of Moloni calls. The clients are shared by every job of a connection, so
 * the job a call belongs to comes from the async context the job runs in, not from the client.
 *
 * A job's calls are written together when it ends (one round trip per job instead of one per
 * call: Redis traffic is most of what the queue adds to a document), or after
 * TIMELINE_FLUSH_MS while a long job still runs. So a worker killed mid-job loses at most that
 * much of its timeline; the ledger, which decides what happens next, never waits on it.
 */
export function createCallTimeline(
  log: MoloniCallLog,
  onError: (error: unknown) => void = () => {},
  flushAfterMs = TIMELINE_FLUSH_MS,
): CallTimeline {
  const current = new AsyncLocalStorage<Batch>();
  let pending: Promise<void> = Promise.resolve();

  function write(batch: Batch): void {
    if (batch.timer) clearTimeout(batch.timer);
    batch.timer = null;
    const calls = batch.calls.splice(0);
    if (calls.length === 0) return;
    // In the order the calls ended; a lost record never fails the job.
    pending = pending.then(() => log.record(batch.context.requestId, ...calls)).catch(onError);
  }

  return {
    observer(call: MoloniCall) {
      const batch = current.getStore();
      if (!batch) return;
      const { context } = batch;
      batch.calls.push({
        at: call.at,
        endpoint: call.endpoint,
        ok: call.ok,
        code: call.code,
        status: call.status,
        durationMs: call.durationMs,
        attempt: context.attempt,
        try: call.try,
        job: context.job,
        ...(context.actionId ? { actionId: context.actionId } : {}),
      });
      if (!batch.timer) {
        batch.timer = setTimeout(() => write(batch), flushAfterMs);
        batch.timer.unref();
      }
    },
    async within(context, work) {
      const batch: Batch = { context, calls: [], timer: null };
      try {
        return await current.run(batch, work);
      } finally {
        write(batch);
      }
    },
    flush: () => pending,
  };
}
