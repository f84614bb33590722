// The clock, the fault types and the document order are the kit's, shared with the other sandboxes.
export {
  type ActiveFault,
  createClock,
  type DocumentOrder,
  type FaultKind,
  type FaultSpec,
  FaultValidationError,
  type SandboxClock,
} from '@faturador/sandbox-kit';
export type { RateLimit } from './api.ts';
export { type Behaviour, DEFAULT_BEHAVIOUR } from './context.ts';
export { DEFAULT_REFUSAL, FaultInjector } from './faults.ts';
export {
  type Document,
  type DocumentKind,
  type DocumentPath,
  documentTotals,
  EXEMPTION_CODES,
  PAYMENT_MECHANISMS,
  type StoredStatus,
} from './model.ts';
export {
  createInvoiceXpressSandbox,
  DEFAULT_RATE_LIMIT,
  type InvoiceXpressSandbox,
  type InvoiceXpressSandboxOptions,
} from './sandbox.ts';
export { type RunningInvoiceXpressSandbox, type StartOptions, startInvoiceXpressSandbox } from './server.ts';
export {
  type Account,
  type AccountSeed,
  DEFAULT_ACCOUNT,
  DEFAULT_SERIE,
  SandboxState,
  SECONDARY_SERIE,
  type SentEmail,
} from './state.ts';
export { type CallRecord, CallStats, type StatsSnapshot } from './stats.ts';
