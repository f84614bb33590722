import type { SecretBox } from '@faturador/core';
import {
  type ActionSubmitter,
  createActionSubmitter,
  createOperations,
  type Operations,
} from '@faturador/issuing';
import { createQueues, type Queues } from '@faturador/jobs';
import {
  type ApiClientStore,
  type ConnectionStore,
  createApiClientStore,
  createConnectionStore,
  createIdempotency,
  createLedger,
  createLifecycleStore,
  createRequestIndex,
  type Ledger,
  type LifecycleStore,
} from '@faturador/store';
import type { Redis } from 'ioredis';

/** Everything a command needs, built once by `main.ts` (or by a test). */
export interface CliDeps {
  redis: Redis;
  prefix: string;
  secretBox: SecretBox;
  /** Shown (redacted) by `doctor`. */
  redisUrl: string;
  /** Where relative file arguments resolve. */
  cwd: string;
  clients: ApiClientStore;
  connections: ConnectionStore;
  /** The list of requests and retries, as the backoffice has them (built on first use: it needs the queues). */
  operations: () => Operations;
  /** The calls after issuing (`documents …`), through issuing's action submitter (built on first use). */
  lifecycle: () => { ledger: Ledger; actions: LifecycleStore; submitter: ActionSubmitter };
}

/** How long `documents …` waits for the worker's answer (the API's budget is 10 s; a terminal can wait). */
const CLI_ACTION_BUDGET_MS = 30_000;

export function createCliDeps(input: {
  redis: Redis;
  prefix: string;
  secretBox: SecretBox;
  redisUrl: string;
  cwd?: string;
  now?: () => number;
}): CliDeps {
  const storeDeps = {
    redis: input.redis,
    prefix: input.prefix,
    secretBox: input.secretBox,
    ...(input.now ? { now: input.now } : {}),
  };
  let operations: Operations | null = null;
  let queues: Queues | null = null;
  let lifecycle: ReturnType<CliDeps['lifecycle']> | null = null;
  const queuesOf = () => {
    queues ??= createQueues({ connection: input.redis, prefix: input.prefix });
    return queues;
  };
  return {
    redis: input.redis,
    prefix: input.prefix,
    secretBox: input.secretBox,
    redisUrl: input.redisUrl,
    cwd: input.cwd ?? process.cwd(),
    clients: createApiClientStore(storeDeps),
    connections: createConnectionStore(storeDeps),
    operations() {
      const { redis, prefix } = input;
      operations ??= createOperations({
        ledger: createLedger({ redis, prefix }),
        index: createRequestIndex({ redis, prefix }),
        idempotency: createIdempotency({ redis, prefix, ttlSeconds: 30 * 86_400 }),
        queues: queuesOf(),
      });
      return operations;
    },
    lifecycle() {
      if (!lifecycle) {
        const { redis, prefix } = input;
        const ledger = createLedger({ redis, prefix });
        const actions = createLifecycleStore({ redis, prefix, ttlSeconds: 30 * 86_400 });
        const submitter = createActionSubmitter({
          ledger,
          actions,
          queues: queuesOf(),
          syncBudgetMs: CLI_ACTION_BUDGET_MS,
        });
        lifecycle = { ledger, actions, submitter };
      }
      return lifecycle;
    },
  };
}

/** What a command produces: text for people, data for `--json`, and an exit code. */
export interface CommandOutput {
  text: string;
  data?: unknown;
  exitCode?: number;
}

/** Bad invocation: printed with the usage of the command, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Runs `node:util` parseArgs, turning its errors into usage errors. */
export function parsing<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Aligned columns; the first row is the header. */
export function table(rows: ReadonlyArray<ReadonlyArray<string>>): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, col) => cell.padEnd(widths[col] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function positionals(values: string[], names: readonly string[], command: string): string[] {
  if (values.length < names.length) {
    throw new UsageError(
      `${command}: missing ${names
        .slice(values.length)
        .map((n) => `<${n}>`)
        .join(' ')}`,
    );
  }
  return values;
}
