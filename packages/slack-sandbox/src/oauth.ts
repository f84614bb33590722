import { randomBytes } from 'node:crypto';
import type { FakeAnswer, FakeApproval, FakeOAuthApp, FakeWorkspace } from './state.ts';

/** Slack's codes are good for ten minutes, once (https://docs.slack.dev/authentication/installing-with-oauth). */
const CODE_TTL_MS = 10 * 60 * 1000;

interface Grant {
  workspace: FakeWorkspace;
  scopes: string;
  userScopes: string;
  userId: string;
  /** The `redirect_uri` the authorize URL named, if any: the exchange must name the same. */
  redirectUri: string | null;
  issuedAt: number;
}

export interface Exchange {
  reply: FakeAnswer;
  /** The bot token handed out and where it acts; absent when the exchange was refused. */
  token?: string;
  workspace?: FakeWorkspace;
}

const fail = (error: string): FakeAnswer => ({ status: 200, body: { ok: false, error } });
const random = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * The two halves of Slack's OAuth v2 install as a Bolt app meets them: the authorize page (the
 * person approves for a workspace; Slack redirects back with `code` and `state`) and
 * `oauth.v2.access` (the app trades the code for the workspace's bot token).
 */
export function createOAuthState(app: FakeOAuthApp | undefined, botScopes: string[]) {
  const grants = new Map<string, Grant>();
  let redirectUrl = app?.redirectUrl;

  function workspaceFor(approval: FakeApproval): FakeWorkspace {
    const suffix = approval.teamId.slice(1);
    return {
      teamId: approval.teamId,
      teamName: approval.teamName ?? approval.teamId,
      botUserId: `U${suffix}BOT`,
      botId: `B${suffix}BOT`,
      enterprise: approval.enterprise ?? null,
    };
  }

  return {
    /** The app's Redirect URL as configured at Slack (the test learns the bot's port late). */
    setRedirectUrl(url: string): void {
      redirectUrl = url;
    },

    /** Where the authorize page sends the browser, or why it shows an error page instead. */
    approve(query: URLSearchParams, approval: FakeApproval): { location: string } | { error: string } {
      if (!app || query.get('client_id') !== app.clientId) return { error: 'invalid_client_id' };
      const scopes = query.get('scope') ?? '';
      const userScopes = query.get('user_scope') ?? '';
      if (scopes === '' && userScopes === '') return { error: 'invalid_scope' };
      const given = query.get('redirect_uri');
      const target = given ?? redirectUrl;
      if (!target) return { error: 'bad_redirect_uri' };
      const code = `${Date.now()}.${random(16)}`;
      grants.set(code, {
        workspace: workspaceFor(approval),
        scopes,
        userScopes,
        userId: approval.userId ?? 'U0INSTALLER',
        redirectUri: given,
        issuedAt: Date.now(),
      });
      const back = new URL(target);
      back.searchParams.set('code', code);
      const state = query.get('state');
      if (state !== null) back.searchParams.set('state', state);
      return { location: back.toString() };
    },

    exchange(args: Record<string, unknown>, basic: { id: string; secret: string } | null): Exchange {
      const clientId = basic?.id ?? args.client_id;
      const clientSecret = basic?.secret ?? args.client_secret;
      if (!app || clientId !== app.clientId) return { reply: fail('invalid_client_id') };
      if (clientSecret !== app.clientSecret) return { reply: fail('bad_client_secret') };
      const code = typeof args.code === 'string' ? args.code : '';
      const grant = grants.get(code);
      grants.delete(code);
      if (!grant || Date.now() - grant.issuedAt > CODE_TTL_MS) return { reply: fail('invalid_code') };
      if (grant.redirectUri !== null && args.redirect_uri !== grant.redirectUri) {
        return { reply: fail('bad_redirect_uri') };
      }
      const { workspace } = grant;
      const token = `xoxb-${workspace.teamId}-${random(12)}`;
      const authedUser: Record<string, unknown> = { id: grant.userId };
      if (grant.userScopes !== '') {
        Object.assign(authedUser, {
          scope: grant.userScopes,
          access_token: `xoxp-${workspace.teamId}-${random(12)}`,
          token_type: 'user',
        });
      }
      const body = {
        ok: true,
        access_token: token,
        token_type: 'bot',
        scope: grant.scopes || botScopes.join(','),
        bot_user_id: workspace.botUserId,
        app_id: app.appId ?? 'A0FAKEAPP',
        team: { id: workspace.teamId, name: workspace.teamName },
        enterprise: workspace.enterprise,
        is_enterprise_install: false,
        authed_user: authedUser,
      };
      return { reply: { status: 200, body }, token, workspace };
    },
  };
}
