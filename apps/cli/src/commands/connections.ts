import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FaturadorError } from '@faturador/core';
import { checkConnection as checkInvoiceXpress } from '@faturador/invoicexpress';
import { checkConnectionOf } from '@faturador/issuing';
import type { MoloniConnection } from '@faturador/store';
import { z } from 'zod';
import { type CliDeps, type CommandOutput, parsing, positionals, table, UsageError } from '../context.ts';

/**
 * What `pnpm --filter @faturador/moloni-sandbox start` listens on and accepts (its
 * DEFAULT_CREDENTIALS), so `connections add --sandbox` works with no other flag.
 */
export const SANDBOX_DEFAULTS = {
  base_url: 'http://127.0.0.1:8765/v1/',
  client_id: 'faturador-sandbox',
  client_secret: 'sandbox-secret',
  username: 'demo@faturador.test',
  password: 'sandbox-password',
} as const;

export const CONNECTIONS_USAGE = `faturador connections add --name <name> --sandbox [--base-url <url>] [credentials]
faturador connections add --name <name> --client-id <id> --client-secret <s> --username <u> --password <p>
                          [--company-id <n>] [--base-url <url>]
    credentials may come from --credentials-file <file.json> instead of flags ({"client_id",
    "client_secret", "username", "password", "company_id"}), which keeps them out of shell history
faturador connections add --provider invoicexpress --name <name> --account <subdomain> --api-key <key>
                          [--base-url <url with {account}>]   (checked at once: key, account, series, taxes)
faturador connections list
faturador connections check <con_id>   (inserts a draft in Moloni, reports what it learned, deletes it)
faturador connections remove <con_id> [--force]   (--force unlinks the clients that use it)`;

const credentialsFile = z
  .object({
    client_id: z.string(),
    client_secret: z.string(),
    username: z.string(),
    password: z.string(),
    company_id: z.number().int().positive(),
  })
  .partial();

async function readCredentials(
  cwd: string,
  file: string | undefined,
): Promise<z.infer<typeof credentialsFile>> {
  if (file === undefined) return {};
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`cannot read the credentials file ${path}`);
  }
  try {
    const parsed = credentialsFile.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // Reported below; the file's content is never echoed.
  }
  throw new UsageError(
    `${path} is not a JSON object of client_id, client_secret, username, password, company_id`,
  );
}

export function connectionRows(connections: MoloniConnection[]): string {
  if (connections.length === 0) return 'No connections. Add one with `faturador connections add`.';
  return table([
    ['CONNECTION', 'PROVIDER', 'KIND', 'NAME', 'BASE URL', 'USERNAME', 'COMPANY', 'CREATED'],
    ...connections.map((c) => [
      c.connection_id,
      c.provider,
      c.kind,
      c.name,
      c.base_url,
      c.account ?? c.username,
      c.company_id === null ? '-' : String(c.company_id),
      c.created_at,
    ]),
  ]);
}

