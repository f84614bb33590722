export { assertNoEviction, createRedis, type RedisMode, UnsafeRedisError } from './redis.ts';
export {
  type ClaimResult,
  canonicalJson,
  createIdempotency,
  fingerprint,
  type Idempotency,
  type IdempotencyDeps,
} from './idempotency.ts';
export {
  createLedger,
  doneChannel,
  type Ledger,
  type LedgerDeps,
  type LedgerEntry,
  ledgerKey,
  type NewLedgerEntry,
  type RequestState,
} from './ledger.ts';
export * from './api-clients.ts';
export * from './api-keys.ts';
export * from './authenticate.ts';
export * from './canary.ts';
export * from './connections.ts';
export * from './ip.ts';
export * from './redis-keys.ts';
export * from './signing.ts';
