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

/**
 * A request's timeline of Moloni calls. The clients are shared by every job of a connection, so
 * the job a call belongs to comes from the async context the job runs in, not from the client.
 */
export function createCallTimeline(
  log: MoloniCallLog,
  onError: (error: unknown) => void = () => {},
): CallTimeline {
  const current = new AsyncLocalStorage<CallContext>();
  let pending: Promise<void> = Promise.resolve();
  return {
    observer(call: MoloniCall) {
      const context = current.getStore();
      if (!context) return;
      const recorded: RecordedMoloniCall = {
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
      };
      // In the order the calls ended; a lost record never fails the job.
      pending = pending.then(() => log.record(context.requestId, recorded)).catch(onError);
    },
    within: (context, work) => current.run(context, work),
    flush: () => pending,
  };
}
