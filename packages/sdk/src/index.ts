export {
  BillingApiError,
  type BillingClientOptions,
  createBillingClient,
  isValidIdempotencyKey,
} from './client.ts';
export {
  type AcceptedBody,
  type ActionOptions,
  type ActionResult,
  type AirtableRecordRef,
  type ApiResult,
  type BillingClient,
  type BillingResult,
  type EmailResult,
  type InvoiceListBody,
  type InvoiceStatusBody,
  type IssueOptions,
  isAccepted,
  type ListInvoicesQuery,
  type RequestState,
  type StatusResult,
} from './types.ts';
