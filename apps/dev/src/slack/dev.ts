import { randomBytes } from 'node:crypto';
import { createSlackApp, type Logger, type SlackAppConfig, type SlackBot } from '@faturador/slack';
import { type FakeSlack, startFakeSlack } from '@faturador/slack-sandbox';
import { deliverToSlack } from '@faturador/slack-web';
import type { LedgerEntry } from '@faturador/store';

export interface DevSlackOptions {
  /** The billing API the bot calls, and the bot's API client there. */
  apiUrl: string;
  clientId: string;
  apiKey: string;
  apiSecret: string;
  signed?: boolean;
  /** The bot's port (`/slack/events`); 0 for any. Default 3000. */
  port?: number;
  /** The fake Slack server's port; 0 for any (default). */
  fakeSlackPort?: number;
  locale?: 'pt' | 'en';
  logger?: Logger;
  /** Given by `npm start`, which hands the same token to the worker; fresh values otherwise. */
  botToken?: string;
  signingSecret?: string;
  /** `/fatura <text>` previews before issuing, as the deployed bot does by default (the replay confirms). */
  preview?: boolean;
  /** Remember handled interactions in Redis (as the deployed bot does) instead of memory. */
  redis?: { url: string; prefix: string };
}

export interface DevSlack {
  fakeSlack: FakeSlack;
  bot: SlackBot;
  botUrl: string;
  /** For the worker (SLACK_BOT_TOKEN) and the replay script (SLACK_SIGNING_SECRET). */
  botToken: string;
  signingSecret: string;
  /** The worker's Slack deliverer, pointed at the fake server. */
  deliver(entry: LedgerEntry): Promise<void>;
  /** The bot's configuration: another bot on the same fake Slack can start from it. */
  config: SlackAppConfig;
  close(): Promise<void>;
}

/**
 * The Slack side of `npm start` without a Slack workspace: a fake Slack Web API server and the
 * bot pointed at it, with a fresh token and signing secret. The worker delivers with `deliver`
 * (or with SLACK_API_URL = fakeSlack.apiUrl and this bot token), and the replay script drives it.
 */
export async function startDevSlack(options: DevSlackOptions): Promise<DevSlack> {
  const botToken = options.botToken ?? `xoxb-dev-${randomBytes(12).toString('hex')}`;
  const signingSecret = options.signingSecret ?? randomBytes(16).toString('hex');
  const fakeSlack = await startFakeSlack({ token: botToken, port: options.fakeSlackPort ?? 0 });
  const config: SlackAppConfig = {
    botToken,
    signingSecret,
    appToken: undefined,
    socketMode: false,
    slackApiUrl: fakeSlack.apiUrl,
    api: {
      url: options.apiUrl,
      clientId: options.clientId,
      apiKey: options.apiKey,
      apiSecret: options.apiSecret,
      signed: options.signed ?? false,
    },
    allowedChannels: [],
    allowedUsers: [],
    locale: options.locale ?? 'pt',
    fiscalZone: 'PT',
    preview: options.preview ?? true,
    redis: options.redis,
    port: options.port ?? 3000,
    logLevel: 'info',
  };
  const bot = createSlackApp(config, options.logger ? { logger: options.logger } : {});
  let port: number | null;
  try {
    ({ port } = await bot.start(options.port ?? 3000));
  } catch (error) {
    await fakeSlack.close();
    throw error;
  }
  return {
    fakeSlack,
    bot,
    botUrl: `http://127.0.0.1:${port ?? options.port ?? 3000}/slack/events`,
    botToken,
    signingSecret,
    config,
    deliver: (entry) => deliverToSlack(entry, { token: botToken, apiUrl: fakeSlack.apiUrl }),
    async close() {
      await bot.stop().catch(() => {});
      await fakeSlack.close();
    },
  };
}
