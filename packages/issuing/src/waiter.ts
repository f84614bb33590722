import { doneChannel, type Ledger, type LedgerEntry } from '@faturador/store';
import type { Redis } from 'ioredis';

/** Issued or failed: what every caller of the request gets from now on. */
export function isFinal(entry: LedgerEntry): boolean {
  return entry.state === 'issued' || entry.state === 'failed';
}

/**
 * Waits for requests to reach a final state. One subscriber connection per API process; the
 * worker publishes the request id on the done channel after writing the ledger, and every
 * waiter re-reads the ledger (the message is only a wake-up, the ledger is the truth).
 */
export interface WaitOptions {
  /**
   * Runs once the waiter listens (enqueueing the job): a result published while it runs is not
   * missed, so `current` can stand for the first read.
   */
  start?: () => Promise<void>;
  /** The entry as the caller just wrote it: saves the first read of the ledger. */
  current?: LedgerEntry;
}

export interface ResultWaiter {
  wait(requestId: string, timeoutMs: number, options?: WaitOptions): Promise<LedgerEntry | null>;
  close(): Promise<void>;
}

export async function createResultWaiter(deps: {
  subscriber: Redis;
  ledger: Ledger;
  prefix: string;
}): Promise<ResultWaiter> {
  const waiters = new Map<string, Set<() => void>>();
  const channel = doneChannel(deps.prefix);
  deps.subscriber.on('message', (from: string, requestId: string) => {
    if (from !== channel) return;
    for (const wake of waiters.get(requestId) ?? []) wake();
  });
  await deps.subscriber.subscribe(channel);

  return {
    async wait(requestId, timeoutMs, options = {}) {
      const deadline = Date.now() + timeoutMs;
      let wake: () => void = () => {};
      const woken = () => new Promise<void>((resolve) => (wake = resolve));
      let signal = woken();
      const listeners = waiters.get(requestId) ?? new Set();
      const listener = () => wake();
      listeners.add(listener);
      waiters.set(requestId, listeners);
      try {
        await options.start?.();
        // Subscribed before the first read: a result published in between is never missed.
        let known = options.current;
        for (;;) {
          const entry = known ?? (await deps.ledger.get(requestId));
          known = undefined;
          if (!entry || isFinal(entry)) return entry;
          const left = deadline - Date.now();
          if (left <= 0) return entry;
          // Re-read periodically too, in case a notification was lost with a dropped connection.
          await Promise.race([signal, new Promise((resolve) => setTimeout(resolve, Math.min(left, 1_000)))]);
          signal = woken();
        }
      } finally {
        listeners.delete(listener);
        if (listeners.size === 0) waiters.delete(requestId);
      }
    },
    async close() {
      await deps.subscriber.unsubscribe(channel).catch(() => {});
      deps.subscriber.disconnect();
    },
  };
}
