import {
  type AirtableOrigin,
  DeliveryError,
  type Origin,
  type RelatedFields,
  type SerializedError,
} from '@faturador/core';
import type { JobData } from '@faturador/jobs';
import type { DestinationLock, Ledger, LedgerEntry, LifecycleAction, LifecycleStore } from '@faturador/store';
import { relatedFields } from './lifecycle/related.ts';

/** Takes a final result to where its request came from. One function per origin kind. */
export type Deliverer = (entry: LedgerEntry) => Promise<void>;

/**
 * Takes the outcome of an action on a request's document (done or failed) to where the request
 * came from, whoever asked for it (the API, the backoffice, the thread itself), with what the
 * document now is (credited, paid…).
 */
export type ActionDeliverer = (
  entry: LedgerEntry,
  action: LifecycleAction,
  history: ActionHistory,
) => Promise<void>;

/** Every action of the request (this one included) and what they add up to. */
export interface ActionHistory {
  actions: readonly LifecycleAction[];
  related: RelatedFields;
}

/** Who a delivery is for and where it goes: a request's, or a refused trigger's (no request). */
export interface DeliveryTarget {
  clientId: string;
  origin: Origin;
}

/**
 * What a destination shows before or without a result: the request is being issued, or a trigger
 * was refused before any request existed (a record that cannot be invoiced).
 */
export type Notice =
  | { kind: 'issuing'; entry: LedgerEntry }
  | { kind: 'refused'; error: Pick<SerializedError, 'code' | 'message'> };

export type NoticeDeliverer = (target: DeliveryTarget, notice: Notice) => Promise<void>;

/**
 * Whether the request's client owns its destination, asked again at delivery time: the origin was
 * checked when the request came in, and this check keeps an entry that somehow names another
 * client's workspace or base from being written there. Returns why not, or null when it does.
 */
export type DestinationGuard = (target: DeliveryTarget) => Promise<string | null>;

export interface DeliverDeps {
  ledger: Ledger;
  deliverers: Partial<Record<LedgerEntry['origin']['kind'], Deliverer>>;
  /** Destinations that show notices (an Airtable record's "A emitir…"); others get results only. */
  notices?: Partial<Record<LedgerEntry['origin']['kind'], NoticeDeliverer>>;
  /** Outcomes of actions after issuing, per origin kind; an origin without one is not told. */
  actionDeliverers?: Partial<Record<LedgerEntry['origin']['kind'], ActionDeliverer>>;
  actions?: Pick<LifecycleStore, 'get' | 'list' | 'setDelivery'>;
  guard: DestinationGuard;
  /** One writer at a time per destination, so the newest state is always the last one written. */
  lock: DestinationLock;
  logger?: { error(obj: object, msg: string): void; warn?(obj: object, msg: string): void };
}

export type DeliverOutcome =
  | { kind: 'done' }
  | { kind: 'refused'; error: DeliveryError }
  | { kind: 'retry'; error: DeliveryError }
  | { kind: 'failed'; error: DeliveryError };

/** The lock's name: one per record, thread or (for the API) request. */
export function destinationKey(target: DeliveryTarget, requestId?: string): string {
  const { origin } = target;
  if (origin.kind === 'airtable') return `airtable:${origin.base_id}:${origin.table_id}:${origin.record_id}`;
  if (origin.kind === 'slack') return `slack:${origin.team_id ?? ''}:${origin.channel}:${origin.message_ts}`;
  return `api:${requestId ?? target.clientId}`;
}

function asDeliveryError(thrown: unknown): DeliveryError {
  return thrown instanceof DeliveryError
    ? thrown
    : new DeliveryError(thrown instanceof Error ? thrown.message : String(thrown), {
        retryable: true,
        cause: thrown,
      });
}

function logRefusal(target: DeliveryTarget, reason: string, deps: DeliverDeps, requestId?: string) {
  deps.logger?.error(
    { requestId, clientId: target.clientId, origin: target.origin.kind, reason },
    'delivery refused: the destination does not belong to the request’s client',
  );
}

