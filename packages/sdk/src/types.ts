import type { ErrorEnvelope, InvoiceRequestBody, Origin, SuccessEnvelope } from '@faturador/core';

export type RequestState = 'queued' | 'issuing' | 'issued' | 'failed';

/** 202 answer to `Prefer: respond-async`: the request is claimed and will be issued. */
export interface AcceptedBody {
  success: true;
  request_id: string;
  reference?: string;
  state: RequestState;
  status_url: string;
}

/** `GET /api/v1/invoices/{request_id}`. */
export interface InvoiceStatusBody {
  success: true;
  request_id: string;
  reference: string;
  state: RequestState;
  document?: SuccessEnvelope['document'] | null;
  error?: ErrorEnvelope['error'] | null;
  created_at?: string;
  updated_at?: string;
  /** Attempts of the issue job so far; while it retries, when the next runs and why the last failed. */
  attempts?: number;
  next_attempt_at?: string | null;
  last_error?: ErrorEnvelope['error'] | null;
}

/** `GET /api/v1/invoices/`: one page of the client's own requests, newest first. */
export interface InvoiceListBody {
  success: true;
  data: InvoiceStatusBody[];
  /** Pass it as `cursor` for the next page; null on the last. */
  next_cursor: string | null;
}

export interface ListInvoicesQuery {
  reference?: string;
  state?: RequestState;
  /** ISO date (the whole day) or date-time. */
  from?: string;
  to?: string;
  /** 1–200, 50 by default. */
  limit?: number;
  cursor?: string;
}

/** `POST /api/v1/record-triggers/airtable`: the same shapes as an invoice request. */
export interface AirtableRecordRef {
  base_id: string;
  table_id: string;
  record_id: string;
}

/**
 * The outcome of one call. HTTP error statuses are values, not exceptions: a caller must look at
 * them (a 409 or a 422 is an answer); only a failure to get any answer throws.
 */
export type ApiResult<T> =
  | { ok: true; status: number; requestId: string | null; body: T }
  | { ok: false; status: number; requestId: string | null; body: ErrorEnvelope };

export type BillingResult = ApiResult<SuccessEnvelope | AcceptedBody>;
export type StatusResult = ApiResult<InvoiceStatusBody>;

export interface IssueOptions {
  /** Required by the API: a UUID, or 8–128 characters of `A-Z a-z 0-9 _ - : .`. */
  idempotencyKey: string;
  /** Sends `Prefer: respond-async`: the API answers 202 at once instead of waiting for Moloni. */
  async?: boolean;
  /** Where the result goes back to (a Slack thread, an Airtable record). */
  origin?: Origin;
}

export interface BillingClient {
  issueInvoice(body: InvoiceRequestBody, options: IssueOptions): Promise<BillingResult>;
  getInvoice(requestId: string): Promise<StatusResult>;
  /** `GET /api/v1/invoices/`: one page of this client's own requests, newest first. */
  listInvoices(query?: ListInvoicesQuery): Promise<ApiResult<InvoiceListBody>>;
  /**
   * `POST /api/v1/record-triggers/airtable` (a key with `record-triggers:write`): the server reads
   * the record, issues once per record and writes the result back. `wait: 'sync'` answers with
   * the result within the API's budget; by default it answers 202 at once.
   */
  triggerAirtableRecord(
    record: AirtableRecordRef,
    options?: { idempotencyKey?: string; wait?: 'sync' | 'async' },
  ): Promise<BillingResult>;
}

export function isAccepted(body: SuccessEnvelope | AcceptedBody): body is AcceptedBody {
  return 'state' in body && !('document' in body);
}
