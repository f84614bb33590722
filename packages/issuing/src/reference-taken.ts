import { FaturadorError } from '@faturador/core';
import type { LedgerEntry } from '@faturador/store';

function inDoubt(owner: LedgerEntry): boolean {
  return owner.state === 'failed' && owner.error?.details?.in_doubt === true;
}

/**
 * The answer to a request whose reference another request holds. Another API client's request
 * stays its own (nothing of it is shown); our own is named, with what became of it.
 */
export function referenceTakenError(
  reference: string,
  ownerId: string,
  owner: LedgerEntry | null,
  clientId: string,
): FaturadorError {
  if (owner && owner.clientId !== clientId) {
    return new FaturadorError(
      'REFERENCE_ALREADY_ISSUED',
      `Reference ${reference} was already used in this Moloni company by another API client.`,
    );
  }
  const details = {
    request_id: ownerId,
    state: owner?.state ?? null,
    document: owner?.document ?? null,
    ...(owner && inDoubt(owner) ? { in_doubt: true } : {}),
  };
  if (owner && inDoubt(owner)) {
    return new FaturadorError(
      'REFERENCE_ALREADY_ISSUED',
      `Reference ${reference} is held by request ${ownerId}, whose document Moloni may hold: retry that request with its own Idempotency-Key to settle it.`,
      details,
    );
  }
  return new FaturadorError(
    'REFERENCE_ALREADY_ISSUED',
    `Reference ${reference} was already used by request ${ownerId}.`,
    details,
  );
}
