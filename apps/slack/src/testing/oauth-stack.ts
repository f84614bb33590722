import { randomBytes } from 'node:crypto';
import { type FakeSlack, startFakeSlack } from '@faturador/slack-sandbox';
import { deliverToSlack } from '@faturador/slack-web';
import type { SlackInstallationStore } from '@faturador/store';
import { randomPrefix, testRedis, testRedisUrl } from '@faturador/testing';
import { pino } from 'pino';
import { createSlackApp, type SlackBot } from '../app.ts';
import type { SlackAppConfig } from '../env.ts';
import { sendSigned, slashCommandBody } from '../slack-requests.ts';
import { installationsIn } from '../workspaces.ts';
import { type FakeBilling, type FakeBillingClient, startFakeBilling } from './fake-billing.ts';
import { ledgerEntryFor, SIGNING_SECRET, USER } from './stack.ts';

export const OAUTH_APP = { clientId: '1111.2222', clientSecret: 'oauth-client-secret', appId: 'A0FATURA' };
export const STATE_SECRET = 'state-secret-for-the-tests-0123';
export const OAUTH_CHANNEL = 'C0FATURAS';

/** Two workspaces and the API client each is meant to issue as (only for its own workspace). */
export const TEAMS = {
  acme: {
    teamId: 'T0ACME001',
    client: { clientId: 'acme_bot', apiKey: 'ak_acme_0001', apiSecret: 'as_acme_secret_value' },
  },
  beta: {
    teamId: 'T0BETA002',
    client: { clientId: 'beta_bot', apiKey: 'ak_beta_0002', apiSecret: 'as_beta_secret_value' },
  },
} as const;

export interface OAuthStack {
  slack: FakeSlack;
  billing: FakeBilling;
  bot: SlackBot;
  /** `http://127.0.0.1:PORT`: the bot's HTTP server. */
  origin: string;
  config: SlackAppConfig;
  /** The bot's own store, over the same Redis keys. */
  installations: SlackInstallationStore;
  /** A person installs the app for `teamId` in a browser: the three hops, with the state cookie. */
  install(teamId: string, options?: { cookie?: boolean }): Promise<Response>;
  command(teamId: string, text: string): Promise<Response>;
  /** Accepted requests are delivered as the worker would: with the workspace's installed token. */
  deliverAccepted(): void;
  close(): Promise<void>;
}

const STATE_COOKIE = 'slack-app-oauth-state';

export async function startOAuthStack(): Promise<OAuthStack> {
  const slack = await startFakeSlack({ oauth: OAUTH_APP });
  const clients: FakeBillingClient[] = Object.values(TEAMS).map(({ teamId, client }) => ({
    ...client,
    capabilities: [`slack:${teamId}`],
  }));
  const billing = await startFakeBilling({ clients });
  const prefix = randomPrefix();
  const masterKey = randomBytes(32).toString('hex');
  const config: SlackAppConfig = {
    botToken: '',
    signingSecret: SIGNING_SECRET,
    appToken: undefined,
    socketMode: false,
    slackApiUrl: slack.apiUrl,
    api: { url: billing.url, clientId: '', apiKey: '', apiSecret: '', signed: false },
    oauth: {
      clientId: OAUTH_APP.clientId,
      clientSecret: OAUTH_APP.clientSecret,
      stateSecret: STATE_SECRET,
      masterKey,
    },
    allowedChannels: [],
    allowedUsers: [],
    locale: 'pt',
    fiscalZone: 'PT',
    preview: false,
    redis: { url: testRedisUrl(), prefix },
    port: 0,
    logLevel: 'silent',
  };
  const bot = createSlackApp(config, { logger: pino({ level: 'silent' }) });
  const { port } = await bot.start(0);
  const origin = `http://127.0.0.1:${port}`;
  slack.setRedirectUrl(`${origin}/slack/oauth_redirect`);
  const installations = installationsIn(testRedis(), prefix, { masterKey });

  async function install(teamId: string, options: { cookie?: boolean } = {}): Promise<Response> {
    const start = await fetch(`${origin}/slack/install`, { redirect: 'manual' });
    const cookie = start.headers.getSetCookie().find((c) => c.startsWith(`${STATE_COOKIE}=`));
    const authorize = new URL(start.headers.get('location') ?? '');
    authorize.searchParams.set('team', teamId);
    authorize.searchParams.set('user', USER);
    const approved = await fetch(authorize, { redirect: 'manual' });
    const headers: Record<string, string> =
      options.cookie === false || !cookie ? {} : { cookie: cookie.split(';')[0] ?? '' };
    return fetch(approved.headers.get('location') ?? '', { headers, redirect: 'manual' });
  }

  return {
    slack,
    billing,
    bot,
    origin,
    config,
    installations,
    install,
    command: (teamId, text) =>
      sendSigned(
        `${origin}/slack/events`,
        slashCommandBody({
          text,
          channel: OAUTH_CHANNEL,
          user: USER,
          team: teamId,
          responseUrl: slack.responseUrl(`${teamId}-${Date.now()}`),
        }),
        { signingSecret: SIGNING_SECRET },
      ),
    deliverAccepted() {
      billing.onAccepted(async (accepted) => {
        const entry = ledgerEntryFor(accepted, { state: 'issued' });
        const token = await installations.botTokenFor(accepted.origin?.team_id ?? '');
        await deliverToSlack(entry, { token: token ?? '', apiUrl: slack.apiUrl });
      });
    },
    async close() {
      await bot.stop().catch(() => {});
      await billing.close();
      await slack.close();
    },
  };
}
