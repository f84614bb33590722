/**
 * The API's answers are core's response schemas (the ones the API's OpenAPI spec is generated
 * from), so the SDK cannot drift from what the server sends.
 */
import type {
  acceptedBodySchema,
  DocumentActionBody,
  EmailAcceptedBody,
  ErrorEnvelope,
  InvoiceRequestBody,
  invoiceListBodySchema,
  Origin,
  RequestState,
  SuccessEnvelope,
  statusBodySchema,
} from '@faturador/core';
import type { z } from 'zod';

export type { RequestState };

/** 202 answer to `Prefer: respond-async`: the request is claimed and will be issued. */
export type AcceptedBody = z.output<typeof acceptedBodySchema>;

/** `GET /api/v1/invoices/{request_id}`. */
export type InvoiceStatusBody = z.output<typeof statusBodySchema>;

/** `GET /api/v1/invoices/`: one page of the client's own requests, newest first. */
export type InvoiceListBody = z.output<typeof invoiceListBodySchema>;

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

/** The answer of finalize, delete, credit-notes and receipts. */
export type ActionResult = ApiResult<DocumentActionBody>;

/** The answer of `POST …/email`: 202, where the e-mail stands (its outcome shows on the request). */
export type EmailResult = ApiResult<EmailAcceptedBody>;

/** Options of every call after issuing. */
export interface ActionOptions {
  /** Required by the API, as for issuing. */
  idempotencyKey: string;
  /**
   * The Slack user (`U…`) a Slack bot acts for: recorded as who asked (the API honours it only for
   * clients allowed to deliver to a Slack workspace).
   */
  actingSlackUser?: string;
}

export interface BillingClient {
  issueInvoice(body: InvoiceRequestBody, options: IssueOptions): Promise<BillingResult>;
  /** `POST …/finalize`: closes a draft after checking its total. */
  finalizeInvoice(requestId: string, options: ActionOptions): Promise<ActionResult>;
  /** `DELETE /api/v1/invoices/{id}`: deletes a draft (a final document needs a credit note). */
  deleteDraft(requestId: string, options: ActionOptions): Promise<ActionResult>;
  /** `POST …/credit-notes`: in full by default, or by line. */
  creditInvoice(
    requestId: string,
    body: { reason: string; items?: Array<{ line: number; quantity?: number; gross_price?: number }> },
    options: ActionOptions,
  ): Promise<ActionResult>;
  /** `POST …/receipts`: records a payment of an FT (the whole open amount by default). */
  recordPayment(
    requestId: string,
    body: { amount?: number; payment_method?: string; date?: string },
    options: ActionOptions,
  ): Promise<ActionResult>;
  /** `POST …/email`: e-mails the final document's PDF, to `to` or to the customer's e-mail. */
  emailInvoice(requestId: string, body: { to?: string }, options: ActionOptions): Promise<EmailResult>;
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
