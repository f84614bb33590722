export { createClock, type SandboxClock } from './clock.ts';
export { type ControlParts, jsonBody, mountControl } from './control.ts';
export { DOCUMENT_ORDERS, type DocumentOrder } from './document-order.ts';
export { standaloneEnv } from './env.ts';
export {
  type ActiveFault,
  FaultInjector,
  type FaultKind,
  type FaultPlan,
  type FaultProfile,
  type FaultSpec,
  FaultValidationError,
} from './faults.ts';
export { type PdfInfo, type PdfLine, renderPdf } from './pdf.ts';
export { type ProxyStyle, proxyErrorPage } from './proxy-page.ts';
export { runAlone, type Started } from './run-alone.ts';
export { type Listening, type ListenOptions, listen } from './server.ts';
export { CallCounter, type CallCounts, type CallRecord } from './stats.ts';
export { jsonResponse, type SandboxContext, type SandboxEnv } from './transport.ts';
export { type FaultAnswers, withFaults } from './with-faults.ts';
