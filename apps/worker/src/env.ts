import { DEFAULT_PUBLIC_URL, isLoopbackHost, publicUrlProblem } from '@faturador/issuing';
import { z } from 'zod';

const schema = z.object({
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
  /** Issue jobs run at once per process; each holds one Moloni call at a time. */
  ISSUE_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  DELIVER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** How long a graceful shutdown waits for active jobs before handing them back. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(15_000),
  /** A killed worker's issue jobs run again within about lock + stalled interval (8 + 3 s). */
  LOCK_DURATION_MS: z.coerce.number().int().min(1000).default(8_000),
  STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(3_000),
  MAX_STALLED_COUNT: z.coerce.number().int().min(0).default(2),
  /** How callers reach the API: the PDF links delivered to Slack and Airtable point there. */
  PUBLIC_URL: z.string().url().optional(),
  /**
   * Where e-mails with documents leave: `smtp://user:pass@host:587` or `smtps://…:465`. Without it,
   * an e-mail fails with EMAIL_NOT_CONFIGURED (nothing else changes).
   */
  SMTP_URL: z
    .string()
    .url()
    .refine((value) => /^smtps?:\/\//.test(value), 'SMTP_URL must be smtp:// or smtps://')
    .optional(),
  /** The From of those e-mails, e.g. `Faturação Acme <faturas@acme.pt>` (required with SMTP_URL). */
  MAIL_FROM: z.string().min(3).optional(),
  SLACK_BOT_TOKEN: z.string().optional(),
  /** Points the Slack Web API client elsewhere (the local fake, in development). */
  SLACK_API_URL: z.string().url().optional(),
  SLACK_LOCALE: z.enum(['pt', 'en']).default('pt'),
  /** `GET /metrics` (Prometheus) listens here; 0 turns it off. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  METRICS_HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** A worker on another machine than its Redis is deployed: its links must name the public API. */
function redisHost(url: string): string {
  try {
    // A cluster or Sentinel is named by its nodes: the first one says where it runs.
    return new URL(url.replace(/^redis-(cluster|sentinel):\/\/([^,/]+).*$/, 'redis://$2')).hostname;
  } catch {
    return '';
  }
}

const checked = schema
  .superRefine((env, ctx) => {
    const host = redisHost(env.REDIS_URL);
    const problem = publicUrlProblem(
      env.PUBLIC_URL,
      !host || isLoopbackHost(host) ? null : `REDIS_URL on ${host}`,
    );
    if (problem) ctx.addIssue({ code: 'custom', path: ['PUBLIC_URL'], message: problem });
    if (env.SMTP_URL && !env.MAIL_FROM) {
      ctx.addIssue({
        code: 'custom',
        path: ['MAIL_FROM'],
        message: 'MAIL_FROM is required with SMTP_URL (the From of the e-mails)',
      });
    }
  })
  .transform((env) => ({ ...env, PUBLIC_URL: env.PUBLIC_URL ?? DEFAULT_PUBLIC_URL }));

export type WorkerEnv = z.output<typeof checked>;

/** Checks a configuration; `problems` lists each bad variable on a line of its own. */
export function parseEnv(
  source: Record<string, string | undefined>,
): { ok: true; env: WorkerEnv } | { ok: false; problems: string } {
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
export function loadEnv(source: Record<string, string | undefined> = process.env): WorkerEnv {
  const parsed = parseEnv(source);
  if (parsed.ok) return parsed.env;
  process.stderr.write(`Invalid configuration of the worker:\n${parsed.problems}\n`);
  process.exit(1);
}
