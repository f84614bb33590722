/**
 * A failure to take a result back to its origin (a Slack thread, an Airtable record). Delivery
 * failures never re-issue a document; a retryable one is tried again later, after `retryAfterMs`
 * when the remote service said how long to wait.
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;

  constructor(
    message: string,
    options: { retryable: boolean; retryAfterMs?: number | null; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}
