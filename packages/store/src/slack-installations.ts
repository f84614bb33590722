import { isCapability } from '@faturador/core';
import { CLIENT_ID_PATTERN } from './api-clients.ts';
import type { StoreDeps } from './redis-keys.ts';

/**
 * A workspace's install of the Slack app (OAuth), without its tokens. One per team id: a
 * workspace of an Enterprise Grid org also names its enterprise; org-wide installs are not kept.
 */
export interface SlackInstallation {
  teamId: string;
  teamName: string | null;
  enterpriseId: string | null;
  enterpriseName: string | null;
  appId: string | null;
  botId: string | null;
  botUserId: string | null;
  botScopes: string[];
  /** Who installed it: the person who approved in Slack. */
  installerUserId: string | null;
  installedAt: string;
}

export interface NewSlackInstallation extends Omit<SlackInstallation, 'installedAt'> {
  botToken: string;
  /** Only when the install asked for user scopes; sealed and kept, read by nothing today. */
  userToken?: string | null;
}

/** Which Faturador API client issues for a workspace: what an operator bound, never its secret. */
export interface SlackTeamBinding {
  teamId: string;
  clientId: string;
  boundAt: string;
}

/** The credentials the bot calls the billing API with for one workspace. */
export interface SlackTeamCredentials {
  clientId: string;
  apiKey: string;
  apiSecret: string;
}

export interface SlackInstallationStore {
  /** Replaces the team's installation (a reinstall brings new scopes and a new token). */
  saveInstallation(input: NewSlackInstallation): Promise<SlackInstallation>;
  /** Null when the team has none, or when it belongs to another enterprise than `enterpriseId`. */
  getInstallation(teamId: string, enterpriseId?: string | null): Promise<SlackInstallation | null>;
  deleteInstallation(teamId: string): Promise<boolean>;
  /** The one way a token leaves the store. Null when the team has not installed the app. */
  botTokenFor(teamId: string): Promise<string | null>;
  /** Set by an operator: the installer's OAuth flow never reaches this key. */
  bindTeam(teamId: string, credentials: SlackTeamCredentials): Promise<SlackTeamBinding>;
  unbindTeam(teamId: string): Promise<boolean>;
  bindingOf(teamId: string): Promise<SlackTeamBinding | null>;
  /** For the bot's billing client only. Null when no client is bound to the team. */
  credentialsFor(teamId: string): Promise<SlackTeamCredentials | null>;
}

const ENTERPRISE_ID = /^E[A-Z0-9]{2,20}$/;

/** The team ids `slack:<team>` capabilities accept: the same workspaces the API can allow. */
export function isSlackTeamId(value: string): boolean {
  return isCapability(`slack:${value}`);
}

function assertTeamId(teamId: string): void {
  if (!isSlackTeamId(teamId)) throw new TypeError(`"${teamId.slice(0, 40)}" is not a Slack team id (T…)`);
}

/**
 * - `slack-install:<team>` hash (the tokens sealed)
 * - `slack-binding:<team>` hash (the client's key and secret sealed): a separate key, so that
 *   saving an installation can never write a binding
 */
function slackKeys(prefix: string) {
  return {
    installation: (teamId: string) => `${prefix}:slack-install:${teamId}`,
    binding: (teamId: string) => `${prefix}:slack-binding:${teamId}`,
  };
}

/** Each sealed value is bound to its team (and client) and its role: one cannot stand in for another. */
const purposes = {
  botToken: (teamId: string) => `slack-bot-token:${teamId}`,
  userToken: (teamId: string) => `slack-user-token:${teamId}`,
  apiKey: (teamId: string, clientId: string) => `slack-client-key:${teamId}:${clientId}`,
  apiSecret: (teamId: string, clientId: string) => `slack-client-secret:${teamId}:${clientId}`,
};

const orNull = (value: string | undefined) => (value ? value : null);

function toInstallation(hash: Record<string, string>): SlackInstallation {
  return {
    teamId: hash.team_id ?? '',
    teamName: orNull(hash.team_name),
    enterpriseId: orNull(hash.enterprise_id),
    enterpriseName: orNull(hash.enterprise_name),
    appId: orNull(hash.app_id),
    botId: orNull(hash.bot_id),
    botUserId: orNull(hash.bot_user_id),
    botScopes: (hash.bot_scopes ?? '').split(',').filter(Boolean),
    installerUserId: orNull(hash.installer_user_id),
    installedAt: hash.installed_at ?? '',
  };
}

