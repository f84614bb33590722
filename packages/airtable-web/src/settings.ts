import { FaturadorError, formatPath, type SecretBox, validationError } from '@faturador/core';
import type { Redis } from 'ioredis';
import {
  type AirtableBaseSettings,
  type AirtableBaseSettingsInput,
  BASE_ID_PATTERN,
  baseSettingsInputSchema,
  baseSettingsSchema,
} from './settings-schema.ts';

/** What it takes to call the Web API for one base. Never logged: `pat` is the base's token. */
export interface AirtableAccess {
  apiUrl: string;
  pat: string;
}

export interface AirtableBaseSettingsStore {
  /** Validates and stores a base's settings; the token is sealed. Returns them without the token. */
  save(input: AirtableBaseSettingsInput): Promise<AirtableBaseSettings>;
  get(baseId: string): Promise<AirtableBaseSettings | null>;
  /** Opens the base's token: only the Web API client should call this. */
  access(baseId: string): Promise<AirtableAccess | null>;
  list(): Promise<AirtableBaseSettings[]>;
  remove(baseId: string): Promise<boolean>;
}

export interface AirtableBaseSettingsStoreDeps {
  redis: Redis;
  prefix: string;
  secretBox: SecretBox;
}

/** The associated data of a sealed token binds it to its base: it cannot be moved to another. */
const patPurpose = (baseId: string) => `airtable-pat:${baseId}`;

/** Validates settings as `save` would, without saving: 400 naming each field, never echoing the token. */
export function parseBaseSettingsInput(input: unknown): Omit<AirtableBaseSettings, 'updated_at'> {
  const parsed = baseSettingsInputSchema.safeParse(input);
  if (!parsed.success) {
    throw validationError(
      parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), reason: issue.message })),
    );
  }
  const { pat: _pat, ...settings } = parsed.data;
  return settings;
}

export function baseSettingsKey(prefix: string, baseId: string): string {
  return `${prefix}:airtable:base:${baseId}`;
}

export function createAirtableBaseSettingsStore(
  deps: AirtableBaseSettingsStoreDeps,
): AirtableBaseSettingsStore {
  const { redis, prefix, secretBox } = deps;
  const key = (baseId: string) => baseSettingsKey(prefix, baseId);
  const index = `${prefix}:airtable:bases`;

  async function read(baseId: string): Promise<{ settings: AirtableBaseSettings; sealedPat: string } | null> {
    if (!BASE_ID_PATTERN.test(baseId)) return null;
    const [settings, sealedPat] = await redis.hmget(key(baseId), 'settings', 'pat');
    if (!settings || !sealedPat) return null;
    return { settings: baseSettingsSchema.parse(JSON.parse(settings)), sealedPat };
  }

  return {
    async save(input) {
      const parsed = baseSettingsInputSchema.safeParse(input);
      if (!parsed.success) {
        throw validationError(
          parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), reason: issue.message })),
        );
      }
      const { pat, ...rest } = parsed.data;
      const settings: AirtableBaseSettings = { ...rest, updated_at: new Date().toISOString() };
      let sealedPat = pat ? secretBox.seal(pat, patPurpose(settings.base_id)) : null;
      if (!sealedPat) {
        sealedPat = await redis.hget(key(settings.base_id), 'pat');
        if (!sealedPat) throw validationError([{ path: 'pat', reason: 'is required for a new base' }]);
      }
      await redis
        .multi()
        .hset(key(settings.base_id), { settings: JSON.stringify(settings), pat: sealedPat })
        .sadd(index, settings.base_id)
        .exec();
      return settings;
    },

    async get(baseId) {
      return (await read(baseId))?.settings ?? null;
    },

    async access(baseId) {
      const found = await read(baseId);
      if (!found) return null;
      try {
        return { apiUrl: found.settings.api_url, pat: secretBox.open(found.sealedPat, patPurpose(baseId)) };
      } catch (error) {
        // Sealed under another master key, or tampered with: an operator problem, not the caller's.
        throw new FaturadorError(
          'INTERNAL_ERROR',
          `The Airtable token of base ${baseId} cannot be opened with this master key.`,
          null,
          { cause: error },
        );
      }
    },

    async list() {
      const ids = (await redis.smembers(index)).sort();
      const found = await Promise.all(ids.map(read));
      return found.flatMap((entry) => (entry ? [entry.settings] : []));
    },

    async remove(baseId) {
      if (!BASE_ID_PATTERN.test(baseId)) return false;
      const [[, deleted] = [null, 0]] =
        (await redis.multi().del(key(baseId)).srem(index, baseId).exec()) ?? [];
      return deleted === 1;
    },
  };
}
