import { DEFAULT_PUBLIC_URL } from '@faturador/issuing';
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
  REDIS_URL: z.string().url('REDIS_URL must be a redis:// URL'),
  FATURADOR_MASTER_KEY: z
    .string()
    .min(32, 'FATURADOR_MASTER_KEY must be 32 bytes as 64 hex characters or base64'),
  FATURADOR_PREFIX: z.string().min(1).default('{fat}'),
  /** How callers reach this API; used in status URLs and signed PDF links. */
  PUBLIC_URL: z.string().url().default(DEFAULT_PUBLIC_URL),
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
  PDF_LINK_TTL_SECONDS: z.coerce.number().int().positive().default(3600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type ApiEnv = z.output<typeof schema>;

/** The only place that reads the environment. Exits with a clear message on bad config. */
export function loadEnv(source: Record<string, string | undefined> = process.env): ApiEnv {
  const parsed = schema.safeParse(source);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
    .join('\n');
  process.stderr.write(`Invalid configuration of the API:\n${problems}\n`);
  process.exit(1);
}