async function add(deps: CliDeps, args: string[]): Promise<CommandOutput> {
  const { values } = parsing(() =>
    parseArgs({
      args,
      strict: true,
      options: {
        name: { type: 'string' },
        sandbox: { type: 'boolean', default: false },
        'base-url': { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        username: { type: 'string' },
        password: { type: 'string' },
        'company-id': { type: 'string' },
        'credentials-file': { type: 'string' },
        provider: { type: 'string', default: 'moloni' },
        account: { type: 'string' },
        'api-key': { type: 'string' },
      },
    }),
  );
  if (!values.name) throw new UsageError('connections add: --name is required');
  if (values.provider === 'invoicexpress') return addInvoiceXpress(deps, { ...values, name: values.name });
  if (values.provider !== 'moloni') {
    throw new UsageError('connections add: --provider must be moloni or invoicexpress');
  }
  const file = await readCredentials(deps.cwd, values['credentials-file']);
  const sandbox = values.sandbox ? SANDBOX_DEFAULTS : undefined;
  const pick = (
    flag: string | undefined,
    fromFile: string | undefined,
    fallback: string | undefined,
    name: string,
  ) => {
    const value = flag ?? fromFile ?? fallback;
    if (value === undefined)
      throw new UsageError(`connections add: --${name} is required for a real Moloni account`);
    return value;
  };
  const companyText = values['company-id'];
  if (companyText !== undefined && !/^\d+$/.test(companyText)) {
    throw new UsageError('connections add: --company-id must be a number');
  }
  const connection = await deps.connections.createConnection({
    name: values.name,
    kind: sandbox ? 'sandbox' : 'moloni',
    base_url: values['base-url'] ?? sandbox?.base_url,
    client_id: pick(values['client-id'], file.client_id, sandbox?.client_id, 'client-id'),
    client_secret: pick(values['client-secret'], file.client_secret, sandbox?.client_secret, 'client-secret'),
    username: pick(values.username, file.username, sandbox?.username, 'username'),
    password: pick(values.password, file.password, sandbox?.password, 'password'),
    company_id: companyText !== undefined ? Number(companyText) : (file.company_id ?? null),
  });
  return {
    text: [
      `Added Moloni connection ${connection.connection_id} (${connection.kind}, ${connection.base_url}).`,
      'Its secrets are stored encrypted with FATURADOR_MASTER_KEY.',
      `Link a client: faturador clients create <client_id> --name <name> --connection ${connection.connection_id}`,
    ].join('\n'),
    data: connection,
  };
}

/**
 * An InvoiceXpress account is checked before it is saved (seed 003's troubleshooting cases come
 * back as INVOICEXPRESS_CONNECTION_FAILED with their cause), so a typo never reaches a request.
 */
async function addInvoiceXpress(
  deps: CliDeps,
  values: { name: string; account?: string; 'api-key'?: string; 'base-url'?: string },
): Promise<CommandOutput> {
  if (!values.account) throw new UsageError('connections add: --account is required for InvoiceXpress');
  if (!values['api-key']) throw new UsageError('connections add: --api-key is required for InvoiceXpress');
  const report = await checkInvoiceXpress(values.account, values['api-key'], {
    ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
    retry: { readAttempts: 1 },
  });
  const connection = await deps.connections.createConnection({
    provider: 'invoicexpress',
    name: values.name,
    account: report.account,
    api_key: values['api-key'],
    ...(values['base-url'] ? { base_url: values['base-url'] } : {}),
  });
  return {
    text: [
      `Added InvoiceXpress connection ${connection.connection_id} (account ${report.account}, ${connection.base_url}).`,
      ...(report.correctedFrom
        ? [`  "${report.correctedFrom}" was read as the subdomain ${report.account}.`]
        : []),
      `  default series  ${report.defaultSerie ?? '-'} (of ${report.series.join(', ') || 'none'})`,
      `  taxes           ${report.taxes.map((tax) => `${tax.name} ${tax.value}% ${tax.region}`).join(', ')}`,
      'Its API key is stored encrypted with FATURADOR_MASTER_KEY.',
      `Link a client: faturador clients create <client_id> --name <name> --connection ${connection.connection_id}`,
    ].join('\n'),
    data: { ...connection, report },
  };
}

async function remove(deps: CliDeps, args: string[]): Promise<CommandOutput> {
  const parsed = parsing(() =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: { force: { type: 'boolean', default: false } },
    }),
  );
  const [connectionId = ''] = positionals(parsed.positionals, ['con_id'], 'connections remove');
  const users = (await deps.clients.listClients()).filter((c) => c.connection_id === connectionId);
  if (users.length > 0 && !parsed.values.force) {
    const names = users.map((c) => c.client_id).join(', ');
    throw new UsageError(
      `connection ${connectionId} is used by ${names}; pass --force to unlink them and remove it`,
    );
  }
  for (const client of users) await deps.clients.setMoloniConnection(client.client_id, null);
  if (!(await deps.connections.deleteConnection(connectionId))) {
    throw new FaturadorError('NOT_FOUND', `Moloni connection ${connectionId} not found`);
  }
  const unlinked = users.length > 0 ? ` Unlinked: ${users.map((c) => c.client_id).join(', ')}.` : '';
  return { text: `Removed connection ${connectionId}.${unlinked}`, data: { removed: connectionId } };
}

async function check(deps: CliDeps, args: string[]): Promise<CommandOutput> {
  const parsed = parsing(() => parseArgs({ args, strict: true, allowPositionals: true, options: {} }));
  const [connectionId = ''] = positionals(parsed.positionals, ['con_id'], 'connections check');
  const connection = await deps.connections.getConnection(connectionId);
  if (!connection) throw new FaturadorError('NOT_FOUND', `Connection ${connectionId} not found`);
  const checked = await checkConnectionOf(connection, deps);
  return { text: checked.lines.join('\n'), data: checked.report };
}

export async function connectionsCommand(
  deps: CliDeps,
  action: string | undefined,
  args: string[],
): Promise<CommandOutput> {
  switch (action) {
    case 'add':
      return add(deps, args);
    case 'list': {
      parsing(() => parseArgs({ args, strict: true, options: {} }));
      const connections = await deps.connections.listConnections();
      return { text: connectionRows(connections), data: connections };
    }
    case 'remove':
      return remove(deps, args);
    case 'check':
      return check(deps, args);
    default:
      throw new UsageError(`unknown command: connections ${action ?? ''}`.trim());
  }
}
