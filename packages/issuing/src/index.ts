export { createIntegrations, DEFAULT_PUBLIC_URL, type Integrations } from './integrations.ts';
export {
  type ActionAttempt,
  type ActionDeps,
  type ActionOutcome,
  creditLines,
  type LifecycleMoloni,
  processAction,
} from './lifecycle/process-action.ts';
export {
  type ActionAnswer,
  type ActionSubmission,
  type ActionSubmitDeps,
  type ActionSubmitter,
  actionAnswer,
  createActionSubmitter,
} from './lifecycle/submit-action.ts';
export { type ListQuery, parseListQuery } from './list-query.ts';
export { createMoloniRegistry, type MoloniRegistry } from './moloni-resolver.ts';
export { createOperations, type Operations, type OperationsDeps, type RequestPage } from './operations.ts';
export { createPdfLinkSigner, derivePdfLinkKey, type PdfLinkSigner } from './pdf-links.ts';
export type { FoundDocument, IssuedDocument, MoloniAccount, MoloniPort, MoloniResolver } from './ports.ts';
export {
  type DeliverDeps,
  type Deliverer,
  type DeliverOutcome,
  type DestinationGuard,
  processDeliver,
} from './process-deliver.ts';
export {
  abandonIssue,
  DEFAULT_WRITE_WINDOW_MS,
  type IssueAttempt,
  type IssueDeps,
  type IssueOutcome,
  processIssue,
  toDocumentView,
} from './process-issue.ts';
export { type Reconciliation, reconcile } from './reconcile.ts';
export {
  type AcceptedBody,
  finalAnswer,
  type HttpAnswer,
  isFinal,
  type StatusBody,
  statusAnswer,
} from './responses.ts';
export { createRuntime, type Runtime, type RuntimeConfig } from './runtime.ts';
export {
  createSubmitter,
  IDEMPOTENCY_KEY_PATTERN,
  parseSubmission,
  type SubmitDeps,
  type SubmitInput,
  type Submitter,
} from './submit.ts';
export { createResultWaiter, type ResultWaiter } from './waiter.ts';
