import { randomBytes } from 'node:crypto';
import { type InvoiceRequestBody, slackCapability } from '@faturador/core';
import type { SandboxCredentials } from '@faturador/moloni-sandbox';
import {
  type ApiClientStore,
  createAdminStore,
  createApiClientStore,
  createConnectionStore,
  type StoreDeps,
} from '@faturador/store';
import { SEED_EXAMPLE_BODY as SEED_EXAMPLE } from '@faturador/testing';

/** The seed contract's demo credentials; they grant nothing outside a local stack. */
export const DEMO_CLIENT = {
  clientId: 'airtable_ops_prod',
  apiKey: 'ak_demo_9f83b7d1a5c40c22',
  apiSecret: 'as_demo_5baf4f0f613949f0863b83de8f4c4f90',
} as const;

/** The seed contract's example payload, checked against the request body's type. */
export const SEED_EXAMPLE_BODY = SEED_EXAMPLE satisfies InvoiceRequestBody;

const SANDBOX_CONNECTION_NAME = 'Moloni sandbox';

/** A Moloni connection to a sandbox, as an operator would add it with the CLI. */
export function addSandboxConnection(
  deps: StoreDeps,
  name: string,
  sandbox: { baseUrl: string; credentials: SandboxCredentials },
) {
  return createConnectionStore(deps).createConnection({
    name,
    kind: 'sandbox',
    base_url: sandbox.baseUrl,
    client_id: sandbox.credentials.clientId,
    client_secret: sandbox.credentials.clientSecret,
    username: sandbox.credentials.username,
    password: sandbox.credentials.password,
  });
}

/** An API client on the given connection with exactly these capabilities, created if missing. */
async function ensureClient(
  clients: ApiClientStore,
  client: { clientId: string; name: string; capabilities?: string[] },
  connectionId: string,
): Promise<void> {
  if (!(await clients.getClient(client.clientId))) {
    await clients.createClient({ client_id: client.clientId, name: client.name });
  }
  await clients.setMoloniConnection(client.clientId, connectionId);
  await clients.setCapabilities(client.clientId, client.capabilities ?? []);
}

/** The demo connection of an earlier start, if it still points at this sandbox as this user. */
async function reusableConnection(
  deps: StoreDeps,
  sandbox: { baseUrl: string; credentials: SandboxCredentials },
): Promise<string | undefined> {
  const connections = createConnectionStore(deps);
  const baseUrl = sandbox.baseUrl.endsWith('/') ? sandbox.baseUrl : `${sandbox.baseUrl}/`;
  let kept: string | undefined;
  for (const existing of await connections.listConnections()) {
    if (existing.kind !== 'sandbox' || existing.name !== SANDBOX_CONNECTION_NAME) continue;
    const same =
      kept === undefined &&
      existing.base_url === baseUrl &&
      existing.client_id === sandbox.credentials.clientId &&
      existing.username === sandbox.credentials.username;
    // The secrets must match too: a changed password would otherwise fail every issuance.
    const full = same ? await connections.getConnection(existing.connection_id) : null;
    if (
      full?.client_secret === sandbox.credentials.clientSecret &&
      full.password === sandbox.credentials.password
    ) {
      kept = existing.connection_id;
    } else {
      await connections.deleteConnection(existing.connection_id);
    }
  }
  return kept;
}

/**
 * Links the demo client (created if missing, with the seed's key and secret) to a connection to
 * the given sandbox. The connection of an earlier start is reused when it points at the same
 * sandbox, so the ledger's documents (their PDF links, the guard on their references) stay with
 * the account that holds them; one to another URL (the sandbox's port changed) is replaced.
 * Returns the connection id.
 */
export async function seedDemoClient(
  deps: StoreDeps,
  sandbox: { baseUrl: string; credentials: SandboxCredentials },
): Promise<string> {
  const connection = {
    connection_id:
      (await reusableConnection(deps, sandbox)) ??
      (await addSandboxConnection(deps, SANDBOX_CONNECTION_NAME, sandbox)).connection_id,
  };
  const clients = createApiClientStore(deps);
  await ensureClient(
    clients,
    { clientId: DEMO_CLIENT.clientId, name: 'Demo client (seed contract)' },
    connection.connection_id,
  );
  if (!(await clients.getKey(DEMO_CLIENT.clientId, DEMO_CLIENT.apiKey))) {
    await clients.createKey(DEMO_CLIENT.clientId, {
      key_id: DEMO_CLIENT.apiKey,
      secret: DEMO_CLIENT.apiSecret,
    });
  }
  return connection.connection_id;
}

