export { DEMO_CLIENT, SEED_EXAMPLE_BODY, seedDemoClient } from './demo.ts';
export {
  type EmbeddedRedis,
  type EmbeddedRedisOptions,
  freePort,
  startEmbeddedRedis,
} from './redis-server.ts';