export function createSlackInstallationStore(deps: StoreDeps): SlackInstallationStore {
  const { redis, secretBox } = deps;
  const keys = slackKeys(deps.prefix);
  const now = deps.now ?? Date.now;

  async function readHash(key: string): Promise<Record<string, string> | null> {
    const hash = await redis.hgetall(key);
    return Object.keys(hash).length > 0 ? hash : null;
  }

  return {
    async saveInstallation(input) {
      assertTeamId(input.teamId);
      if (input.enterpriseId !== null && !ENTERPRISE_ID.test(input.enterpriseId)) {
        throw new TypeError(`"${input.enterpriseId.slice(0, 40)}" is not a Slack enterprise id (E…)`);
      }
      if (!input.botToken.startsWith('xoxb-')) throw new TypeError('the installation has no bot token');
      const installation: SlackInstallation = {
        teamId: input.teamId,
        teamName: input.teamName,
        enterpriseId: input.enterpriseId,
        enterpriseName: input.enterpriseName,
        appId: input.appId,
        botId: input.botId,
        botUserId: input.botUserId,
        botScopes: input.botScopes,
        installerUserId: input.installerUserId,
        installedAt: new Date(now()).toISOString(),
      };
      const fields: Record<string, string> = {
        team_id: input.teamId,
        team_name: input.teamName ?? '',
        enterprise_id: input.enterpriseId ?? '',
        enterprise_name: input.enterpriseName ?? '',
        app_id: input.appId ?? '',
        bot_id: input.botId ?? '',
        bot_user_id: input.botUserId ?? '',
        bot_scopes: input.botScopes.join(','),
        installer_user_id: input.installerUserId ?? '',
        installed_at: installation.installedAt,
        bot_token: secretBox.seal(input.botToken, purposes.botToken(input.teamId)),
      };
      if (input.userToken)
        fields.user_token = secretBox.seal(input.userToken, purposes.userToken(input.teamId));
      const key = keys.installation(input.teamId);
      // Whole: a field of the previous install (a user token) must not outlive it.
      await redis.multi().del(key).hset(key, fields).exec();
      return installation;
    },

    async getInstallation(teamId, enterpriseId) {
      if (!isSlackTeamId(teamId)) return null;
      const hash = await readHash(keys.installation(teamId));
      if (!hash) return null;
      const installation = toInstallation(hash);
      if (enterpriseId && installation.enterpriseId !== enterpriseId) return null;
      return installation;
    },

    async deleteInstallation(teamId) {
      if (!isSlackTeamId(teamId)) return false;
      return (await redis.del(keys.installation(teamId))) === 1;
    },

    async botTokenFor(teamId) {
      if (!isSlackTeamId(teamId)) return null;
      const sealed = await redis.hget(keys.installation(teamId), 'bot_token');
      return sealed ? secretBox.open(sealed, purposes.botToken(teamId)) : null;
    },

    async bindTeam(teamId, credentials) {
      assertTeamId(teamId);
      const { clientId, apiKey, apiSecret } = credentials;
      if (!CLIENT_ID_PATTERN.test(clientId))
        throw new TypeError(`"${clientId.slice(0, 64)}" is not a client id`);
      if (apiKey === '' || apiSecret === '') throw new TypeError('the client needs its API key and secret');
      const binding: SlackTeamBinding = { teamId, clientId, boundAt: new Date(now()).toISOString() };
      const key = keys.binding(teamId);
      await redis
        .multi()
        .del(key)
        .hset(key, {
          team_id: teamId,
          client_id: clientId,
          bound_at: binding.boundAt,
          api_key: secretBox.seal(apiKey, purposes.apiKey(teamId, clientId)),
          api_secret: secretBox.seal(apiSecret, purposes.apiSecret(teamId, clientId)),
        })
        .exec();
      return binding;
    },

    async unbindTeam(teamId) {
      if (!isSlackTeamId(teamId)) return false;
      return (await redis.del(keys.binding(teamId))) === 1;
    },

    async bindingOf(teamId) {
      if (!isSlackTeamId(teamId)) return null;
      const hash = await readHash(keys.binding(teamId));
      if (!hash?.client_id) return null;
      return { teamId, clientId: hash.client_id, boundAt: hash.bound_at ?? '' };
    },

    async credentialsFor(teamId) {
      if (!isSlackTeamId(teamId)) return null;
      const hash = await readHash(keys.binding(teamId));
      const clientId = hash?.client_id;
      if (!hash || !clientId) return null;
      return {
        clientId,
        apiKey: secretBox.open(hash.api_key ?? '', purposes.apiKey(teamId, clientId)),
        apiSecret: secretBox.open(hash.api_secret ?? '', purposes.apiSecret(teamId, clientId)),
      };
    },
  };
}