/** The second demo client: the same API, issuing through the InvoiceXpress sandbox. */
export const IX_DEMO_CLIENT = {
  clientId: 'invoicexpress_ops',
  apiKey: 'ak_demo_ix_4c1d2e3f5a6b7c80',
  apiSecret: 'as_demo_ix_0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a',
} as const;

const IX_CONNECTION_NAME = 'InvoiceXpress sandbox';

/**
 * Links the second demo client to an InvoiceXpress connection to the sandbox's account, reusing
 * the one of an earlier start when it points at the same account URL. Returns the connection id.
 */
export async function seedInvoiceXpressClient(
  deps: StoreDeps,
  sandbox: { baseUrlTemplate: string; account: string; apiKey: string },
): Promise<string> {
  const connections = createConnectionStore(deps);
  const url = sandbox.baseUrlTemplate.replace('{account}', sandbox.account);
  let connectionId: string | undefined;
  for (const existing of await connections.listConnections()) {
    if (existing.provider !== 'invoicexpress' || existing.name !== IX_CONNECTION_NAME) continue;
    const full = await connections.getConnection(existing.connection_id);
    if (!connectionId && existing.base_url === url && full?.api_key === sandbox.apiKey) {
      connectionId = existing.connection_id;
    } else {
      await connections.deleteConnection(existing.connection_id);
    }
  }
  connectionId ??= (
    await connections.createConnection({
      provider: 'invoicexpress',
      name: IX_CONNECTION_NAME,
      account: sandbox.account,
      api_key: sandbox.apiKey,
      base_url: sandbox.baseUrlTemplate,
    })
  ).connection_id;
  const clients = createApiClientStore(deps);
  await ensureClient(
    clients,
    { clientId: IX_DEMO_CLIENT.clientId, name: 'Demo client on InvoiceXpress' },
    connectionId,
  );
  if (!(await clients.getKey(IX_DEMO_CLIENT.clientId, IX_DEMO_CLIENT.apiKey))) {
    await clients.createKey(IX_DEMO_CLIENT.clientId, {
      key_id: IX_DEMO_CLIENT.apiKey,
      secret: IX_DEMO_CLIENT.apiSecret,
    });
  }
  return connectionId;
}

/** The local Slack bot's own API client: the bot calls the billing API like any other caller. */
export const SLACK_BOT_CLIENT_ID = 'slack_bot';

export interface IssuedCredentials {
  clientId: string;
  apiKey: string;
  apiSecret: string;
}

/**
 * Gives the local Slack bot's client (created if missing) the given Moloni connection, the
 * capability to deliver to threads of its workspace (and no other), and a fresh key, revoking the
 * keys of earlier runs: only the bot started with it can use it.
 */
export async function issueSlackBotKey(
  deps: StoreDeps,
  connectionId: string,
  teamId: string,
): Promise<IssuedCredentials> {
  const clients = createApiClientStore(deps);
  await ensureClient(
    clients,
    {
      clientId: SLACK_BOT_CLIENT_ID,
      name: 'Slack bot (local stack)',
      capabilities: [slackCapability(teamId)],
    },
    connectionId,
  );
  for (const key of await clients.listKeys(SLACK_BOT_CLIENT_ID)) {
    if (!key.revoked) await clients.revokeKey(SLACK_BOT_CLIENT_ID, key.key_id);
  }
  const issued = await clients.createKey(SLACK_BOT_CLIENT_ID);
  return { clientId: SLACK_BOT_CLIENT_ID, apiKey: issued.key.key_id, apiSecret: issued.secret };
}

/** The local stack's backoffice user: an admin, with a new password at every start (printed once). */
export const DEMO_ADMIN_EMAIL = 'demo@faturador.local';

export async function seedDemoAdmin(
  deps: Pick<StoreDeps, 'redis' | 'prefix'>,
): Promise<{ email: string; password: string }> {
  const admins = createAdminStore({ redis: deps.redis, prefix: deps.prefix });
  const password = randomBytes(12).toString('base64url');
  if (await admins.get(DEMO_ADMIN_EMAIL)) await admins.setPassword(DEMO_ADMIN_EMAIL, password);
  else await admins.create({ email: DEMO_ADMIN_EMAIL, role: 'admin', password });
  return { email: DEMO_ADMIN_EMAIL, password };
}

/** The From of the local stack's e-mails (the mail sandbox accepts any). */
export const DEMO_MAIL_FROM = 'Faturação Demo <faturas@faturador.local>';
