export { COMMAND, createSlackApp, type SlackAppDeps, type SlackBot } from './app.ts';
export { createMemorySeen, type SeenStore } from './dedupe.ts';
export { type EnvResult, parseEnv, parseReplayEnv, type ReplayConfig, type SlackAppConfig } from './env.ts';
export { type ReplayOptions, type ReplayOutcome, replaySlashCommand } from './replay-lib.ts';
export {
  interactionBody,
  newTriggerId,
  type SlashCommandInput,
  sendSigned,
  slackSignature,
  slashCommandBody,
} from './slack-requests.ts';
