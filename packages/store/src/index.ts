export { assertNoEviction, createRedis, type RedisMode, UnsafeRedisError } from './redis.ts';
