/**
 * A failure to take a result back to its origin (a Slack thread, an Airtable record). Delivery
 * failures never re-issue a document; a retryable one is tried again later, after `retryAfterMs`
 * when the remote service said how long to wait.
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;
  /**
   * The destination is not the requester's to write to (a Slack workspace or Airtable base it is
   * not bound to): nothing was sent, and nothing ever will be for this result.
   */
  readonly refused: boolean;

  constructor(
    message: string,
    options: { retryable: boolean; retryAfterMs?: number | null; refused?: boolean; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.refused = options.refused ?? false;
    this.retryable = this.refused ? false : options.retryable;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

/** A refusal to deliver: the destination does not belong to the request's client. */
export function deliveryRefused(message: string): DeliveryError {
  return new DeliveryError(message, { retryable: false, refused: true });
}
