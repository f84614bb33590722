import { envFields, type SlackAppConfig } from '@faturador/slack';
import type { Locale } from '@faturador/slack-web';
import { z } from 'zod';

/**
 * The variables of the dev bot (a fake Slack and the bot pointed at it) and of the replay script.
 * With apps/dev's other env files, the only places of the dev stack that read `process.env`.
 */
const { apiClientFields, redisFields, apiConfigOf, redisConfigOf, problemsOf } = envFields;

const replaySchema = z.object({
  SLACK_SIGNING_SECRET: z.string().min(1, 'is required (the bot verifies the replayed request with it)'),
  SLACK_API_URL: z.url('must be the fake Slack server URL (…/api/) the bot and the worker post to'),
  SLACK_REPLAY_URL: z.url().optional(),
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  SLACK_REPLAY_CHANNEL: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,20}$/)
    .default('C0REPLAY01'),
  SLACK_REPLAY_USER: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,20}$/)
    .default('U0REPLAY01'),
  SLACK_REPLAY_TEAM: z
    .string()
    .regex(/^T[A-Z0-9]{2,20}$/)
    .default('T0FAKE'),
  SLACK_REPLAY_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
});

export interface ReplayConfig {
  signingSecret: string;
  botUrl: string;
  fakeSlackUrl: string;
  channel: string;
  user: string;
  team: string;
  timeoutMs: number;
}

export function parseReplayEnv(
  source: Record<string, string | undefined> = process.env,
): { ok: true; config: ReplayConfig } | { ok: false; problems: string[] } {
  const parsed = replaySchema.safeParse(source);
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.error) };
  const env = parsed.data;
  return {
    ok: true,
    config: {
      signingSecret: env.SLACK_SIGNING_SECRET,
      botUrl: env.SLACK_REPLAY_URL ?? `http://127.0.0.1:${env.PORT}/slack/events`,
      fakeSlackUrl: env.SLACK_API_URL.replace(/\/api\/?$/, ''),
      channel: env.SLACK_REPLAY_CHANNEL,
      user: env.SLACK_REPLAY_USER,
      team: env.SLACK_REPLAY_TEAM,
      timeoutMs: env.SLACK_REPLAY_TIMEOUT_MS,
    },
  };
}

const devSchema = z.object({
  ...apiClientFields,
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  SLACK_FAKE_PORT: z.coerce.number().int().min(0).max(65_535).default(3999),
  SLACK_LOCALE: z.enum(['pt', 'en']).default('pt'),
  /** Given by `npm start` (the worker gets the same token); generated when absent. */
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-\S+$/, 'must be a bot token (xoxb-…)')
    .optional(),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  ...redisFields,
});

export interface DevConfig {
  api: SlackAppConfig['api'];
  port: number;
  fakeSlackPort: number;
  locale: Locale;
  botToken: string | undefined;
  signingSecret: string | undefined;
  redis: SlackAppConfig['redis'];
}

/** `pnpm --filter @faturador/dev slack:dev`: the bot against a local fake Slack server. */
export function parseDevEnv(
  source: Record<string, string | undefined> = process.env,
): { ok: true; config: DevConfig } | { ok: false; problems: string[] } {
  const parsed = devSchema.safeParse(source);
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.error) };
  const env = parsed.data;
  return {
    ok: true,
    config: {
      api: apiConfigOf(env),
      port: env.PORT,
      fakeSlackPort: env.SLACK_FAKE_PORT,
      locale: env.SLACK_LOCALE,
      botToken: env.SLACK_BOT_TOKEN,
      signingSecret: env.SLACK_SIGNING_SECRET,
      redis: redisConfigOf(env),
    },
  };
}

/** The process environment, for what takes it whole (the dev file's location, the replay's defaults). */
export function slackDevEnvironment(): Record<string, string | undefined> {
  return process.env;
}
