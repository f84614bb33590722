export { type CallContext, type CallTimeline, createCallTimeline } from './call-timeline.ts';
export { type ConnectionCheck, checkConnectionOf } from './connection-check.ts';
export {
  createIntegrations,
  DEFAULT_PUBLIC_URL,
  type Integrations,
  isLoopbackHost,
  publicUrlProblem,
} from './integrations.ts';
export {
  type EmailDeps,
  emailDocument,
  MailError,
  type Mailer,
  type MailFailureKind,
  messageIdOf,
  type OutgoingMail,
} from './lifecycle/email.ts';
export {
  type ActionAttempt,
  type ActionDeps,
  type ActionOutcome,
  abandonAction,
  creditLines,
  type LifecycleMoloni,
  processAction,
} from './lifecycle/process-action.ts';
export { createRelatedReader, relatedDocument, relatedFields } from './lifecycle/related.ts';
export {
  type ActionResult,
  type ActionSubmission,
  type ActionSubmitDeps,
  type ActionSubmitter,
  createActionSubmitter,
} from './lifecycle/submit-action.ts';
export { type ListQuery, parseListQuery } from './list-query.ts';
export { createMoloniRegistry, type MoloniRegistry } from './moloni-resolver.ts';
export { createOperations, type Operations, type OperationsDeps, type RequestPage } from './operations.ts';
export {
  createPdfLinkSigner,
  type PdfLinkCheck,
  type PdfLinkSigner,
  rotatePdfLinkKey,
} from './pdf-links.ts';
export type { FoundDocument, IssuedDocument, MoloniAccount, MoloniPort, MoloniResolver } from './ports.ts';
export {
  type ActionDeliverer,
  type ActionHistory,
  type DeliverDeps,
  type Deliverer,
  type DeliverOutcome,
  type DeliveryTarget,
  type DestinationGuard,
  destinationKey,
  type Notice,
  type NoticeDeliverer,
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
  createRecordTrigger,
  issuedNumber,
  type RecordTrigger,
  type RecordTriggerDeps,
  type RecordTriggerInput,
  recordIdempotencyKey,
} from './record-trigger.ts';
export { createRuntime, type Runtime, type RuntimeConfig } from './runtime.ts';
export {
  createSubmitter,
  IDEMPOTENCY_KEY_PATTERN,
  parseSubmission,
  type Submission,
  type SubmitDeps,
  type SubmitInput,
  type Submitter,
} from './submit.ts';
export { createResultWaiter, isFinal, type ResultWaiter } from './waiter.ts';
