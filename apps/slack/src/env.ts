import { FISCAL_ZONES, type FiscalZone, parseMasterKey } from '@faturador/core';
import type { Locale } from '@faturador/slack-web';
import { z } from 'zod';

/** The only module that reads `process.env`. */

const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  );

const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((value) => value === '1' || value === 'true');

/** On unless turned off with `0`, `off` or `false` (any case); empty or absent = on. */
const onByDefault = z
  .string()
  .optional()
  .transform((value) => (value ?? '').trim().toLowerCase())
  .pipe(z.enum(['', '1', 'on', 'true', '0', 'off', 'false'], 'must be 1/on or 0/off'))
  .transform((value) => !['0', 'off', 'false'].includes(value));

/** Trailing slash added: the Web API client appends method names to it. */
const slackApiUrl = z
  .url('must be a URL')
  .optional()
  .transform((value) => (value && !value.endsWith('/') ? `${value}/` : value));

/** The bot's own API client at the billing API: the same variables for the bot and the dev bot. */
const apiClientFields = {
  FATURADOR_API_URL: z.url('must be the billing API URL'),
  FATURADOR_CLIENT_ID: z.string().min(1, 'is required'),
  FATURADOR_API_KEY: z.string().min(1, 'is required'),
  FATURADOR_API_SECRET: z.string().min(1, 'is required'),
  /** Sign requests (HMAC, timestamp, nonce) instead of sending the secret. */
  FATURADOR_API_SIGNED: flag,
};

/** Optional: remembers handled interactions across bot processes and restarts. */
const redisFields = {
  REDIS_URL: z.url('must be a redis:// URL').optional(),
  FATURADOR_PREFIX: z.string().min(1).default('{fat}'),
};

/**
 * OAuth mode (several workspaces, each installing the app): all three Slack app credentials, or
 * none. Installations are kept in Redis, their tokens sealed with the master key.
 */
const oauthFields = {
  SLACK_CLIENT_ID: z.string().min(1, 'is required').optional(),
  SLACK_CLIENT_SECRET: z.string().min(1, 'is required').optional(),
  SLACK_STATE_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  FATURADOR_MASTER_KEY: z.string().min(1).optional(),
};
const OAUTH_NAMES = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const;

type ApiClientEnv = z.output<z.ZodObject<typeof apiClientFields>>;
type RedisEnv = z.output<z.ZodObject<typeof redisFields>>;

function apiConfigOf(env: ApiClientEnv): SlackAppConfig['api'] {
  return {
    url: env.FATURADOR_API_URL,
    clientId: env.FATURADOR_CLIENT_ID,
    apiKey: env.FATURADOR_API_KEY,
    apiSecret: env.FATURADOR_API_SECRET,
    signed: env.FATURADOR_API_SIGNED,
  };
}

function redisConfigOf(env: RedisEnv): SlackAppConfig['redis'] {
  return env.REDIS_URL ? { url: env.REDIS_URL, prefix: env.FATURADOR_PREFIX } : undefined;
}

