import { parseArgs } from 'node:util';
import { FaturadorError } from '@faturador/core';
import type { ApiKey, IssuedSecret } from '@faturador/store';
import { type CliDeps, type CommandOutput, parsing, positionals, UsageError } from '../context.ts';
import { keyRows } from './clients.ts';

export const KEYS_USAGE = `faturador keys create <client_id> [--scope <scope>]... [--allow <ip|cidr>]... [--signed-only]
                      [--key-id <ak_…> --secret <as_…>]   (given values: only for demos)
faturador keys list <client_id>
faturador keys rotate <client_id> <key_id> [--old-secret-ttl <seconds>]   (default 86400)
faturador keys drop-old-secret <client_id> <key_id>
faturador keys revoke <client_id> <key_id>
faturador keys allowlist <client_id> <key_id> <ip|cidr>... | --clear
faturador keys signed-only <client_id> <key_id> on|off
  scopes: invoices:write, invoices:read (the default pair), record-triggers:write, airtable-bases:write
faturador keys create <client_id> --scope record-triggers:write --airtable-base app…
                      (the Airtable extension's key: it triggers records of that one base only)`;

function describe(key: ApiKey): string {
  const allowlist = key.ip_allowlist.length === 0 ? 'any address' : key.ip_allowlist.join(', ');
  const base = key.airtable_base ? `\n  airtable base: ${key.airtable_base} only` : '';
  return `  scopes: ${key.scopes.join(', ')}\n  allowlist: ${allowlist}\n  signed only: ${key.signed_only ? 'yes' : 'no'}${base}`;
}

/** The one time a secret is printed. */
function revealSecret(headline: string, issued: IssuedSecret, extra: string[] = []): CommandOutput {
  const { key, secret } = issued;
  const text = [
    headline,
    `  X-Client-Id:  ${key.client_id}`,
    `  X-Api-Key:    ${key.key_id}`,
    `  X-Api-Secret: ${secret}`,
    describe(key),
    ...extra,
    '',
    'WARNING: the secret above is shown only now and cannot be recovered (it is stored encrypted).',
    'Put it in a secret store, do not paste it in chat or tickets; if it is lost, rotate the key.',
  ].join('\n');
  return { text, data: { ...key, secret } };
}

type KeyOption = 'old-secret-ttl' | 'clear';

/** `<client_id> <key_id> [more…]` plus the options this subcommand takes (and no others). */
function parseKeyArgs(
  args: string[],
  command: string,
  accepts: { options?: KeyOption[]; more?: boolean } = {},
) {
  const parsed = parsing(() =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: { 'old-secret-ttl': { type: 'string' }, clear: { type: 'boolean' } },
    }),
  );
  for (const name of Object.keys(parsed.values)) {
    if (!accepts.options?.includes(name as KeyOption))
      throw new UsageError(`${command}: unknown option --${name}`);
  }
  const [clientId = '', keyId = '', ...rest] = positionals(
    parsed.positionals,
    ['client_id', 'key_id'],
    command,
  );
  if (rest.length > 0 && !accepts.more) throw new UsageError(`${command}: too many arguments`);
  return { clientId, keyId, rest, values: parsed.values };
}

async function create(deps: CliDeps, args: string[]): Promise<CommandOutput> {
  const parsed = parsing(() =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        scope: { type: 'string', multiple: true },
        allow: { type: 'string', multiple: true },
        'signed-only': { type: 'boolean', default: false },
        'key-id': { type: 'string' },
        secret: { type: 'string' },
        'airtable-base': { type: 'string' },
      },
    }),
  );
  const [clientId = ''] = positionals(parsed.positionals, ['client_id'], 'keys create');
  const { values } = parsed;
  const issued = await deps.clients.createKey(clientId, {
    signed_only: values['signed-only'],
    ...(values.scope ? { scopes: values.scope } : {}),
    ...(values.allow ? { ip_allowlist: values.allow } : {}),
    ...(values['key-id'] ? { key_id: values['key-id'] } : {}),
    ...(values.secret ? { secret: values.secret } : {}),
    ...(values['airtable-base'] ? { airtable_base: values['airtable-base'] } : {}),
  });
  return revealSecret(`Created API key ${issued.key.key_id} for client ${clientId}.`, issued);
}

