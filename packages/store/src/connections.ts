import { FaturadorError, isId, newId } from '@faturador/core';
import { z } from 'zod';
import { evalScript } from './lua.ts';
import { createRecord, type StoreDeps, securityKeys } from './redis-keys.ts';

export const MOLONI_BASE_URL = 'https://api.moloni.pt/v1/';

export type ConnectionKind = 'sandbox' | 'moloni';

/** The invoicing platforms a connection can issue through. */
export const PROVIDERS = ['moloni', 'invoicexpress'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** InvoiceXpress's API for an account: `https://<account>.app.invoicexpress.com`. */
export const INVOICEXPRESS_BASE_URL = 'https://{account}.app.invoicexpress.com';

/**
 * An account of an invoicing platform as listed: never its secrets. Moloni's log in with client
 * id, secret, username and password; InvoiceXpress's with an account (subdomain) and an API key.
 */
export interface MoloniConnection {
  connection_id: string;
  name: string;
  provider: Provider;
  /** `sandbox` when it points at a local double rather than the platform itself. */
  kind: ConnectionKind;
  /** InvoiceXpress: the account's subdomain; null for Moloni. */
  account: string | null;
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
  /** InvoiceXpress's API key; empty for Moloni. */
  api_key: string;
}

/** Any provider's connection (the name says Moloni for the first one). */
export type Connection = MoloniConnection;
export type ConnectionWithSecrets = MoloniConnectionWithSecrets;

const text = (max: number) => z.string().trim().min(1).max(max);

const moloniInput = z.object({
  provider: z.literal('moloni').optional(),
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

const invoiceXpressInput = z.object({
  provider: z.literal('invoicexpress'),
  name: text(200),
  /** The subdomain, already normalised (the CLI reduces a pasted URL to it). */
  account: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be an InvoiceXpress subdomain'),
  api_key: text(200),
  /** A local double's URL template (`http://127.0.0.1:8766/{account}`); the platform's by default. */
  base_url: z
    .url({ protocol: /^https?$/ })
    .refine((url) => url.includes('{account}') || url.includes('%7Baccount%7D'), 'must contain {account}')
    .optional(),
});

export const createConnectionInput = z.union([moloniInput, invoiceXpressInput]);

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
function purpose(connectionId: string, field: 'client_secret' | 'password' | 'api_key'): string {
  return field === 'api_key' ? `invoicexpress-api_key:${connectionId}` : `moloni-${field}:${connectionId}`;
}

function toConnection(hash: Record<string, string>): MoloniConnection {
  return {
    connection_id: hash.connection_id ?? '',
    name: hash.name ?? '',
    provider: hash.provider === 'invoicexpress' ? 'invoicexpress' : 'moloni',
    kind: hash.kind === 'moloni' ? 'moloni' : 'sandbox',
    account: hash.account || null,
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

  /**
   * An InvoiceXpress account is one company: its URL and company 1 are the scope its references
   * are unique in, from the first claim on.
   */
  async function saveInvoiceXpress(input: z.output<typeof invoiceXpressInput>): Promise<MoloniConnection> {
    const at = now();
    const template = (input.base_url ?? INVOICEXPRESS_BASE_URL).replace('%7Baccount%7D', '{account}');
    const connection: MoloniConnection = {
      connection_id: newId('con'),
      name: input.name,
      provider: 'invoicexpress',
      kind: input.base_url ? 'sandbox' : 'moloni',
      account: input.account,
      base_url: template.replace('{account}', input.account).replace(/\/+$/, ''),
      client_id: '',
      username: '',
      company_id: 1,
      created_at: new Date(at).toISOString(),
    };
    const id = connection.connection_id;
    await createRecord(redis, { record: keys.connection(id), index: keys.connections }, id, at, {
      connection_id: id,
      name: connection.name,
      provider: 'invoicexpress',
      kind: connection.kind,
      account: input.account,
      base_url: connection.base_url,
      client_id: '',
      username: '',
      company_id: '1',
      created_at: connection.created_at,
      api_key: secretBox.seal(input.api_key, purpose(id, 'api_key')),
    });
    return connection;
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
      if (input.provider === 'invoicexpress') return saveInvoiceXpress(input);
      const baseUrl = input.base_url ?? (input.kind === 'moloni' ? MOLONI_BASE_URL : undefined);
      if (!baseUrl)
        throw new FaturadorError('VALIDATION_ERROR', 'base_url: a sandbox connection needs its URL');
      const at = now();
      const connection: MoloniConnection = {
        connection_id: newId('con'),
        name: input.name,
        provider: 'moloni',
        kind: input.kind,
        account: null,
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
        provider: 'moloni',
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
        ...(hash.provider === 'invoicexpress'
          ? {
              client_secret: '',
              password: '',
              api_key: secretBox.open(hash.api_key ?? '', purpose(connectionId, 'api_key')),
            }
          : {
              client_secret: secretBox.open(hash.client_secret ?? '', purpose(connectionId, 'client_secret')),
              password: secretBox.open(hash.password ?? '', purpose(connectionId, 'password')),
              api_key: '',
            }),
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
