import { parseArgs } from 'node:util';
import { FaturadorError, slackCapability, slackTeamsOf } from '@faturador/core';
import type { ApiClient, ApiKey } from '@faturador/store';
import { type CliDeps, type CommandOutput, parsing, positionals, table, UsageError } from '../context.ts';

export const CLIENTS_USAGE = `faturador clients create <client_id> --name <name> [--connection <con_id>] [--slack-team <T…>]
faturador clients list
faturador clients show <client_id>
faturador clients connect <client_id> <con_id|none>
faturador clients capabilities <client_id> [--slack-team <T…> | --none]
                                                   (--slack-team: results may go to threads of that Slack workspace)
faturador clients revoke <client_id>              (final: every key of the client stops working)`;

export function keyRows(keys: ApiKey[]): string {
  if (keys.length === 0) return 'No keys.';
  return table([
    ['KEY', 'STATUS', 'SCOPES', 'SIGNED ONLY', 'ALLOWLIST', 'SECRETS'],
    ...keys.map((key) => [
      key.key_id,
      key.revoked ? 'revoked' : 'active',
      key.scopes.join(','),
      key.signed_only ? 'yes' : 'no',
      key.ip_allowlist.length === 0 ? 'any address' : key.ip_allowlist.join(','),
      key.secrets.map((s) => (s.expires_at ? `1 (expires ${s.expires_at})` : '1')).join(' + ') || '0',
    ]),
  ]);
}

function clientRows(clients: ApiClient[]): string {
  if (clients.length === 0) return 'No API clients. Create one with `faturador clients create`.';
  return table([
    ['CLIENT', 'STATUS', 'NAME', 'CONNECTION', 'DELIVERS TO', 'CREATED'],
    ...clients.map((c) => [
      c.client_id,
      c.status,
      c.name,
      c.connection_id ?? '-',
      describeCapabilities(c.capabilities),
      c.created_at,
    ]),
  ]);
}

/** Where a client's results may go, in words: the caller only, or also Slack threads of a workspace. */
export function describeCapabilities(capabilities: readonly string[]): string {
  const teams = slackTeamsOf(capabilities);
  return teams.length === 0 ? 'caller only' : `caller + Slack ${teams.join(',')}`;
}

function slackTeamCapabilities(teams: readonly string[]): string[] {
  return teams.map((team) => {
    try {
      return slackCapability(team);
    } catch {
      throw new UsageError(`--slack-team: "${team.slice(0, 40)}" is not a Slack team id (T…)`);
    }
  });
}

async function capabilities(deps: CliDeps, args: string[]): Promise<CommandOutput> {
  const parsed = parsing(() =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: { 'slack-team': { type: 'string', multiple: true }, none: { type: 'boolean' } },
    }),
  );
  const [clientId = ''] = positionals(parsed.positionals, ['client_id'], 'clients capabilities');
  const teams = parsed.values['slack-team'] ?? [];
  if (teams.length === 0 && !parsed.values.none) {
    const client = await deps.clients.getClient(clientId);
    if (!client) throw new FaturadorError('NOT_FOUND', `API client ${clientId} not found`);
    return {
      text: `API client ${client.client_id}: results go to the ${describeCapabilities(client.capabilities)}.`,
      data: { client_id: client.client_id, capabilities: client.capabilities },
    };
  }
  if (teams.length > 0 && parsed.values.none) {
    throw new UsageError('clients capabilities: --slack-team and --none exclude each other');
  }
  const client = await deps.clients.setCapabilities(clientId, slackTeamCapabilities(teams));
  return {
    text: `API client ${client.client_id}: results now go to the ${describeCapabilities(client.capabilities)}.`,
    data: client,
  };
}

function positionalArgs(args: string[], names: readonly string[], command: string): string[] {
  const parsed = parsing(() => parseArgs({ args, strict: true, allowPositionals: true, options: {} }));
  if (parsed.positionals.length > names.length) throw new UsageError(`${command}: too many arguments`);
  return positionals(parsed.positionals, names, command);
}

async function create(deps: CliDeps, args: string[]): Promise<CommandOutput> {
  const parsed = parsing(() =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        connection: { type: 'string' },
        'slack-team': { type: 'string', multiple: true },
      },
    }),
  );
  const [clientId = ''] = positionals(parsed.positionals, ['client_id'], 'clients create');
  if (!parsed.values.name) throw new UsageError('clients create: --name is required');
  const client = await deps.clients.createClient({
    client_id: clientId,
    name: parsed.values.name,
    connection_id: parsed.values.connection ?? null,
    capabilities: slackTeamCapabilities(parsed.values['slack-team'] ?? []),
  });
  const hint = client.connection_id
    ? ''
    : '\nIt has no Moloni connection yet: faturador clients connect <client_id> <con_id>';
  return {
    text: `Created API client ${client.client_id}.\nNext: faturador keys create ${client.client_id}${hint}`,
    data: client,
  };
}

export async function clientsCommand(
  deps: CliDeps,
  action: string | undefined,
  args: string[],
): Promise<CommandOutput> {
  switch (action) {
    case 'create':
      return create(deps, args);
    case 'list': {
      positionalArgs(args, [], 'clients list');
      const clients = await deps.clients.listClients();
      return { text: clientRows(clients), data: clients };
    }
    case 'show': {
      const [clientId = ''] = positionalArgs(args, ['client_id'], 'clients show');
      const client = await deps.clients.getClient(clientId);
      if (!client) throw new FaturadorError('NOT_FOUND', `API client ${clientId} not found`);
      const keys = await deps.clients.listKeys(clientId);
      return { text: `${clientRows([client])}\n\n${keyRows(keys)}`, data: { ...client, keys } };
    }
    case 'capabilities':
      return capabilities(deps, args);
    case 'connect': {
      const [clientId = '', connectionId = ''] = positionalArgs(
        args,
        ['client_id', 'con_id|none'],
        'clients connect',
      );
      const client = await deps.clients.setMoloniConnection(
        clientId,
        connectionId === 'none' ? null : connectionId,
      );
      const target = client.connection_id ?? 'no connection';
      return { text: `API client ${client.client_id} now issues with ${target}.`, data: client };
    }
    case 'revoke': {
      const [clientId = ''] = positionalArgs(args, ['client_id'], 'clients revoke');
      const client = await deps.clients.revokeClient(clientId);
      return { text: `Revoked API client ${client.client_id} and all its keys.`, data: client };
    }
    default:
      throw new UsageError(`unknown command: clients ${action ?? ''}`.trim());
  }
}
