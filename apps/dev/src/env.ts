import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The local stack's one reader of the process environment (with slack/env.ts): `npm start`'s
 * overrides (README), the demos' variables, and what the services it starts inherit.
 */
export function devEnvironment(): Record<string, string | undefined> {
  return process.env;
}

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');

const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);

const startSchema = z.object({
  FATURADOR_DATA_DIR: z.string().min(1).optional(),
  FATURADOR_MASTER_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'FATURADOR_MASTER_KEY must be 64 hex characters')
    .optional(),
  FATURADOR_PREFIX: z.string().min(1).optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'REDIS_URL must be a redis:// URL')
    .optional(),
  REDIS_PORT: port(0),
  MOLONI_SANDBOX_PORT: port(8765),
  INVOICEXPRESS_SANDBOX_PORT: port(8766),
  MAIL_SANDBOX_SMTP_PORT: port(2525),
  MAIL_SANDBOX_PORT: port(8025),
  /** A real SMTP server instead of the mail sandbox (with MAIL_FROM). */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'SMTP_URL must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).optional(),
  PORT: port(8787),
  SLACK_PORT: port(3000),
  SLACK_FAKE_PORT: port(3999),
  WORKER_METRICS_PORT: port(9464),
  LOG_LEVEL: z.string().min(1).default('warn'),
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  SLACK_SOCKET_MODE: z.enum(['0', '1', 'true', 'false', '']).optional(),
  SLACK_API_URL: z.url().optional(),
});

/** What `npm start` takes from the environment, every override with its default (README). */
export interface StartConfig {
  dataDir: string;
  /** Given by the caller; otherwise npm start keeps one in `<dataDir>/master.key`. */
  masterKey: string | undefined;
  prefix: string;
  /** Whether the prefix was chosen (then the CLI hint names it). */
  prefixGiven: boolean;
  /** An external Redis; otherwise an embedded one under `<dataDir>/redis`. */
  redisUrl: string | undefined;
  redisPort: number;
  moloniSandboxPort: number;
  invoicexpressSandboxPort: number;
  /** The mail sandbox's SMTP port and its HTTP port (`/_sandbox/messages`). */
  mailSandboxSmtpPort: number;
  mailSandboxPort: number;
  /** A real SMTP server given by the caller; otherwise the mail sandbox. */
  smtp: { url: string; from: string } | null;
  apiPort: number;
  slackPort: number;
  slackFakePort: number;
  /** Where the worker serves its /metrics. */
  workerMetricsPort: number;
  logLevel: string;
  /** A real workspace's bot: its token, Socket Mode, and the Web API it lives at. */
  slack: { botToken: string; socketMode: boolean; apiUrl: string } | null;
}

export function startConfig(source: Record<string, string | undefined> = devEnvironment()): StartConfig {
  const parsed = startSchema.safeParse(source);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
  }
  const env = parsed.data;
  return {
    dataDir: env.FATURADOR_DATA_DIR ?? join(REPO_ROOT, '.data'),
    masterKey: env.FATURADOR_MASTER_KEY,
    prefix: env.FATURADOR_PREFIX ?? '{fat}',
    prefixGiven: env.FATURADOR_PREFIX !== undefined,
    redisUrl: env.REDIS_URL,
    redisPort: env.REDIS_PORT,
    moloniSandboxPort: env.MOLONI_SANDBOX_PORT,
    invoicexpressSandboxPort: env.INVOICEXPRESS_SANDBOX_PORT,
    mailSandboxSmtpPort: env.MAIL_SANDBOX_SMTP_PORT,
    mailSandboxPort: env.MAIL_SANDBOX_PORT,
    smtp: env.SMTP_URL ? { url: env.SMTP_URL, from: env.MAIL_FROM ?? 'Faturador <faturas@localhost>' } : null,
    apiPort: env.PORT,
    slackPort: env.SLACK_PORT,
    slackFakePort: env.SLACK_FAKE_PORT,
    workerMetricsPort: env.WORKER_METRICS_PORT,
    logLevel: env.LOG_LEVEL,
    slack: env.SLACK_BOT_TOKEN
      ? {
          botToken: env.SLACK_BOT_TOKEN,
          socketMode: env.SLACK_SOCKET_MODE === '1' || env.SLACK_SOCKET_MODE === 'true',
          apiUrl: env.SLACK_API_URL ?? 'https://slack.com/api/',
        }
      : null,
  };
}

/**
 * What a running `npm start` leaves for the CLI and the demos in `<dataDir>/stack.json` (mode
 * 0600, removed on stop): where its Redis and API are, and which file holds the master key — never
 * the key itself. The CLI reads the same file (apps/cli/src/env.ts) when REDIS_URL is not set.
 */
export interface StackFile {
  redis_url: string;
  prefix: string;
  api_url: string;
  master_key_file: string | null;
}

export function stackFilePath(dataDir: string): string {
  return join(dataDir, 'stack.json');
}

/** The running stack's file, if `npm start` is running with this data directory. */
export function readStackFile(dataDir = startConfig().dataDir): StackFile | null {
  const path = stackFilePath(dataDir);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as StackFile;
  } catch {
    return null;
  }
}