export async function keysCommand(
  deps: CliDeps,
  action: string | undefined,
  args: string[],
): Promise<CommandOutput> {
  switch (action) {
    case 'create':
      return create(deps, args);
    case 'list': {
      const [clientId = ''] = positionals(
        parsing(() => parseArgs({ args, strict: true, allowPositionals: true, options: {} })).positionals,
        ['client_id'],
        'keys list',
      );
      if (!(await deps.clients.getClient(clientId)))
        throw new FaturadorError('NOT_FOUND', `API client ${clientId} not found`);
      const keys = await deps.clients.listKeys(clientId);
      return { text: keyRows(keys), data: keys };
    }
    case 'rotate': {
      const { clientId, keyId, values } = parseKeyArgs(args, 'keys rotate', { options: ['old-secret-ttl'] });
      const ttlText = values['old-secret-ttl'];
      if (ttlText !== undefined && !/^\d+$/.test(ttlText)) {
        throw new UsageError('keys rotate: --old-secret-ttl must be a whole number of seconds');
      }
      const issued = await deps.clients.rotateSecret(clientId, keyId, {
        ...(ttlText !== undefined ? { oldSecretTtlSeconds: Number(ttlText) } : {}),
      });
      const previous = issued.key.secrets.length > 1 ? issued.key.secrets[0]?.expires_at : null;
      const note = previous
        ? `The previous secret keeps working until ${previous} (end it now: faturador keys drop-old-secret ${clientId} ${keyId}).`
        : 'The previous secret no longer works.';
      return revealSecret(`Rotated the secret of ${keyId}.`, issued, [note]);
    }
    case 'drop-old-secret': {
      const { clientId, keyId } = parseKeyArgs(args, 'keys drop-old-secret');
      const key = await deps.clients.dropOldSecret(clientId, keyId);
      return { text: `Only the newest secret of ${key.key_id} works now.`, data: key };
    }
    case 'revoke': {
      const { clientId, keyId } = parseKeyArgs(args, 'keys revoke');
      const key = await deps.clients.revokeKey(clientId, keyId);
      return { text: `Revoked API key ${key.key_id}.`, data: key };
    }
    case 'allowlist': {
      const { clientId, keyId, rest, values } = parseKeyArgs(args, 'keys allowlist', {
        options: ['clear'],
        more: true,
      });
      // An empty list means "any address": it has to be asked for explicitly.
      if (rest.length === 0 && !values.clear) {
        throw new UsageError('keys allowlist: give at least one IP/CIDR, or --clear to allow any address');
      }
      if (rest.length > 0 && values.clear) throw new UsageError('keys allowlist: --clear takes no addresses');
      const key = await deps.clients.setAllowlist(clientId, keyId, rest);
      return {
        text: `Allowlist of ${key.key_id}: ${key.ip_allowlist.join(', ') || 'any address'}.`,
        data: key,
      };
    }
    case 'signed-only': {
      const { clientId, keyId, rest } = parseKeyArgs(args, 'keys signed-only', { more: true });
      const [mode] = rest;
      if (rest.length !== 1 || (mode !== 'on' && mode !== 'off'))
        throw new UsageError('keys signed-only: say on or off');
      const key = await deps.clients.setSignedOnly(clientId, keyId, mode === 'on');
      return { text: `${key.key_id} signed only: ${key.signed_only ? 'yes' : 'no'}.`, data: key };
    }
    default:
      throw new UsageError(`unknown command: keys ${action ?? ''}`.trim());
  }
}
