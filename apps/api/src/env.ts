import { DEFAULT_PUBLIC_URL, isLoopbackHost, publicUrlProblem } from '@faturador/issuing';
import { z } from 'zod';

const list = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

const schema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  REDIS_URL: z
    .string()
    .regex(
      /^(rediss?|redis-cluster|redis-sentinel):\/\/\S+$/,
      'REDIS_URL must be a redis:// URL (redis-cluster://host:port,… for a cluster, redis-sentinel://host:port,…/master behind Sentinel)',
    ),
  FATURADOR_MASTER_KEY: z
    .string()
    .min(32, 'FATURADOR_MASTER_KEY must be 32 bytes as 64 hex characters or base64'),
  FATURADOR_PREFIX: z.string().min(1).default('{fat}'),
  /** How callers reach this API; used in status URLs and signed PDF links. Required outside loopback. */
  PUBLIC_URL: z.string().url().optional(),
  SYNC_BUDGET_MS: z.coerce.number().int().positive().default(10_000),
  IDEMPOTENCY_TTL_DAYS: z.coerce
    .number()
    .int()
    .min(30, 'Idempotency keys are kept at least 30 days')
    .default(30),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1024),
  /** Peers whose X-Forwarded-For is believed (IPs or CIDRs). Empty: the socket address is the client. */
  TRUSTED_PROXIES: list,
  /** Origins allowed to call the record-trigger endpoint from a browser (the Airtable extension). */
  CORS_ORIGINS: list,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const checked = schema
  .superRefine((env, ctx) => {
    const problem = publicUrlProblem(env.PUBLIC_URL, isLoopbackHost(env.HOST) ? null : `HOST=${env.HOST}`);
    if (problem) ctx.addIssue({ code: 'custom', path: ['PUBLIC_URL'], message: problem });
  })
  .transform((env) => ({ ...env, PUBLIC_URL: env.PUBLIC_URL ?? DEFAULT_PUBLIC_URL }));

export type ApiEnv = z.output<typeof checked>;

/** Checks a configuration; `problems` lists each bad variable on a line of its own. */
export function parseEnv(
  source: Record<string, string | undefined>,
): { ok: true; env: ApiEnv } | { ok: false; problems: string } {
  // An empty variable (`SMTP_URL=` in a compose file or unit) is an unset one.
  const set = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const parsed = checked.safeParse(set);
  if (parsed.success) return { ok: true, env: parsed.data };
  const problems = parsed.error.issues
    .map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
    .join('\n');
  return { ok: false, problems };
}

/** The only place that reads the environment. Exits with a clear message on bad config. */
export function loadEnv(source: Record<string, string | undefined> = process.env): ApiEnv {
  const parsed = parseEnv(source);
  if (parsed.ok) return parsed.env;
  process.stderr.write(`Invalid configuration of the API:\n${parsed.problems}\n`);
  process.exit(1);
}
