import { doneChannel, type Ledger, type LedgerEntry, parseDoneMessage } from '@faturador/store';
import type { Redis } from 'ioredis';

/** Issued or failed: what every caller of the request gets from now on. */
export function isFinal(entry: LedgerEntry): boolean {
  return entry.state === 'issued' || entry.state === 'failed';
}

/**
 * Waits for requests to reach a final state. One subscriber connection per API process; the
 * worker's ledger script publishes the request id with the entry it just wrote on the done
 * channel, so a waiter answers from the message; one without an entry (or none, lost with a
 * dropped connection) is made up for by reading the ledger.
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
  const waiters = new Map<string, Set<(entry: LedgerEntry | null) => void>>();
  const channel = doneChannel(deps.prefix);
  deps.subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const { requestId, entry } = parseDoneMessage(message);
    for (const wake of waiters.get(requestId) ?? []) wake(entry);
  });
  await deps.subscriber.subscribe(channel);

  return {
    async wait(requestId, timeoutMs, options = {}) {
      const deadline = Date.now() + timeoutMs;
      let wake: () => void = () => {};
      const woken = () => new Promise<void>((resolve) => (wake = resolve));
      let signal = woken();
      // What the last message carried: the entry as the worker's script wrote it.
      let announced: LedgerEntry | null = null;
      const listeners = waiters.get(requestId) ?? new Set();
      const listener = (entry: LedgerEntry | null) => {
        announced = entry;
        wake();
      };
      listeners.add(listener);
      waiters.set(requestId, listeners);
      try {
        await options.start?.();
        // Subscribed before the first read: a result published in between is never missed.
        let known = options.current;
        for (;;) {
          const entry = known ?? announced ?? (await deps.ledger.get(requestId));
          known = undefined;
          announced = null;
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
