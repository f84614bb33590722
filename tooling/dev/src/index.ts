export {
  type EmbeddedRedis,
  type EmbeddedRedisOptions,
  freePort,
  startEmbeddedRedis,
} from './redis-server.ts';
