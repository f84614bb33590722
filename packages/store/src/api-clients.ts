import { FaturadorError, isCapability, isId } from '@faturador/core';
import { type ApiKeyOps, createApiKeyOps } from './api-keys.ts';
import { createRecord, type StoreDeps, securityKeys, updateRecord } from './redis-keys.ts';

/** Chosen by the operator, readable in logs: `airtable_ops_prod`. */
export const CLIENT_ID_PATTERN = /^[a-z][a-z0-9_-]{2,63}$/;

export type ApiClientStatus = 'active' | 'revoked';

export interface ApiClient {
  client_id: string;
  name: string;
  status: ApiClientStatus;
  created_at: string;
  revoked_at: string | null;
  /** The Moloni connection this client issues with (`con_…`), if one is set. */
  connection_id: string | null;
  /**
   * What the client may do beyond issuing for itself (see core's `Capability`): `slack:T…` lets it
   * name threads of that Slack workspace as origins. Empty for an ordinary client.
   */
  capabilities: string[];
}

export interface CreateClientInput {
  client_id: string;
  name: string;
  connection_id?: string | null;
  capabilities?: readonly string[];
}

export interface ApiClientOps {
  createClient(input: CreateClientInput): Promise<ApiClient>;
  getClient(clientId: string): Promise<ApiClient | null>;
  listClients(): Promise<ApiClient[]>;
  /** Final: the client and every key it has stop authenticating at once. */
  revokeClient(clientId: string): Promise<ApiClient>;
  setMoloniConnection(clientId: string, connectionId: string | null): Promise<ApiClient>;
  /** Replaces the client's capabilities (an operator's decision, never a caller's). */
  setCapabilities(clientId: string, capabilities: readonly string[]): Promise<ApiClient>;
}

export type ApiClientStore = ApiClientOps & ApiKeyOps;

export function toApiClient(hash: Record<string, string>): ApiClient {
  return {
    client_id: hash.client_id ?? '',
    name: hash.name ?? '',
    status: hash.status === 'active' ? 'active' : 'revoked',
    created_at: hash.created_at ?? '',
    revoked_at: hash.revoked_at || null,
    connection_id: hash.connection_id || null,
    capabilities: parseCapabilities(hash.capabilities),
  };
}

function parseCapabilities(stored: string | undefined): string[] {
  if (!stored) return [];
  try {
    const parsed: unknown = JSON.parse(stored);
    // Anything unreadable grants nothing.
    return Array.isArray(parsed)
      ? parsed.filter((c): c is string => typeof c === 'string' && isCapability(c))
      : [];
  } catch {
    return [];
  }
}

function validCapabilities(capabilities: readonly string[]): string[] {
  const unknown = capabilities.filter((c) => !isCapability(c));
  if (unknown.length > 0) {
    throw invalid(
      `unknown capability ${unknown.map((c) => `"${c.slice(0, 40)}"`).join(', ')}; known: slack:<team id> (e.g. slack:T0123ABCD)`,
    );
  }
  return [...new Set(capabilities)].sort();
}

function invalid(message: string): FaturadorError {
  return new FaturadorError('VALIDATION_ERROR', message);
}

export function assertClientId(clientId: string): void {
  if (!CLIENT_ID_PATTERN.test(clientId)) {
    throw invalid(
      `client id "${clientId.slice(0, 80)}" must be 3-64 characters of a-z, 0-9, "_" and "-", starting with a letter`,
    );
  }
}

export function clientNotFound(clientId: string): FaturadorError {
  return new FaturadorError('NOT_FOUND', `API client "${clientId.slice(0, 80)}" not found`);
}

export function createApiClientStore(deps: StoreDeps): ApiClientStore {
  const { redis } = deps;
  const keys = securityKeys(deps.prefix);
  const now = deps.now ?? Date.now;
  const keyOps = createApiKeyOps(deps);

  async function assertConnection(connectionId: string): Promise<void> {
    if (!isId(connectionId, 'con'))
      throw invalid(`"${connectionId.slice(0, 80)}" is not a connection id (con_…)`);
    if ((await redis.exists(keys.connection(connectionId))) === 0) {
      throw new FaturadorError('NOT_FOUND', `Moloni connection "${connectionId}" not found`);
    }
  }

  async function getClient(clientId: string): Promise<ApiClient | null> {
    if (!CLIENT_ID_PATTERN.test(clientId)) return null;
    const hash = await redis.hgetall(keys.client(clientId));
    return Object.keys(hash).length > 0 ? toApiClient(hash) : null;
  }

  async function update(
    clientId: string,
    change: (client: ApiClient) => Record<string, string> | null,
  ): Promise<ApiClient> {
    assertClientId(clientId);
    const hash = await updateRecord(redis, keys.client(clientId), (current) =>
      current ? change(toApiClient(current)) : null,
    );
    if (!hash) throw clientNotFound(clientId);
    return toApiClient(hash);
  }

  return {
    ...keyOps,
    getClient,

    async createClient(input) {
      assertClientId(input.client_id);
      const name = input.name.trim();
      if (name.length === 0 || name.length > 200) throw invalid('client name must be 1-200 characters');
      if (input.connection_id) await assertConnection(input.connection_id);
      const capabilities = validCapabilities(input.capabilities ?? []);
      const at = now();
      const client: ApiClient = {
        client_id: input.client_id,
        name,
        status: 'active',
        created_at: new Date(at).toISOString(),
        revoked_at: null,
        connection_id: input.connection_id ?? null,
        capabilities,
      };
      const outcome = await createRecord(
        redis,
        { record: keys.client(client.client_id), index: keys.clients },
        client.client_id,
        at,
        {
          client_id: client.client_id,
          name: client.name,
          status: client.status,
          created_at: client.created_at,
          connection_id: client.connection_id ?? '',
          capabilities: JSON.stringify(capabilities),
        },
      );
      if (outcome !== 'created') throw invalid(`API client "${client.client_id}" already exists`);
      return client;
    },

    async listClients() {
      const ids = await redis.zrange(keys.clients, 0, -1);
      const clients = await Promise.all(ids.map((id) => getClient(id)));
      return clients.filter((client): client is ApiClient => client !== null);
    },

    async revokeClient(clientId) {
      const client = await update(clientId, (current) =>
        current.status === 'revoked'
          ? null
          : { status: 'revoked', revoked_at: new Date(now()).toISOString() },
      );
      // Authentication already refuses keys of a revoked client; revoking them too drops their
      // sealed secrets, so nothing usable stays behind.
      for (const key of await keyOps.listKeys(clientId)) {
        if (!key.revoked) await keyOps.revokeKey(clientId, key.key_id);
      }
      return client;
    },

    async setMoloniConnection(clientId, connectionId) {
      if (connectionId !== null) await assertConnection(connectionId);
      return update(clientId, () => ({ connection_id: connectionId ?? '' }));
    },

    async setCapabilities(clientId, capabilities) {
      const valid = validCapabilities(capabilities);
      return update(clientId, () => ({ capabilities: JSON.stringify(valid) }));
    },
  };
}
