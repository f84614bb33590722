import { DEFAULT_PUBLIC_URL } from '@faturador/issuing';
import { z } from 'zod';

const schema = z.object({
  REDIS_URL: z.string().url('REDIS_URL must be a redis:// URL'),
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
  PUBLIC_URL: z.string().url().default(DEFAULT_PUBLIC_URL),
  PDF_LINK_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(7 * 86_400),
  SLACK_BOT_TOKEN: z.string().optional(),
  /** Points the Slack Web API client elsewhere (the local fake, in development). */
  SLACK_API_URL: z.string().url().optional(),
  SLACK_LOCALE: z.enum(['pt', 'en']).default('pt'),
  /** `GET /metrics` (Prometheus) listens here; 0 turns it off. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  METRICS_HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type WorkerEnv = z.output<typeof schema>;

/** The only place that reads the environment. Exits with a clear message on bad config. */
export function loadEnv(source: Record<string, string | undefined> = process.env): WorkerEnv {
  const parsed = schema.safeParse(source);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
    .join('\n');
  process.stderr.write(`Invalid configuration of the worker:\n${problems}\n`);
  process.exit(1);
}
