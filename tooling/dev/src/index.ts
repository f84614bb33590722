export { percentile } from './bench.ts';
export {
  addSandboxConnection,
  DEMO_CLIENT,
  type IssuedCredentials,
  issueSlackBotKey,
  SEED_EXAMPLE_BODY,
  SLACK_BOT_CLIENT_ID,
  seedDemoClient,
} from './demo.ts';
export {
  type EmbeddedRedis,
  type EmbeddedRedisOptions,
  freePort,
  startEmbeddedRedis,
} from './redis-server.ts';
