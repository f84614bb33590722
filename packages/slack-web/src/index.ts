export {
  actionReply,
  type DeliverActionToSlackOptions,
  deliverActionToSlack,
  parentAfterActions,
} from './action-delivery.ts';
export {
  type ActionsBlock,
  type Button,
  type ContextBlock,
  type DividerBlock,
  type HeaderBlock,
  type MessageBlock,
  type Mrkdwn,
  mrkdwn,
  type PlainText,
  plain,
  type SectionBlock,
  type SlackMessage,
} from './blocks.ts';
export {
  BUTTON_VALUE_MAX,
  canonicalInvoiceBody,
  decodeRetryValue,
  encodeRetryValue,
  type RetryPayload,
} from './canonical.ts';
export { type DeliverToSlackOptions, deliverToSlack, deliveryProgressKey, offersRetry } from './deliver.ts';
export {
  CREDIT_ACTION_ID,
  type DocumentActionId,
  decodeDocumentActionValue,
  documentActionsBlock,
  documentActionsFor,
  EMAIL_ACTION_ID,
  encodeDocumentActionValue,
  FINALIZE_ACTION_ID,
  RECEIPT_ACTION_ID,
} from './document-actions.ts';
export {
  type Explanation,
  explain,
  formatMoney,
  LOCALES,
  type Locale,
  type ProblemCode,
  type Strings,
  strings,
} from './i18n.ts';
export {
  escapeMrkdwn,
  type FailedInput,
  failedParent,
  failedReply,
  type IssuedInput,
  issuedParent,
  issuedReply,
  mention,
  PDF_ACTION_ID,
  type PendingInput,
  pendingParent,
  RETRY_ACTION_ID,
  retryingParent,
} from './messages.ts';
export { deliverSlackProgress, interimKey, interimMessage } from './progress.ts';
export { type SlackTokenFor, slackTokens } from './team-tokens.ts';
export { callSlack, SLACK_API_URL, SlackCallError, type SlackCallOptions, type SlackOk } from './web-api.ts';