async function refuse(entry: LedgerEntry, reason: string, deps: DeliverDeps): Promise<DeliverOutcome> {
  logRefusal(entry, reason, deps, entry.requestId);
  await deps.ledger.setDelivery(entry.requestId, 'refused', reason);
  return { kind: 'refused', error: new DeliveryError(reason, { retryable: false, refused: true }) };
}

/**
 * Nothing could be sent, for a plain reason (no bot token for that workspace): the operator reads
 * it on the request, and a redelivery once the reason is gone delivers it.
 */
function logUndeliverable(target: DeliveryTarget, reason: string, deps: DeliverDeps, requestId?: string) {
  deps.logger?.warn?.(
    { requestId, clientId: target.clientId, origin: target.origin.kind, reason },
    'nothing delivered: the destination cannot be reached from this worker',
  );
}

const busy = (): DeliverOutcome => ({
  kind: 'retry',
  error: new DeliveryError('Another delivery to this destination is still running.', { retryable: true }),
});

/**
 * One attempt of a `deliver` job: a request's result, the "issuing" notice of a request, or a
 * trigger's refusal. Delivery never touches Moloni: a failure here issues nothing. It is the only
 * writer of Slack threads and Airtable records, one at a time per destination.
 */
export async function processDeliver(
  job: JobData<'deliver'>,
  lastAttempt: boolean,
  deps: DeliverDeps,
): Promise<DeliverOutcome> {
  if ('refusal' in job) return deliverRefusal(job.refusal, lastAttempt, deps);
  const first = await deps.ledger.get(job.requestId);
  if (!first) {
    return {
      kind: 'failed',
      error: new DeliveryError(`No request ${job.requestId} to deliver.`, { retryable: false }),
    };
  }
  const locked = await deps.lock.withLock(destinationKey(first, first.requestId), async () => {
    // Read again under the lock: what is written is the newest state of the request.
    const entry = (await deps.ledger.get(job.requestId)) ?? first;
    if ('actionId' in job) return deliverAction(entry, job.actionId, lastAttempt, deps);
    return job.progress ? deliverProgress(entry, lastAttempt, deps) : deliverResult(entry, lastAttempt, deps);
  });
  return locked ? locked.value : busy();
}

async function deliverResult(
  entry: LedgerEntry,
  lastAttempt: boolean,
  deps: DeliverDeps,
): Promise<DeliverOutcome> {
  if (entry.state !== 'issued' && entry.state !== 'failed') {
    return {
      kind: 'failed',
      error: new DeliveryError(`No final result to deliver for ${entry.requestId}.`, { retryable: false }),
    };
  }
  if (entry.delivery.state === 'delivered' || entry.delivery.state === 'refused') return { kind: 'done' };
  const deliver = deps.deliverers[entry.origin.kind];
  if (!deliver) {
    await deps.ledger.setDelivery(entry.requestId, 'none', `no deliverer for ${entry.origin.kind}`);
    return { kind: 'done' };
  }
  const refusal = await deps.guard(entry);
  if (refusal !== null) return refuse(entry, refusal, deps);
  try {
    await deliver(entry);
    await deps.ledger.setDelivery(entry.requestId, 'delivered', null);
    return { kind: 'done' };
  } catch (thrown) {
    const error = asDeliveryError(thrown);
    // A deliverer's own ownership check (the Slack token's workspace, the base's owner) agrees.
    if (error.refused) return refuse(entry, error.message, deps);
    if (error.undeliverable) {
      // Like an origin with no deliverer at all: no delivery, and why.
      logUndeliverable(entry, error.message, deps, entry.requestId);
      await deps.ledger.setDelivery(entry.requestId, 'none', error.message);
      return { kind: 'done' };
    }
    if (error.retryable && !lastAttempt) return { kind: 'retry', error };
    await deps.ledger.setDelivery(entry.requestId, 'failed', error.message);
    return { kind: 'failed', error };
  }
}

