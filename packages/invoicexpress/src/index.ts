export {
  accountBaseUrl,
  type NormalizedAccount,
  normalizeAccount,
  normalizeApiKey,
  PRODUCTION_BASE_URL,
} from './account.ts';
export { type ConnectionReport, checkConnection } from './check.ts';
export {
  createInvoiceXpressClient,
  InvoiceXpressClient,
  type InvoiceXpressClientOptions,
  type ListFilter,
  type PdfOptions,
} from './client.ts';
export {
  type CallKind,
  type CallOutcome,
  type ConnectionCause,
  errorMessages,
  outcomeOf,
} from './errors.ts';
export {
  type AccountRateLimiter,
  createMemoryLimiter,
  createRedisLimiter,
  DEFAULT_PER_SECOND,
  type LimiterOptions,
} from './limiter.ts';
export { documentTotals, type IxTotals, netUnitPrice, type PricedLine } from './pricing.ts';
export {
  createInvoiceXpressProvider,
  type InvoiceXpressProvider,
  type InvoiceXpressProviderOptions,
} from './provider.ts';
export {
  DEFAULT_RETRY,
  DEFAULT_TIMEOUTS,
  type IxCall,
  type IxCallObserver,
  type IxLogger,
  type IxRetryPolicy,
  type IxTimeouts,
} from './transport.ts';
export {
  DOCUMENT_TYPES,
  fromIxDate,
  type IxClient,
  type IxClientInput,
  type IxDocument,
  type IxDocumentInput,
  type IxDocumentType,
  type IxEmailInput,
  type IxItemInput,
  type IxPagination,
  type IxPaymentInput,
  type IxPaymentMechanism,
  type IxSequence,
  type IxStateChange,
  type IxStatus,
  type IxStatusFilter,
  type IxTax,
  isFinalStatus,
  KIND_OF,
  SINGULAR,
  toIxDate,
} from './types.ts';
