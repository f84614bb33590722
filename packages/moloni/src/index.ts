export type { ConnectionReport } from './check.ts';
export {
  clientOptionsOf,
  createMoloniClient,
  MOLONI_PRODUCTION_URL,
  type MoloniClient,
  type MoloniClientOptions,
  type StoredMoloniConnection,
} from './client.ts';
export { isIdentified, normalizeName, normalizeZip, UNKNOWN_ADDRESS, UNKNOWN_PT_ZIP } from './customers.ts';
export {
  DOCUMENT_CLASSES,
  type FoundDocument,
  humanNumber,
  type IssueDocumentInput,
  type IssuedDocument,
  type IssueHooks,
  type MoloniDocumentStatus,
  PAID_ON_ISSUE,
} from './document-model.ts';
export {
  type CallKind,
  type CallOutcome,
  type MoloniFieldError,
  outcomeOf,
  parseFieldErrors,
} from './errors.ts';
export {
  type CreditLine,
  type DetailedDocument,
  type LifecycleDocument,
  LifecycleService,
  openAmountCents,
  type UnrelatedLine,
} from './lifecycle.ts';
export { calcMethodOf, planNetPrices } from './pricing.ts';
export { CATEGORY_NAME, pickVatTax, productReference } from './products.ts';
export { type MoloniLogger, REDACTED } from './redact.ts';
export type { MoloniCredentials } from './tokens.ts';
export {
  type CallStats,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUTS,
  type MoloniCall,
  type MoloniCallObserver,
  type MoloniRetryPolicy,
  type MoloniTimeouts,
} from './transport.ts';
