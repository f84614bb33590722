export type { RateLimit } from './api.ts';
export { createClock, type SandboxClock } from './clock.ts';
export { type Behaviour, DEFAULT_BEHAVIOUR } from './context.ts';
export {
  type ActiveFault,
  DEFAULT_REFUSAL,
  FaultInjector,
  type FaultKind,
  type FaultSpec,
  FaultValidationError,
} from './faults.ts';
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
  type DocumentOrder,
  SandboxState,
  SECONDARY_SERIE,
  type SentEmail,
} from './state.ts';
export { type CallRecord, CallStats, type StatsSnapshot } from './stats.ts';
