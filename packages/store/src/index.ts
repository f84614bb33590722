export {
  type ApiClient,
  type ApiClientOps,
  type ApiClientStatus,
  type ApiClientStore,
  CLIENT_ID_PATTERN,
  type CreateClientInput,
  createApiClientStore,
} from './api-clients.ts';
export {
  API_SCOPES,
  type ApiKey,
  type ApiKeyOps,
  type ApiKeySecretInfo,
  type ApiScope,
  type CreateKeyInput,
  DEFAULT_OLD_SECRET_TTL_SECONDS,
  DEFAULT_SCOPES,
  type IssuedSecret,
  KEY_ID_PATTERN,
  type RotateSecretOptions,
  SECRET_PATTERN,
} from './api-keys.ts';
export {
  AUTH_ERROR_MESSAGE,
  type AuthenticatedClient,
  type AuthenticateInput,
  type Authenticator,
  type AuthenticatorOptions,
  type AuthRejection,
  type AuthRejectionContext,
  authError,
  createAuthenticator,
  credentialHint,
  hasScope,
  IP_NOT_ALLOWED_MESSAGE,
} from './authenticate.ts';
export { checkMasterKey, MasterKeyMismatchError } from './canary.ts';
export {
  type ConnectionKind,
  type ConnectionStore,
  type CreateConnectionInput,
  createConnectionStore,
  MOLONI_BASE_URL,
  type MoloniConnection,
  type MoloniConnectionWithSecrets,
} from './connections.ts';
export {
  type ClaimResult,
  canonicalJson,
  createIdempotency,
  fingerprint,
  type Idempotency,
  type IdempotencyDeps,
  referenceScope,
} from './idempotency.ts';
export {
  createIpMatcher,
  type IpMatcher,
  ipAllowed,
  normalizeIp,
  normalizeIpList,
  type ResolveClientIpInput,
  resolveClientIp,
} from './ip.ts';
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
export {
  ACTION_KINDS,
  type ActionClaim,
  type ActionDocument,
  type ActionKind,
  type ActionState,
  createLifecycleStore,
  type LifecycleAction,
  type LifecycleStore,
  type NewAction,
} from './lifecycle.ts';
export { assertNoEviction, createRedis, type RedisMode, UnsafeRedisError } from './redis.ts';
export { type StoreDeps, securityKeys } from './redis-keys.ts';
export {
  bodySha256Hex,
  canonicalRequest,
  NONCE_PATTERN,
  randomNonce,
  SIGNATURE_HEADERS,
  SIGNATURE_WINDOW_SECONDS,
  type SignedHeadersInput,
  type SignRequestInput,
  signedHeaders,
  signRequest,
} from './signing.ts';
