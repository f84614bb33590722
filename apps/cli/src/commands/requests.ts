import { parseArgs } from 'node:util';
import { FaturadorError, isId } from '@faturador/core';
import { parseListQuery } from '@faturador/issuing';
import { incidentsKey, ledgerKey } from '@faturador/store';
import { type CliDeps, type CommandOutput, parsing, positionals, table, UsageError } from '../context.ts';

export const REQUESTS_USAGE = `faturador requests show <request_id>   (the ledger entry of a request, as JSON)
faturador requests list [--state queued|issuing|issued|failed] [--client <id>] [--origin api|slack|airtable]
                        [--type <document type>] [--from <date>] [--to <date>] [--reference <ref>]
                        [--nif <nif>] [--number <document number>] [--name <prefix>] [--limit N] [--cursor C]
faturador requests retry <request_id>   (a failed request again, under its own key; reconciles first)
faturador requests redeliver <request_id>   (its result again to its Slack thread or Airtable record)
faturador requests incidents           (requests an operator must look at, newest first)`;

function parseMaybeJson(value: string): unknown {
  if (!/^\s*[[{"]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * Prints whatever the ledger holds for a request. Read raw (hash or string, JSON fields expanded)
 * rather than through the ledger's API, so the operator sees exactly what is stored.
 */
async function show(deps: CliDeps, args: string[]): Promise<CommandOutput> {
  const parsed = parsing(() => parseArgs({ args, strict: true, allowPositionals: true, options: {} }));
  const [requestId = ''] = positionals(parsed.positionals, ['request_id'], 'requests show');
  if (!isId(requestId, 'req'))
    throw new UsageError(`"${requestId.slice(0, 80)}" is not a request id (req_ + 16 hex)`);
  const key = ledgerKey(deps.prefix, requestId);
  const type = await deps.redis.type(key);
  let entry: unknown;
  if (type === 'hash') {
    const hash = await deps.redis.hgetall(key);
    entry = Object.fromEntries(Object.entries(hash).map(([field, value]) => [field, parseMaybeJson(value)]));
  } else if (type === 'string') {
    entry = parseMaybeJson((await deps.redis.get(key)) ?? '');
  } else if (type === 'none') {
    throw new FaturadorError('NOT_FOUND', `request ${requestId} not found`);
  } else {
    throw new FaturadorError('INTERNAL_ERROR', `${key} is a Redis ${type}, not a ledger entry`);
  }
  return { text: JSON.stringify(entry, null, 2), data: entry };
}

/** Requests whose reconciliation found something only a person can fix (several closed documents). */
async function incidents(deps: CliDeps): Promise<CommandOutput> {
  const ids = await deps.redis.zrevrange(incidentsKey(deps.prefix), 0, 99);
  const found = await Promise.all(
    ids.map(async (requestId) => {
      const incident = await deps.redis.hget(ledgerKey(deps.prefix, requestId), 'incident');
      return { request_id: requestId, ...(incident ? (JSON.parse(incident) as object) : {}) };
    }),
  );
  const text =
    found.length === 0
      ? 'No incidents.'
      : found
          .map((item) => {
            const { request_id, message } = item as { request_id: string; message?: string };
            return `${request_id}  ${message ?? ''}`;
          })
          .join('\n');
  return { text, data: found };
}

const LIST_OPTIONS = {
  state: { type: 'string' },
  client: { type: 'string' },
  origin: { type: 'string' },
  type: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  reference: { type: 'string' },
  nif: { type: 'string' },
  number: { type: 'string' },
  name: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
} as const;

async function list(deps: CliDeps, args: string[]): Promise<CommandOutput> {
  const parsed = parsing(() =>
    parseArgs({ args, strict: true, allowPositionals: false, options: LIST_OPTIONS }),
  );
  const { filter, limit, cursor } = parseListQuery(parsed.values);
  const page = await deps.operations().list(filter, { limit, cursor });
  const rows = page.entries.map((entry) => [
    entry.requestId,
    entry.createdAt.slice(0, 19).replace('T', ' '),
    entry.state,
    entry.clientId,
    entry.origin.kind,
    entry.reference,
    entry.document?.number ?? '',
    entry.error?.code ?? entry.lastError?.code ?? '',
  ]);
  const header = ['REQUEST', 'CREATED (UTC)', 'STATE', 'CLIENT', 'ORIGIN', 'REFERENCE', 'NUMBER', 'ERROR'];
  const more = page.nextCursor ? `\nMore: --cursor ${page.nextCursor}` : '';
  return {
    text: rows.length ? `${table([header, ...rows])}${more}` : 'No requests match.',
    data: {
      requests: page.entries.map((entry) => ({
        request_id: entry.requestId,
        created_at: entry.createdAt,
        state: entry.state,
        client_id: entry.clientId,
        origin: entry.origin.kind,
        reference: entry.reference,
        document: entry.document,
        error: entry.error,
        attempts: entry.attempts ?? 0,
        last_error: entry.lastError ?? null,
      })),
      next_cursor: page.nextCursor,
    },
  };
}

async function retry(deps: CliDeps, args: string[]): Promise<CommandOutput> {
  const parsed = parsing(() => parseArgs({ args, strict: true, allowPositionals: true, options: {} }));
  const [requestId = ''] = positionals(parsed.positionals, ['request_id'], 'requests retry');
  if (!isId(requestId, 'req'))
    throw new UsageError(`"${requestId.slice(0, 80)}" is not a request id (req_ + 16 hex)`);
  const entry = await deps.operations().retry(requestId, 'cli');
  return {
    text: `Request ${requestId} is ${entry.state} again; \`faturador requests show ${requestId}\` follows it.`,
    data: { request_id: requestId, state: entry.state },
  };
}

async function redeliver(deps: CliDeps, args: string[]): Promise<CommandOutput> {
  const parsed = parsing(() => parseArgs({ args, strict: true, allowPositionals: true, options: {} }));
  const [requestId = ''] = positionals(parsed.positionals, ['request_id'], 'requests redeliver');
  if (!isId(requestId, 'req'))
    throw new UsageError(`"${requestId.slice(0, 80)}" is not a request id (req_ + 16 hex)`);
  const entry = await deps.operations().redeliver(requestId, 'cli');
  return {
    text: `The result of ${requestId} goes to its ${entry.origin.kind === 'slack' ? 'Slack thread' : 'Airtable record'} again (a fresh PDF link with it).`,
    data: { request_id: requestId, delivery: entry.delivery.state },
  };
}

export async function requestsCommand(
  deps: CliDeps,
  action: string | undefined,
  args: string[],
): Promise<CommandOutput> {
  if (action === 'show') return show(deps, args);
  if (action === 'incidents') return incidents(deps);
  if (action === 'list') return list(deps, args);
  if (action === 'retry') return retry(deps, args);
  if (action === 'redeliver') return redeliver(deps, args);
  throw new UsageError(`unknown command: requests ${action ?? ''}`.trim());
}