async function deliverAction(
  entry: LedgerEntry,
  actionId: string,
  lastAttempt: boolean,
  deps: DeliverDeps,
): Promise<DeliverOutcome> {
  const store = deps.actions;
  const action = await store?.get(actionId);
  if (!store || !action || action.requestId !== entry.requestId) {
    return {
      kind: 'failed',
      error: new DeliveryError(`No action ${actionId} of ${entry.requestId} to deliver.`, {
        retryable: false,
      }),
    };
  }
  if (action.state !== 'done' && action.state !== 'failed') {
    return {
      kind: 'failed',
      error: new DeliveryError(`Action ${actionId} has no outcome yet.`, { retryable: false }),
    };
  }
  if (action.delivery?.state === 'delivered' || action.delivery?.state === 'refused') return { kind: 'done' };
  const deliver = deps.actionDeliverers?.[entry.origin.kind];
  if (!deliver) return { kind: 'done' };
  const refusal = await deps.guard(entry);
  const refused = async (reason: string): Promise<DeliverOutcome> => {
    logRefusal(entry, reason, deps, entry.requestId);
    await store.setDelivery(actionId, 'refused', reason);
    return { kind: 'refused', error: new DeliveryError(reason, { retryable: false, refused: true }) };
  };
  if (refusal !== null) return refused(refusal);
  try {
    const actions = await store.list(entry.requestId);
    await deliver(entry, action, { actions, related: relatedFields(entry, actions) });
    await store.setDelivery(actionId, 'delivered', null);
    return { kind: 'done' };
  } catch (thrown) {
    const error = asDeliveryError(thrown);
    if (error.refused) return refused(error.message);
    if (error.undeliverable) {
      logUndeliverable(entry, error.message, deps, entry.requestId);
      await store.setDelivery(actionId, 'none', error.message);
      return { kind: 'done' };
    }
    if (error.retryable && !lastAttempt) return { kind: 'retry', error };
    await store.setDelivery(actionId, 'failed', error.message);
    return { kind: 'failed', error };
  }
}

/** "Being issued", unless the result is already there: then the result's own delivery writes it. */
async function deliverProgress(
  entry: LedgerEntry,
  lastAttempt: boolean,
  deps: DeliverDeps,
): Promise<DeliverOutcome> {
  const notify = deps.notices?.[entry.origin.kind];
  if (!notify || entry.state === 'issued' || entry.state === 'failed') return { kind: 'done' };
  const refusal = await deps.guard(entry);
  if (refusal !== null) {
    logRefusal(entry, refusal, deps, entry.requestId);
    return { kind: 'refused', error: new DeliveryError(refusal, { retryable: false, refused: true }) };
  }
  return notifyOnce(
    () => notify(entry, { kind: 'issuing', entry }),
    lastAttempt,
    (reason) => logUndeliverable(entry, reason, deps, entry.requestId),
  );
}

async function deliverRefusal(
  refusal: { clientId: string; origin: AirtableOrigin; error: { code: string; message: string } },
  lastAttempt: boolean,
  deps: DeliverDeps,
): Promise<DeliverOutcome> {
  const target: DeliveryTarget = { clientId: refusal.clientId, origin: refusal.origin };
  const notify = deps.notices?.[target.origin.kind];
  if (!notify) return { kind: 'done' };
  const locked = await deps.lock.withLock(destinationKey(target), async () => {
    const denied = await deps.guard(target);
    if (denied !== null) {
      logRefusal(target, denied, deps);
      return {
        kind: 'refused',
        error: new DeliveryError(denied, { retryable: false, refused: true }),
      } satisfies DeliverOutcome;
    }
    const error = refusal.error as Pick<SerializedError, 'code' | 'message'>;
    return notifyOnce(
      () => notify(target, { kind: 'refused', error }),
      lastAttempt,
      (reason) => logUndeliverable(target, reason, deps),
    );
  });
  return locked ? locked.value : busy();
}

/** A notice leaves no delivery state: one that cannot be delivered is only logged, then dropped. */
async function notifyOnce(
  write: () => Promise<void>,
  lastAttempt: boolean,
  undeliverable: (reason: string) => void,
): Promise<DeliverOutcome> {
  try {
    await write();
    return { kind: 'done' };
  } catch (thrown) {
    const error = asDeliveryError(thrown);
    if (error.refused) return { kind: 'refused', error };
    if (error.undeliverable) {
      undeliverable(error.message);
      return { kind: 'done' };
    }
    if (error.retryable && !lastAttempt) return { kind: 'retry', error };
    return { kind: 'failed', error };
  }
}
