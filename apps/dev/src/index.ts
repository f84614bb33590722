export { percentile } from './bench/percentile.ts';
export {
  addSandboxConnection,
  DEMO_CLIENT,
  type IssuedCredentials,
  issueSlackBotKey,
  SEED_EXAMPLE_BODY,
  SLACK_BOT_CLIENT_ID,
  seedDemoClient,
} from './demo.ts';
export * from './stack.ts';
