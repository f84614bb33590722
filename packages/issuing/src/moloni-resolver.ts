import { FaturadorError, type SecretBox } from '@faturador/core';
import {
  clientOptionsOf,
  createMoloniClient,
  type MoloniCallObserver,
  type MoloniClient,
  type MoloniLogger,
} from '@faturador/moloni';
import type { ConnectionStore } from '@faturador/store';
import type { Redis } from 'ioredis';
import type { MoloniPort, MoloniResolver } from './ports.ts';

export interface MoloniRegistry {
  resolve: MoloniResolver;
  /** The whole client of a connection (lifecycle jobs use more than the issuing port). */
  client(connectionId: string | null): Promise<MoloniClient & MoloniPort>;
  close(): Promise<void>;
}

/**
 * One Moloni client per connection per process, built on first use: its HTTP pool, reference-data
 * cache and token handling are reused by every job of that account.
 */
export function createMoloniRegistry(deps: {
  connections: ConnectionStore;
  redis: Redis;
  prefix: string;
  secretBox: SecretBox;
  logger?: MoloniLogger;
  /** Told of every Moloni call of every client (a request's timeline). */
  onCall?: MoloniCallObserver;
}): MoloniRegistry {
  const built = new Map<string, Promise<MoloniClient & MoloniPort>>();

  async function build(connectionId: string): Promise<MoloniClient & MoloniPort> {
    const connection = await deps.connections.getConnection(connectionId);
    if (!connection) {
      throw new FaturadorError(
        'CONNECTION_NOT_CONFIGURED',
        `Moloni connection ${connectionId} does not exist.`,
      );
    }
    const client = createMoloniClient({
      ...clientOptionsOf(connection),
      connectionId,
      redis: deps.redis,
      prefix: deps.prefix,
      secretBox: deps.secretBox,
      ...(deps.logger ? { logger: deps.logger } : {}),
      ...(deps.onCall ? { onCall: deps.onCall } : {}),
    });
    let recorded = connection.company_id !== null;
    return {
      ...client,
      async account() {
        const companyId = await client.companyId();
        if (!recorded) {
          // Later claims at the API then guard references per company from the start.
          await deps.connections.recordResolvedCompany(connectionId, companyId);
          recorded = true;
        }
        return { baseUrl: connection.base_url, companyId };
      },
    };
  }

  const registry: MoloniRegistry = {
    resolve: (connectionId) => registry.client(connectionId),
    async client(connectionId) {
      if (!connectionId) {
        throw new FaturadorError(
          'CONNECTION_NOT_CONFIGURED',
          'This API client has no Moloni connection. An operator links one with `faturador clients connect`.',
        );
      }
      let client = built.get(connectionId);
      if (!client) {
        client = build(connectionId);
        built.set(connectionId, client);
        // A failed build (e.g. Redis blip) must not be cached forever.
        client.catch(() => built.delete(connectionId));
      }
      return client;
    },
    async close() {
      const clients = await Promise.allSettled(built.values());
      await Promise.all(clients.map((c) => (c.status === 'fulfilled' ? c.value.close() : undefined)));
    },
  };
  return registry;
}
