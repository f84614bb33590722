import type { SecretBox } from '@faturador/core';
import type { Redis } from 'ioredis';
import { evalScript } from './lua.ts';

/** What every repository of this package is built from. */
export interface StoreDeps {
  redis: Redis;
  /** Hash-tagged (`{fat}`) so every key lands in one Redis Cluster slot and scripts may span them. */
  prefix: string;
  secretBox: SecretBox;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
}

/**
 * The Redis key layout of API clients, keys, nonces and Moloni connections, in one place.
 *
 * - `client:<client_id>` hash, `clients` zset (score = created ms)
 * - `client:<client_id>:keys` zset of key ids, `apikey:<key_id>` hash (sealed secrets)
 * - `nonce:<client_id>:<nonce>` string with a TTL (signed-mode replay guard)
 * - `connection:<con_id>` hash (sealed secrets), `connections` zset
 * - `canary` string: a sealed known value that proves the master key
 */
export function securityKeys(prefix: string) {
  return {
    client: (clientId: string) => `${prefix}:client:${clientId}`,
    clients: `${prefix}:clients`,
    clientKeys: (clientId: string) => `${prefix}:client:${clientId}:keys`,
    apiKey: (keyId: string) => `${prefix}:apikey:${keyId}`,
    nonce: (clientId: string, nonce: string) => `${prefix}:nonce:${clientId}:${nonce}`,
    connection: (connectionId: string) => `${prefix}:connection:${connectionId}`,
    connections: `${prefix}:connections`,
    canary: `${prefix}:canary`,
  };
}

/** Every record hash carries a `version`; updates are compare-and-set on it (no WATCH on a shared connection). */
const CAS_UPDATE = `
if redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('HINCRBY', KEYS[1], 'version', 1)
return 1`;

/** KEYS: record, index zset, optional parent hash that must be `status = active`. */
const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if KEYS[3] and redis.call('HGET', KEYS[3], 'status') ~= 'active' then return -1 end
redis.call('HSET', KEYS[1], 'version', '1', unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1`;

export type CreateOutcome = 'created' | 'exists' | 'parent_inactive';

export async function createRecord(
  redis: Redis,
  keys: { record: string; index: string; activeParent?: string },
  member: string,
  score: number,
  fields: Record<string, string>,
): Promise<CreateOutcome> {
  const keyList = [keys.record, keys.index, ...(keys.activeParent ? [keys.activeParent] : [])];
  const reply = await evalScript(
    redis,
    CREATE,
    keyList.length,
    ...keyList,
    member,
    score,
    ...Object.entries(fields).flat(),
  );
  return reply === 1 ? 'created' : reply === 0 ? 'exists' : 'parent_inactive';
}

/**
 * Read-modify-write of one hash: `change` sees the current fields (null when missing) and returns
 * the fields to set, or null to leave it alone; retried when another writer got there first.
 */
export async function updateRecord(
  redis: Redis,
  key: string,
  change: (current: Record<string, string> | null) => Record<string, string> | null,
): Promise<Record<string, string> | null> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const current = await redis.hgetall(key);
    const exists = Object.keys(current).length > 0;
    const fields = change(exists ? current : null);
    if (!exists || fields === null || Object.keys(fields).length === 0) return exists ? current : null;
    const version = current.version ?? '';
    const applied = await evalScript(redis, CAS_UPDATE, 1, key, version, ...Object.entries(fields).flat());
    if (applied === 1) return { ...current, ...fields, version: String(Number(version) + 1) };
  }
  throw new Error(`too many concurrent updates of ${key}`);
}
