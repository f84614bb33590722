export { type ActionOutcome, actionOutcomeFields } from './action-fields.ts';
export { type CellValue, cellDate, cellNumber, cellText } from './cells.ts';
export { type BaseAccessCheck, checkBaseAccess } from './check.ts';
export {
  AirtableApiError,
  type AirtableClientFactory,
  type AirtableClientOptions,
  type AirtableRecord,
  type AirtableWebClient,
  createAirtableClientFactory,
  createAirtableWebClient,
  MAX_RECORDS_PER_REQUEST,
  type RecordUpdate,
  WAIT_AFTER_429_MS,
} from './client.ts';
export {
  describeIssues,
  type MappingResult,
  mapRecordToInvoice,
  type RecordIssue,
  recordReference,
} from './mapping.ts';
export { describeErrorInPortuguese } from './messages.ts';
export {
  type AirtableRateLimiter,
  createMemoryRateLimiter,
  createRedisRateLimiter,
  type RateLimitOptions,
} from './rate-limit.ts';
export {
  type AirtableAccess,
  type AirtableBaseSettingsStore,
  type AirtableBaseSettingsStoreDeps,
  baseSettingsKey,
  createAirtableBaseSettingsStore,
  parseBaseSettingsInput,
} from './settings.ts';
export {
  AIRTABLE_API_URL,
  type AirtableBaseSettings,
  type AirtableBaseSettingsInput,
  BASE_ID_PATTERN,
  DEFAULT_LOCATION_RULES,
  type FieldMapping,
  type FieldRole,
  type LocationRule,
  RECORD_ID_PATTERN,
  type StatusValues,
  TABLE_ID_PATTERN,
  usesFieldIds,
} from './settings-schema.ts';
export { matchLocation, parseRate, parseZone, resolveTax, type TaxChoice } from './tax.ts';
export {
  airtableDestinationRefusal,
  type DeliverToAirtableDeps,
  deliverActionToAirtable,
  deliverNoticeToAirtable,
  deliverToAirtable,
  outcomeFields,
  outcomeOfEntry,
  type RecordOutcome,
  toDeliveryError,
} from './write-back.ts';
