import { parseArgs } from 'node:util';
import { assertNoEviction, checkMasterKey } from '@faturador/store';
import { type CliDeps, type CommandOutput, parsing } from '../context.ts';
import { redactRedisUrl } from '../env.ts';

export const DOCTOR_USAGE =
  'faturador doctor   (Redis reachable and safe, master key right, what is configured)';

type Status = 'ok' | 'warn' | 'FAIL';

interface Check {
  name: string;
  status: Status;
  detail: string;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The stored connection secrets are opened first: if they do not open, a canary must not be sealed
 * under this (wrong) key, or the next run with the right key would be told it is wrong.
 */
async function checkKey(
  deps: CliDeps,
  add: (name: string, status: Status, detail: string) => void,
): Promise<void> {
  try {
    const connections = await deps.connections.listConnections();
    const unreadable: string[] = [];
    for (const { connection_id } of connections) {
      try {
        await deps.connections.getConnection(connection_id);
      } catch {
        unreadable.push(connection_id);
      }
    }
    if (unreadable.length > 0) {
      add(
        'master key',
        'FAIL',
        `does not open the secrets of ${unreadable.join(', ')}: not the key they were sealed with`,
      );
      return;
    }
    const outcome = await checkMasterKey(deps);
    add(
      'master key',
      'ok',
      outcome === 'created' ? 'canary sealed (first run with this prefix)' : 'opens the stored canary',
    );
  } catch (error) {
    add('master key', 'FAIL', message(error));
  }
}

/** Each check reports; none stops the others, so one run shows everything that is wrong. */
export async function doctorCommand(deps: CliDeps, args: string[]): Promise<CommandOutput> {
  parsing(() => parseArgs({ args, strict: true, options: {} }));
  const checks: Check[] = [];
  const add = (name: string, status: Status, detail: string) => checks.push({ name, status, detail });

  let reachable = false;
  try {
    const started = performance.now();
    await deps.redis.ping();
    const info = await deps.redis.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown version';
    add(
      'redis',
      'ok',
      `${redactRedisUrl(deps.redisUrl)} answers (Redis ${version}, ${Math.round(performance.now() - started)} ms)`,
    );
    reachable = true;
  } catch (error) {
    add('redis', 'FAIL', `${redactRedisUrl(deps.redisUrl)} is not reachable: ${message(error)}`);
  }

  if (reachable) {
    try {
      add('eviction', 'ok', `maxmemory-policy ${await assertNoEviction(deps.redis)}`);
    } catch (error) {
      add('eviction', 'FAIL', message(error));
    }
    try {
      const persistence = await deps.redis.info('persistence');
      const aof = /aof_enabled:(\d)/.exec(persistence)?.[1] === '1';
      add(
        'persistence',
        aof ? 'ok' : 'warn',
        aof ? 'AOF on' : 'AOF off: a Redis restart may lose queued work',
      );
    } catch (error) {
      add('persistence', 'warn', `could not read INFO persistence: ${message(error)}`);
    }
    await checkKey(deps, add);
    try {
      const [connections, clients] = await Promise.all([
        deps.connections.listConnections(),
        deps.clients.listClients(),
      ]);
      const active = clients.filter((c) => c.status === 'active');
      const keys = (await Promise.all(active.map((c) => deps.clients.listKeys(c.client_id)))).flat();
      const liveKeys = keys.filter((k) => !k.revoked).length;
      add(
        'configured',
        'ok',
        `prefix ${deps.prefix}: ${connections.length} Moloni connection(s) ` +
          `(${connections.map((c) => `${c.connection_id} ${c.kind}`).join(', ') || 'none'}), ` +
          `${active.length} active client(s), ${liveKeys} live key(s)`,
      );
      const known = new Set(connections.map((c) => c.connection_id));
      const unlinked = active
        .filter((c) => !c.connection_id || !known.has(c.connection_id))
        .map((c) => c.client_id);
      if (unlinked.length > 0) {
        add('clients', 'warn', `without a (valid) Moloni connection, cannot issue: ${unlinked.join(', ')}`);
      }
    } catch (error) {
      add('configured', 'FAIL', message(error));
    }
  }

  const width = Math.max(...checks.map((c) => c.name.length));
  const text = checks.map((c) => `${c.status.padEnd(4)}  ${c.name.padEnd(width)}  ${c.detail}`).join('\n');
  const failed = checks.some((c) => c.status === 'FAIL');
  return { text, data: { ok: !failed, checks }, exitCode: failed ? 1 : 0 };
}
