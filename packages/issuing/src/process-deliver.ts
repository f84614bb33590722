import { DeliveryError } from '@faturador/core';
import type { Ledger, LedgerEntry } from '@faturador/store';

/** Takes a final result to where its request came from. One function per origin kind. */
export type Deliverer = (entry: LedgerEntry) => Promise<void>;

/**
 * Whether the request's client owns its destination, asked again at delivery time: the origin was
 * checked when the request came in, and this check keeps an entry that somehow names another
 * client's workspace or base from being written there. Returns why not, or null when it does.
 */
export type DestinationGuard = (entry: LedgerEntry) => Promise<string | null>;

export interface DeliverDeps {
  ledger: Ledger;
  deliverers: Partial<Record<LedgerEntry['origin']['kind'], Deliverer>>;
  guard: DestinationGuard;
  logger?: { error(obj: object, msg: string): void };
}

export type DeliverOutcome =
  | { kind: 'done' }
  | { kind: 'refused'; error: DeliveryError }
  | { kind: 'retry'; error: DeliveryError }
  | { kind: 'failed'; error: DeliveryError };

async function refuse(entry: LedgerEntry, reason: string, deps: DeliverDeps): Promise<DeliverOutcome> {
  deps.logger?.error(
    { requestId: entry.requestId, clientId: entry.clientId, origin: entry.origin.kind, reason },
    'delivery refused: the destination does not belong to the request’s client',
  );
  await deps.ledger.setDelivery(entry.requestId, 'refused', reason);
  return { kind: 'refused', error: new DeliveryError(reason, { retryable: false, refused: true }) };
}

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
  if (entry.delivery.state === 'delivered' || entry.delivery.state === 'refused') return { kind: 'done' };
  const deliver = deps.deliverers[entry.origin.kind];
  if (!deliver) {
    await deps.ledger.setDelivery(requestId, 'none', `no deliverer for ${entry.origin.kind}`);
    return { kind: 'done' };
  }
  const refusal = await deps.guard(entry);
  if (refusal !== null) return refuse(entry, refusal, deps);
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
    // A deliverer's own ownership check (the Slack token's workspace, the base's owner) agrees.
    if (error.refused) return refuse(entry, error.message, deps);
    if (error.retryable && !lastAttempt) return { kind: 'retry', error };
    await deps.ledger.setDelivery(requestId, 'failed', error.message);
    return { kind: 'failed', error };
  }
}
