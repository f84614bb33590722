import { z } from 'zod';

/** The CLI's whole configuration. The only place that reads `process.env`. */
export const cliEnvSchema = z.object({
  REDIS_URL: z
    .string({ error: 'REDIS_URL is required (the URL `npm start` prints, e.g. redis://127.0.0.1:6379)' })
    .regex(/^rediss?:\/\//, 'REDIS_URL must start with redis:// or rediss://'),
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

/** For `main.ts`: the process environment, or exit 2 with a clear message. */
export function loadEnv(): CliEnv {
  try {
    return parseCliEnv(process.env);
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
