import { FaturadorError, type SecretBox } from '@faturador/core';
import {
  createInvoiceXpressProvider,
  createRedisLimiter,
  InvoiceXpressClient,
} from '@faturador/invoicexpress';
import {
  clientOptionsOf,
  createMoloniClient,
  type MoloniCallObserver,
  type MoloniClient,
  type MoloniLogger,
} from '@faturador/moloni';
import type { ConnectionStore, ConnectionWithSecrets, Provider } from '@faturador/store';
import type { Redis } from 'ioredis';
import { createInvoiceXpressLifecycle } from './lifecycle/invoicexpress.ts';
import type { LifecycleMoloni } from './lifecycle/process-action.ts';
import type { MoloniPort, MoloniResolver } from './ports.ts';

export interface MoloniRegistry {
  /** The issuing port of a connection, whichever platform it is on. */
  resolve: MoloniResolver;
  /** What lifecycle jobs use of a connection: finalize, delete, credit notes, receipts, e-mails. */
  client(connectionId: string | null): Promise<LifecycleMoloni>;
  close(): Promise<void>;
}

interface RegistryDeps {
  connections: ConnectionStore;
  redis: Redis;
  prefix: string;
  secretBox: SecretBox;
  logger?: MoloniLogger;
  /** Told of every Moloni call of every client (a request's timeline). */
  onCall?: MoloniCallObserver;
}

/** What a connection becomes in this process: its issuing port, and its lifecycle client if any. */
interface Built {
  port: MoloniPort;
  lifecycle: LifecycleMoloni;
  close(): Promise<void>;
}

/**
 * InvoiceXpress brings its own credit notes, receipts and deletes (its `platform`): Moloni's
 * lifecycle service is never reached for it, and says so if it ever were.
 */
const notMoloni = new Proxy({} as LifecycleMoloni['lifecycle'], {
  get: () => async () => {
    throw new FaturadorError('INTERNAL_ERROR', "Moloni's lifecycle service was called for another platform.");
  },
});

function buildMoloni(connection: ConnectionWithSecrets, deps: RegistryDeps): Built {
  const connectionId = connection.connection_id;
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
  const port: MoloniClient & MoloniPort = {
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
  return { port, lifecycle: port, close: () => client.close() };
}

function buildInvoiceXpress(connection: ConnectionWithSecrets, deps: RegistryDeps): Built {
  const client = new InvoiceXpressClient({
    account: connection.account ?? '',
    apiKey: connection.api_key,
    baseUrl: connection.base_url,
    // One budget per account for every process: InvoiceXpress counts ~780 requests a minute.
    limiter: createRedisLimiter(deps.redis, deps.prefix),
    // The same timeline as Moloni's calls: the backoffice shows each call of a request.
    ...(deps.onCall ? { onCall: deps.onCall } : {}),
  });
  const port = createInvoiceXpressProvider(client, { accountUrl: connection.base_url });
  return {
    port,
    // Finalizing re-checks the total and closes, as issuing does; an e-mail attaches the PDF.
    lifecycle: {
      completeDocument: port.completeDocument,
      downloadPdf: port.downloadPdf,
      lifecycle: notMoloni,
      platform: createInvoiceXpressLifecycle(client),
    },
    close: () => client.close(),
  };
}

/** The one place that knows which platforms exist: every other layer sees a provider port. */
const PROVIDERS: Record<Provider, (connection: ConnectionWithSecrets, deps: RegistryDeps) => Built> = {
  moloni: buildMoloni,
  invoicexpress: buildInvoiceXpress,
};

/**
 * One client per connection per process, built on first use: its HTTP pool, reference-data cache
 * and token handling are reused by every job of that account.
 */
export function createMoloniRegistry(deps: RegistryDeps): MoloniRegistry {
  const built = new Map<string, Promise<Built>>();

  async function build(connectionId: string): Promise<Built> {
    const connection = await deps.connections.getConnection(connectionId);
    if (!connection) {
      throw new FaturadorError('CONNECTION_NOT_CONFIGURED', `Connection ${connectionId} does not exist.`);
    }
    return PROVIDERS[connection.provider](connection, deps);
  }

  async function get(connectionId: string | null): Promise<Built> {
    if (!connectionId) {
      throw new FaturadorError(
        'CONNECTION_NOT_CONFIGURED',
        'This API client has no Moloni connection. An operator links one with `faturador clients connect`.',
      );
    }
    let found = built.get(connectionId);
    if (!found) {
      found = build(connectionId);
      built.set(connectionId, found);
      // A failed build (e.g. Redis blip) must not be cached forever.
      found.catch(() => built.delete(connectionId));
    }
    return found;
  }

  return {
    resolve: async (connectionId) => (await get(connectionId)).port,
    client: async (connectionId) => (await get(connectionId)).lifecycle,
    async close() {
      const all = await Promise.allSettled(built.values());
      await Promise.all(all.map((c) => (c.status === 'fulfilled' ? c.value.close() : undefined)));
    },
  };
}
