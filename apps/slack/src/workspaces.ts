import type { ServerResponse } from 'node:http';
import { createSecretBox, parseMasterKey } from '@faturador/core';
import { type BillingClient, createBillingClient } from '@faturador/sdk';
import { createSlackInstallationStore, type SlackInstallationStore } from '@faturador/store';
import type { AppOptions, Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { Redis } from 'ioredis';
import type { SlackAppConfig, SlackOAuthConfig } from './env.ts';
import type { Logger } from './logger.ts';

/** The bot scopes of `apps/slack/slack-app-manifest.yaml`: what an install asks each workspace for. */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'channels:read',
  'groups:read',
  'im:read',
  'mpim:read',
  'im:write',
];

export const INSTALL_PATH = '/slack/install';
export const REDIRECT_PATH = '/slack/oauth_redirect';

/** The billing API as the client bound to a workspace; null when no client is bound to it. */
export type BillingFor = (teamId: string) => Promise<BillingClient | null>;

/** The installations over Redis, with the master key that seals their tokens. */
export function installationsIn(
  redis: Redis,
  prefix: string,
  oauth: Pick<SlackOAuthConfig, 'masterKey'>,
): SlackInstallationStore {
  return createSlackInstallationStore({
    redis,
    prefix,
    secretBox: createSecretBox(parseMasterKey(oauth.masterKey)),
  });
}

/** A fetch for a workspace that has no installation here: Bolt answers the request as unauthorized. */
function noInstallation(query: InstallationQuery<boolean>): Error {
  return new Error(`no installation of workspace ${query.teamId ?? query.enterpriseId ?? '(none)'}`);
}

/**
 * Bolt's installation store over the Redis one. Only workspace installs: an org-wide install
 * would have no team to bind a client to, and rotating tokens would expire with nobody to
 * refresh them (the manifest turns both off), so both are refused at install time.
 */
export function boltInstallationStore(store: SlackInstallationStore): InstallationStore {
  return {
    async storeInstallation(installation) {
      if (installation.isEnterpriseInstall || !installation.team) {
        throw new Error('org-wide installs are not supported: install the app in each workspace');
      }
      const bot = installation.bot;
      if (!bot?.token) throw new Error('the install gave no bot token');
      if (bot.refreshToken)
        throw new Error('token rotation is not supported: turn it off in the app settings');
      await store.saveInstallation({
        teamId: installation.team.id,
        teamName: installation.team.name ?? null,
        enterpriseId: installation.enterprise?.id ?? null,
        enterpriseName: installation.enterprise?.name ?? null,
        appId: installation.appId ?? null,
        botId: bot.id,
        botUserId: bot.userId,
        botScopes: bot.scopes,
        installerUserId: installation.user.id,
        botToken: bot.token,
        userToken: installation.user.token ?? null,
      });
    },

    async fetchInstallation(query) {
      if (query.isEnterpriseInstall || !query.teamId) throw noInstallation(query);
      const found = await store.getInstallation(query.teamId, query.enterpriseId);
      const token = found ? await store.botTokenFor(query.teamId) : null;
      if (!found || !token) throw noInstallation(query);
      const installation: Installation<'v2', false> = {
        team: { id: found.teamId, ...(found.teamName ? { name: found.teamName } : {}) },
        enterprise: found.enterpriseId
          ? { id: found.enterpriseId, ...(found.enterpriseName ? { name: found.enterpriseName } : {}) }
          : undefined,
        // The user token stays sealed: nothing the bot does acts as a person.
        user: { id: found.installerUserId ?? '', token: undefined, scopes: undefined },
        bot: { token, scopes: found.botScopes, id: found.botId ?? '', userId: found.botUserId ?? '' },
        tokenType: 'bot',
        isEnterpriseInstall: false,
        authVersion: 'v2',
        ...(found.appId ? { appId: found.appId } : {}),
      };
      return installation;
    },

    async deleteInstallation(query) {
      if (query.teamId) await store.deleteInstallation(query.teamId);
    },
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(
    `<!doctype html><html lang="pt"><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
      `<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p></body></html>`,
  );
}

/**
 * Bolt's OAuth options: `/slack/install` sends the browser straight to Slack (no landing page to
 * maintain), `/slack/oauth_redirect` stores the install. Against a fake Slack (`slackApiUrl`), its
 * authorize page sits beside its Web API as Slack's does (`/oauth/v2/authorize` beside `/api/`).
 */
export function oauthAppOptions(
  config: Pick<SlackAppConfig, 'slackApiUrl'> & { oauth: SlackOAuthConfig },
  store: SlackInstallationStore,
  logger: Logger,
): Pick<
  AppOptions,
  'clientId' | 'clientSecret' | 'stateSecret' | 'scopes' | 'installationStore' | 'installerOptions'
> {
  return {
    clientId: config.oauth.clientId,
    clientSecret: config.oauth.clientSecret,
    stateSecret: config.oauth.stateSecret,
    scopes: BOT_SCOPES,
    installationStore: boltInstallationStore(store),
    installerOptions: {
      installPath: INSTALL_PATH,
      redirectUriPath: REDIRECT_PATH,
      directInstall: true,
      ...(config.slackApiUrl
        ? { authorizationUrl: new URL('../oauth/v2/authorize', config.slackApiUrl).toString() }
        : {}),
      callbackOptions: {
        success: (installation, _options, _req, res) => {
          const team = installation.team;
          logger.info({ teamId: team?.id }, 'Slack app installed');
          page(
            res,
            200,
            'Faturador instalado',
            `O Faturador foi instalado na workspace ${team?.name ?? team?.id ?? ''}. Falta um passo: ` +
              `um administrador do Faturador tem de a ligar a um cliente (workspace ${team?.id ?? '?'}).`,
          );
        },
        failure: (error, _options, _req, res) => {
          logger.warn({ code: error.code, err: error.message }, 'Slack install failed');
          page(
            res,
            400,
            'A instalação não terminou',
            `O Slack não concluiu a instalação (${error.code}). Tente de novo a partir de ${INSTALL_PATH}.`,
          );
        },
      },
    },
  };
}

/** Each workspace issues as the API client an operator bound to it, and as no other. */
export function teamBilling(
  config: Pick<SlackAppConfig, 'api'>,
  store: Pick<SlackInstallationStore, 'credentialsFor'>,
): BillingFor {
  return async (teamId) => {
    const credentials = await store.credentialsFor(teamId);
    if (!credentials) return null;
    return createBillingClient({ baseUrl: config.api.url, ...credentials, signed: config.api.signed });
  };
}
