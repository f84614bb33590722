import { FaturadorError, isId, newId } from '@faturador/core';
import { z } from 'zod';
import { evalScript } from './lua.ts';
import { createRecord, type StoreDeps, securityKeys } from './redis-keys.ts';

export const MOLONI_BASE_URL = 'https://api.moloni.pt/v1/';

export type ConnectionKind = 'sandbox' | 'moloni';

/** A Moloni account as listed: never its secrets. */
export interface MoloniConnection {
  connection_id: string;
  name: string;
  kind: ConnectionKind;
  base_url: string;
  client_id: string;
  username: string;
  company_id: number | null;
  created_at: string;
}

/** What the worker needs to log in: only `getConnection` returns it. */
export interface MoloniConnectionWithSecrets extends MoloniConnection {
  client_secret: string;
  password: string;
}

const text = (max: number) => z.string().trim().min(1).max(max);

export const createConnectionInput = z.object({
  name: text(200),
  kind: z.enum(['sandbox', 'moloni']),
  base_url: z
    .url({ protocol: /^https?$/ })
    .transform((url) => (url.endsWith('/') ? url : `${url}/`))
    .optional(),
  client_id: text(200),
  client_secret: text(500),
  username: text(320),
  password: text(500),
  company_id: z.number().int().positive().nullable().optional(),
});

export type CreateConnectionInput = z.input<typeof createConnectionInput>;

export interface ConnectionStore {
  createConnection(input: CreateConnectionInput): Promise<MoloniConnection>;
  /** With the credentials decrypted, for the worker. Null when there is no such connection. */
  getConnection(connectionId: string): Promise<MoloniConnectionWithSecrets | null>;
  listConnections(): Promise<MoloniConnection[]>;
  /**
   * The company a connection without `company_id` turned out to issue for (the account's only
   * one): from then on its references are guarded per company, shared with any other connection
   * to that company.
   */
  recordResolvedCompany(connectionId: string, companyId: number): Promise<void>;
  /** False when there was nothing to delete. Clients pointing at it are the caller's concern. */
  deleteConnection(connectionId: string): Promise<boolean>;
}

/** Each sealed field is bound to its connection and its role. */
function purpose(connectionId: string, field: 'client_secret' | 'password'): string {
  return `moloni-${field}:${connectionId}`;
}

function toConnection(hash: Record<string, string>): MoloniConnection {
  return {
    connection_id: hash.connection_id ?? '',
    name: hash.name ?? '',
    kind: hash.kind === 'moloni' ? 'moloni' : 'sandbox',
    base_url: hash.base_url ?? '',
    client_id: hash.client_id ?? '',
    username: hash.username ?? '',
    company_id: hash.company_id ? Number(hash.company_id) : null,
    created_at: hash.created_at ?? '',
  };
}

export function createConnectionStore(deps: StoreDeps): ConnectionStore {
  const { redis, secretBox } = deps;
  const keys = securityKeys(deps.prefix);
  const now = deps.now ?? Date.now;

  async function readHash(connectionId: string): Promise<Record<string, string> | null> {
    if (!isId(connectionId, 'con')) return null;
    const hash = await redis.hgetall(keys.connection(connectionId));
    return Object.keys(hash).length > 0 ? hash : null;
  }

  return {
    async createConnection(raw) {
      const parsed = createConnectionInput.safeParse(raw);
      if (!parsed.success) {
        // zod's issues name the field, never echo a value: safe even for the secret fields.
        const issue = parsed.error.issues[0];
        throw new FaturadorError(
          'VALIDATION_ERROR',
          `${issue?.path.join('.') ?? 'input'}: ${issue?.message}`,
        );
      }
      const input = parsed.data;
      const baseUrl = input.base_url ?? (input.kind === 'moloni' ? MOLONI_BASE_URL : undefined);
      if (!baseUrl)
        throw new FaturadorError('VALIDATION_ERROR', 'base_url: a sandbox connection needs its URL');
      const at = now();
      const connection: MoloniConnection = {
        connection_id: newId('con'),
        name: input.name,
        kind: input.kind,
        base_url: baseUrl,
        client_id: input.client_id,
        username: input.username,
        company_id: input.company_id ?? null,
        created_at: new Date(at).toISOString(),
      };
      const id = connection.connection_id;
      await createRecord(redis, { record: keys.connection(id), index: keys.connections }, id, at, {
        connection_id: id,
        name: connection.name,
        kind: connection.kind,
        base_url: connection.base_url,
        client_id: connection.client_id,
        username: connection.username,
        company_id: connection.company_id === null ? '' : String(connection.company_id),
        created_at: connection.created_at,
        client_secret: secretBox.seal(input.client_secret, purpose(id, 'client_secret')),
        password: secretBox.seal(input.password, purpose(id, 'password')),
      });
      return connection;
    },

    async getConnection(connectionId) {
      const hash = await readHash(connectionId);
      if (!hash) return null;
      return {
        ...toConnection(hash),
        client_secret: secretBox.open(hash.client_secret ?? '', purpose(connectionId, 'client_secret')),
        password: secretBox.open(hash.password ?? '', purpose(connectionId, 'password')),
      };
    },

    async listConnections() {
      const ids = await redis.zrange(keys.connections, 0, -1);
      const hashes = await Promise.all(ids.map((id) => readHash(id)));
      return hashes.filter((hash): hash is Record<string, string> => hash !== null).map(toConnection);
    },

    async recordResolvedCompany(connectionId, companyId) {
      if (!isId(connectionId, 'con') || !Number.isInteger(companyId) || companyId <= 0) return;
      // Only on an existing record: a connection deleted meanwhile is not brought back as a stub.
      await evalScript(
        redis,
        "if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'resolved_company_id', ARGV[1]) end return 1",
        1,
        keys.connection(connectionId),
        String(companyId),
      );
    },

    async deleteConnection(connectionId) {
      if (!isId(connectionId, 'con')) return false;
      const [[, deleted] = [null, 0]] =
        (await redis
          .multi()
          .del(keys.connection(connectionId))
          .zrem(keys.connections, connectionId)
          .exec()) ?? [];
      return deleted === 1;
    },
  };
}