const envSchema = z
  .object({
    /** Single-token mode; in OAuth mode each workspace's comes from its installation. */
    SLACK_BOT_TOKEN: z
      .string()
      .regex(/^xoxb-\S+$/, 'must be a bot token (xoxb-…)')
      .optional(),
    SLACK_SIGNING_SECRET: z.string().min(1, 'is required').optional(),
    SLACK_APP_TOKEN: z
      .string()
      .regex(/^xapp-\S+$/, 'must be an app-level token (xapp-…)')
      .optional(),
    SLACK_SOCKET_MODE: flag,
    SLACK_API_URL: slackApiUrl,
    ...apiClientFields,
    // In OAuth mode each workspace has its own client (bound by an operator): these are not used.
    FATURADOR_CLIENT_ID: apiClientFields.FATURADOR_CLIENT_ID.optional(),
    FATURADOR_API_KEY: apiClientFields.FATURADOR_API_KEY.optional(),
    FATURADOR_API_SECRET: apiClientFields.FATURADOR_API_SECRET.optional(),
    ...oauthFields,
    SLACK_ALLOWED_CHANNELS: list,
    SLACK_ALLOWED_USERS: list,
    SLACK_LOCALE: z.enum(['pt', 'en']).default('pt'),
    /** Where the company invoices from: its VAT rates are the ones offered (mainland, Azores, Madeira). */
    SLACK_FISCAL_ZONE: z.enum(FISCAL_ZONES).default('PT'),
    /** `/fatura <text>` shows what it would issue, with Emitir / Cancelar, before issuing. */
    SLACK_PREVIEW: onByDefault,
    ...redisFields,
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.SLACK_SOCKET_MODE && !env.SLACK_APP_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_APP_TOKEN'],
        message: 'is required when SLACK_SOCKET_MODE=1',
      });
    }
    if (!env.SLACK_SOCKET_MODE && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_SIGNING_SECRET'], message: 'is required in HTTP mode' });
    }
    const oauthSet = OAUTH_NAMES.filter((name) => env[name] !== undefined);
    if (oauthSet.length === 0) {
      for (const name of SINGLE_TOKEN_NAMES) {
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required' });
      }
      return;
    }
    for (const name of OAUTH_NAMES) {
      if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: OAUTH_ALL });
    }
    for (const problem of oauthProblems(env)) ctx.addIssue({ code: 'custom', ...problem });
  });

export interface SlackOAuthConfig {
  clientId: string;
  clientSecret: string;
  /** Signs the OAuth `state` (Bolt's default state store): any bot process can check it. */
  stateSecret: string;
  /** Seals the installations' tokens and the workspaces' API credentials in Redis. */
  masterKey: string;
}

export interface SlackAppConfig {
  /** Single-token mode's bot token; empty in OAuth mode. */
  botToken: string;
  /** Required in HTTP mode: Bolt verifies every request with it. */
  signingSecret: string | undefined;
  appToken: string | undefined;
  socketMode: boolean;
  /** Points the Web API client elsewhere (the fake Slack server); Slack's own when undefined. */
  slackApiUrl: string | undefined;
  /** In OAuth mode only `url` and `signed` are used: each workspace's client comes from its binding. */
  api: { url: string; clientId: string; apiKey: string; apiSecret: string; signed: boolean };
  /** Several workspaces through Slack's OAuth install; single-token mode when undefined. */
  oauth?: SlackOAuthConfig;
  /** Empty: everyone may issue. */
  allowedChannels: string[];
  allowedUsers: string[];
  locale: Locale;
  fiscalZone: FiscalZone;
  /** `/fatura <text>` answers with a private preview to confirm; false = it issues at once. */
  preview: boolean;
  /** Where handled interactions are remembered; in this process's memory when undefined. */
  redis: { url: string; prefix: string } | undefined;
  port: number;
  logLevel: string;
}

export type EnvResult = { ok: true; config: SlackAppConfig } | { ok: false; problems: string[] };

const SINGLE_TOKEN_NAMES = [
  'SLACK_BOT_TOKEN',
  'FATURADOR_CLIENT_ID',
  'FATURADOR_API_KEY',
  'FATURADOR_API_SECRET',
] as const;
const OAUTH_ALL = 'is required with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET or SLACK_STATE_SECRET (OAuth mode)';

/** What OAuth mode needs beyond its three variables. */
function oauthProblems(env: {
  SLACK_SOCKET_MODE: boolean;
  REDIS_URL?: string | undefined;
  FATURADOR_MASTER_KEY?: string | undefined;
}): Array<{ path: string[]; message: string }> {
  const problems: Array<{ path: string[]; message: string }> = [];
  if (env.SLACK_SOCKET_MODE) {
    problems.push({
      path: ['SLACK_SOCKET_MODE'],
      message: 'must be off in OAuth mode (Slack redirects installs to HTTP)',
    });
  }
  if (!env.REDIS_URL)
    problems.push({ path: ['REDIS_URL'], message: 'is required in OAuth mode (the installations)' });
  try {
    parseMasterKey(env.FATURADOR_MASTER_KEY ?? '');
  } catch {
    problems.push({
      path: ['FATURADOR_MASTER_KEY'],
      message: "is required in OAuth mode: the worker's key (64 hex characters or base64 of 32 bytes)",
    });
  }
  return problems;
}

