export { COMMAND, createSlackApp, type SlackAppDeps, type SlackBot } from './app.ts';
export { createMemorySeen, type SeenStore } from './dedupe.ts';
export { type EnvResult, envFields, parseEnv, type SlackAppConfig } from './env.ts';
export { createLogger, type Logger } from './logger.ts';
export { PREVIEW_CANCEL_ACTION_ID, PREVIEW_ISSUE_ACTION_ID } from './preview.ts';
export {
  type ButtonClickInput,
  buttonClickPayload,
  interactionBody,
  newTriggerId,
  type SlashCommandInput,
  sendSigned,
  slackSignature,
  slashCommandBody,
} from './slack-requests.ts';
