import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** The CLI's whole configuration. The only place that reads `process.env`. */
export const cliEnvSchema = z.object({
  REDIS_URL: z
    .string({
      error:
        'REDIS_URL is required (no running `npm start` was found under .data/; or give the URL it prints)',
    })
    .regex(
      /^(rediss?|redis-cluster|redis-sentinel):\/\//,
      'REDIS_URL must start with redis://, rediss://, redis-cluster:// or redis-sentinel://',
    ),
  FATURADOR_MASTER_KEY: z
    .string({
      error: 'FATURADOR_MASTER_KEY is required (64 hex characters; the same key the api and worker use)',
    })
    .regex(/^[0-9a-fA-F]{64}$/, 'FATURADOR_MASTER_KEY must be 64 hex characters (32 bytes)'),
  FATURADOR_PREFIX: z
    .string()
    .regex(/^\{[A-Za-z0-9_-]+\}$/, 'FATURADOR_PREFIX must be a hash tag like {fat}')
    .default('{fat}'),
  /** Set by pnpm/npm to where the command was typed (scripts run in apps/cli): relative paths resolve there. */
  INIT_CWD: z.string().optional(),
});

export type CliEnv = z.infer<typeof cliEnvSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses an environment; the error lists every problem and never echoes a value. */
export function parseCliEnv(env: Record<string, string | undefined>): CliEnv {
  const parsed = cliEnvSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `  - ${issue.message}`);
  throw new ConfigError(`faturador: bad configuration\n${problems.join('\n')}`);
}

/**
 * Without REDIS_URL, the CLI talks to the local stack `npm start` is running: it left where its
 * Redis is, its prefix and the file of its master key in `<data dir>/stack.json` (FATURADOR_DATA_DIR,
 * else the repository's `.data/`). Variables that are set always win.
 */
export function withLocalStack(
  env: Record<string, string | undefined>,
  defaultDataDir = join(import.meta.dirname, '..', '..', '..', '.data'),
): Record<string, string | undefined> {
  if (env.REDIS_URL) return env;
  const file = join(env.FATURADOR_DATA_DIR ?? defaultDataDir, 'stack.json');
  if (!existsSync(file)) return env;
  let stack: { redis_url?: unknown; prefix?: unknown; master_key_file?: unknown };
  try {
    stack = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return env;
  }
  const masterKeyFile = typeof stack.master_key_file === 'string' ? stack.master_key_file : null;
  const masterKey =
    env.FATURADOR_MASTER_KEY ??
    (masterKeyFile && existsSync(masterKeyFile) ? readFileSync(masterKeyFile, 'utf8').trim() : undefined);
  return {
    ...env,
    REDIS_URL: typeof stack.redis_url === 'string' ? stack.redis_url : undefined,
    FATURADOR_PREFIX: env.FATURADOR_PREFIX ?? (typeof stack.prefix === 'string' ? stack.prefix : undefined),
    FATURADOR_MASTER_KEY: masterKey,
  };
}

/** For `main.ts`: the process environment (or the local stack's), or exit 2 with a clear message. */
export function loadEnv(): CliEnv {
  try {
    return parseCliEnv(withLocalStack(process.env));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}

/** `redis://user:secret@host:6379/0` → `redis://user:***@host:6379/0`, for output. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://(unparseable URL)';
  }
}
