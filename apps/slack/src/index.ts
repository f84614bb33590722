export { COMMAND, createSlackApp, type SlackAppDeps, type SlackBot } from './app.ts';
export { createMemorySeen, type SeenStore } from './dedupe.ts';
export { type EnvResult, envFields, parseEnv, type SlackAppConfig } from './env.ts';
export { createLogger, type Logger } from './logger.ts';
export {
  interactionBody,
  newTriggerId,
  type SlashCommandInput,
  sendSigned,
  slackSignature,
  slashCommandBody,
} from './slack-requests.ts';
