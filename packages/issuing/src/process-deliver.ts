import { DeliveryError } from '@faturador/core';
import type { Ledger, LedgerEntry } from '@faturador/store';

/** Takes a final result to where its request came from. One function per origin kind. */
export type Deliverer = (entry: LedgerEntry) => Promise<void>;

export interface DeliverDeps {
  ledger: Ledger;
  deliverers: Partial<Record<LedgerEntry['origin']['kind'], Deliverer>>;
}

export type DeliverOutcome =
  | { kind: 'done' }
  | { kind: 'retry'; error: DeliveryError }
  | { kind: 'failed'; error: DeliveryError };

/** One attempt of a `deliver` job. Delivery never touches Moloni: a failure here issues nothing. */
export async function processDeliver(
  requestId: string,
  lastAttempt: boolean,
  deps: DeliverDeps,
): Promise<DeliverOutcome> {
  const entry = await deps.ledger.get(requestId);
  if (!entry || (entry.state !== 'issued' && entry.state !== 'failed')) {
    return {
      kind: 'failed',
      error: new DeliveryError(`No final result to deliver for ${requestId}.`, { retryable: false }),
    };
  }
  if (entry.delivery.state === 'delivered') return { kind: 'done' };
  const deliver = deps.deliverers[entry.origin.kind];
  if (!deliver) {
    await deps.ledger.setDelivery(requestId, 'none', `no deliverer for ${entry.origin.kind}`);
    return { kind: 'done' };
  }
  try {
    await deliver(entry);
    await deps.ledger.setDelivery(requestId, 'delivered', null);
    return { kind: 'done' };
  } catch (thrown) {
    const error =
      thrown instanceof DeliveryError
        ? thrown
        : new DeliveryError(thrown instanceof Error ? thrown.message : String(thrown), {
            retryable: true,
            cause: thrown,
          });
    if (error.retryable && !lastAttempt) return { kind: 'retry', error };
    await deps.ledger.setDelivery(requestId, 'failed', error.message);
    return { kind: 'failed', error };
  }
}
