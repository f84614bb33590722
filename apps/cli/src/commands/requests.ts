import { parseArgs } from 'node:util';
import { FaturadorError, isId } from '@faturador/core';
import { incidentsKey, ledgerKey } from '@faturador/store';
import { type CliDeps, type CommandOutput, parsing, positionals, UsageError } from '../context.ts';

export const REQUESTS_USAGE = `faturador requests show <request_id>   (the ledger entry of a request, as JSON)
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

export async function requestsCommand(
  deps: CliDeps,
  action: string | undefined,
  args: string[],
): Promise<CommandOutput> {
  if (action === 'show') return show(deps, args);
  if (action === 'incidents') return incidents(deps);
  throw new UsageError(`unknown command: requests ${action ?? ''}`.trim());
}
