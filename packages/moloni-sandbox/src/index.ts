// The clock, the fault types and the document order are the kit's, shared with the other sandboxes.
export {
  type ActiveFault,
  createClock,
  DOCUMENT_ORDERS,
  type DocumentOrder,
  type FaultKind,
  type FaultSpec,
  FaultValidationError,
  type SandboxClock,
} from '@faturador/sandbox-kit';
export {
  DEFAULT_CREDENTIALS,
  DEFAULT_LIFETIMES,
  type GrantType,
  type SandboxCredentials,
  type TokenLifetimes,
  type TokenResponse,
  TokenStore,
} from './auth.ts';
export { DOCUMENT_TYPES, type DocumentTypeInfo, documentTypeById } from './documents/document-types.ts';
export { documentLabel } from './documents/pdf-document.ts';
export {
  type DocumentTotals,
  documentTotals,
  type LineTotals,
  totalsOfDocument,
} from './documents/totals.ts';
export { isAnonymousBuyer } from './documents/write.ts';
export { MoloniAuthError, MoloniValidationError } from './errors.ts';
export { FaultInjector } from './faults.ts';
export { seedCustomer } from './fixtures.ts';
export { encodePhpForm, type FormValue, parsePhpForm } from './form.ts';
export { createMoloniSandbox, type MoloniSandbox, type MoloniSandboxOptions } from './sandbox.ts';
export {
  CALC_METHOD_IDS,
  CASH_PAYMENT_METHOD_ID,
  type CalcMethod,
  CHEQUE_PAYMENT_METHOD_ID,
  DEFAULT_CATEGORY_ID,
  DEFAULT_COMPANY_ID,
  DEFAULT_DOCUMENT_SET_ID,
  DEFAULT_MATURITY_DATE_ID,
  DEFAULT_UNIT_ID,
  DEMO_COMPANY_ID,
  SECONDARY_DOCUMENT_SET_ID,
} from './seed.ts';
export { type RunningMoloniSandbox, type StartOptions, startMoloniSandbox } from './server.ts';
export { SandboxState } from './state.ts';
export { type CallRecord, CallStats, type StatsSnapshot } from './stats.ts';
export type * from './types.ts';
