export {
  ADMIN_ROLES,
  type AdminRole,
  type AdminSession,
  type AdminStore,
  type AdminStoreOptions,
  type AdminUser,
  createAdminStore,
  hashPassword,
  roleAllows,
  type SignInResult,
  verifyPassword,
} from './admins.ts';
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
export { createDestinationLock, type DestinationLock } from './destination-lock.ts';
export { type Heartbeat, startHeartbeat } from './heartbeat.ts';
export {
  type ClaimResult,
  canonicalJson,
  companyScope,
  createIdempotency,
  fingerprint,
  type Idempotency,
  type IdempotencyDeps,
  referenceScope,
  type ScopeClaim,
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
  type BeginWrite,
  createLedger,
  doneChannel,
  incidentsKey,
  type Ledger,
  type LedgerAction,
  type LedgerDeps,
  type LedgerEntry,
  type LedgerIncident,
  ledgerKey,
  type NewLedgerEntry,
  type RequestState,
  workerHeartbeatKey,
  writerOf,
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
export {
  createMoloniCallLog,
  MAX_CALLS_PER_REQUEST,
  type MoloniCallLog,
  moloniCallsKey,
  type RecordedMoloniCall,
} from './moloni-calls.ts';
export { assertNoEviction, createRedis, type RedisMode, UnsafeRedisError } from './redis.ts';
export { type StoreDeps, securityKeys } from './redis-keys.ts';
export {
  ATTENTION_REASONS,
  type AttentionReason,
  createRequestIndex,
  type IdPage,
  InvalidCursorError,
  NAME_MATCH_CAP,
  nameWords,
  newEntryIndex,
  normalizeDocumentNumber,
  type PageRequest,
  REQUEST_STATES,
  type RequestFilter,
  type RequestIndex,
  requestIndexKeys,
} from './request-index.ts';
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
