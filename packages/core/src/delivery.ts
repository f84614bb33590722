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
  /**
   * Nothing can be sent there from here, for a plain reason that is nobody's fault (no bot token
   * for that Slack workspace yet): recorded as no delivery, with the reason, and not tried again
   * until someone redelivers. Not a refusal: the destination may well be the requester's.
   */
  readonly undeliverable: boolean;

  constructor(
    message: string,
    options: {
      retryable: boolean;
      retryAfterMs?: number | null;
      refused?: boolean;
      undeliverable?: boolean;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.refused = options.refused ?? false;
    this.undeliverable = !this.refused && (options.undeliverable ?? false);
    this.retryable = this.refused || this.undeliverable ? false : options.retryable;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

/** A refusal to deliver: the destination does not belong to the request's client. */
export function deliveryRefused(message: string): DeliveryError {
  return new DeliveryError(message, { retryable: false, refused: true });
}

/** Nothing can be delivered there from this worker, for the reason given (see `undeliverable`). */
export function notDeliverable(message: string): DeliveryError {
  return new DeliveryError(message, { retryable: false, undeliverable: true });
}