function oauthConfigOf(env: z.output<typeof envSchema>): SlackOAuthConfig | undefined {
  const { SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET, FATURADOR_MASTER_KEY } = env;
  if (!SLACK_CLIENT_ID || !SLACK_CLIENT_SECRET || !SLACK_STATE_SECRET || !FATURADOR_MASTER_KEY)
    return undefined;
  return {
    clientId: SLACK_CLIENT_ID,
    clientSecret: SLACK_CLIENT_SECRET,
    stateSecret: SLACK_STATE_SECRET,
    masterKey: FATURADOR_MASTER_KEY,
  };
}

function problemsOf(error: z.ZodError): string[] {
  // Values are never echoed: some of them are secrets.
  return error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`);
}

export function parseEnv(source: Record<string, string | undefined> = process.env): EnvResult {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.error) };
  const env = parsed.data;
  const oauth = oauthConfigOf(env);
  return {
    ok: true,
    config: {
      botToken: env.SLACK_BOT_TOKEN ?? '',
      signingSecret: env.SLACK_SIGNING_SECRET,
      appToken: env.SLACK_APP_TOKEN,
      socketMode: env.SLACK_SOCKET_MODE,
      slackApiUrl: env.SLACK_API_URL,
      api: apiConfigOf({
        ...env,
        FATURADOR_CLIENT_ID: env.FATURADOR_CLIENT_ID ?? '',
        FATURADOR_API_KEY: env.FATURADOR_API_KEY ?? '',
        FATURADOR_API_SECRET: env.FATURADOR_API_SECRET ?? '',
      }),
      ...(oauth ? { oauth } : {}),
      allowedChannels: env.SLACK_ALLOWED_CHANNELS,
      allowedUsers: env.SLACK_ALLOWED_USERS,
      locale: env.SLACK_LOCALE,
      fiscalZone: env.SLACK_FISCAL_ZONE,
      preview: env.SLACK_PREVIEW,
      redis: redisConfigOf(env),
      port: env.PORT,
      logLevel: env.LOG_LEVEL,
    },
  };
}

/** The building blocks of these variables, for the dev stack's own bot and replay variables. */
export const envFields = {
  flag,
  slackApiUrl,
  apiClientFields,
  redisFields,
  apiConfigOf,
  redisConfigOf,
  problemsOf,
};

const bindEnvSchema = z.object({
  REDIS_URL: z.url('must be the redis:// URL of the bot'),
  FATURADOR_PREFIX: redisFields.FATURADOR_PREFIX,
  FATURADOR_MASTER_KEY: z.string().refine((value) => {
    try {
      return parseMasterKey(value).length === 32;
    } catch {
      return false;
    }
  }, "must be the worker's master key (64 hex characters or base64 of 32 bytes)"),
  /** The bound client's, for `bind` only. */
  FATURADOR_API_KEY: z.string().min(1).optional(),
  FATURADOR_API_SECRET: z.string().min(1).optional(),
});

export interface BindEnv {
  redisUrl: string;
  prefix: string;
  masterKey: string;
  credentials: { apiKey: string | undefined; apiSecret: string | undefined };
}

/** The variables of `bind-team.ts` (binding a workspace to an API client). */
export function parseBindEnv(
  source: Record<string, string | undefined> = process.env,
): { ok: true; config: BindEnv } | { ok: false; problems: string[] } {
  const parsed = bindEnvSchema.safeParse(source);
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.error) };
  const env = parsed.data;
  return {
    ok: true,
    config: {
      redisUrl: env.REDIS_URL,
      prefix: env.FATURADOR_PREFIX,
      masterKey: env.FATURADOR_MASTER_KEY,
      credentials: { apiKey: env.FATURADOR_API_KEY, apiSecret: env.FATURADOR_API_SECRET },
    },
  };
}
