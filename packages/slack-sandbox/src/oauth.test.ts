import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from './index.ts';

const APP = { clientId: '111.222', clientSecret: 'shh-client-secret', appId: 'A0FATURA' };
let slack: FakeSlack;
afterEach(async () => {
  await slack?.close();
});

async function api(method: string, body: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await request(`${slack.apiUrl}${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body).toString(),
  });
  return (await response.body.json()) as Record<string, unknown>;
}

/** Goes through the authorize page as a person approving for `team`; gives the code and state. */
async function approve(query: Record<string, string>) {
  const url = new URL(slack.authorizeUrl);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const response = await request(url.toString());
  await response.body.text();
  const location = response.headers.location ? new URL(String(response.headers.location)) : null;
  return { status: response.statusCode, location, code: location?.searchParams.get('code') ?? '' };
}

describe('fake Slack OAuth v2', () => {
  it('redirects back with a code and the state, then trades the code for the team’s bot token once', async () => {
    slack = await startFakeSlack({ oauth: { ...APP, redirectUrl: 'http://bot.test/slack/oauth_redirect' } });
    const { status, location, code } = await approve({
      client_id: APP.clientId,
      scope: 'commands,chat:write',
      state: 'st-1',
      team: 'T0ACME001',
      team_name: 'Acme',
      user: 'U0OWNER',
    });
    expect(status).toBe(302);
    expect(`${location?.origin}${location?.pathname}`).toBe('http://bot.test/slack/oauth_redirect');
    expect(location?.searchParams.get('state')).toBe('st-1');

    const basic = `Basic ${Buffer.from(`${APP.clientId}:${APP.clientSecret}`).toString('base64')}`;
    const answer = await api('oauth.v2.access', { code }, { authorization: basic });
    expect(answer).toMatchObject({
      ok: true,
      token_type: 'bot',
      scope: 'commands,chat:write',
      bot_user_id: 'U0ACME001BOT',
      app_id: 'A0FATURA',
      team: { id: 'T0ACME001', name: 'Acme' },
      enterprise: null,
      authed_user: { id: 'U0OWNER' },
    });
    expect(answer.authed_user).not.toHaveProperty('access_token');
    const token = String(answer.access_token);
    expect(token).toMatch(/^xoxb-/);
    // The Web API answers as that workspace; the recorded call does not keep the token.
    const auth = await api('auth.test', {}, { authorization: `Bearer ${token}` });
    expect(auth).toMatchObject({ ok: true, team_id: 'T0ACME001', user_id: 'U0ACME001BOT' });
    expect(JSON.stringify(slack.calls)).not.toContain(token);
    expect(slack.callsTo('auth.test')[0]?.team).toBe('T0ACME001');

    expect(
      await api('oauth.v2.access', { code, client_id: APP.clientId, client_secret: APP.clientSecret }),
    ).toEqual({
      ok: false,
      error: 'invalid_code',
    });
  });

  it('refuses another app, a wrong secret, and a redirect_uri that differs from the authorize one', async () => {
    slack = await startFakeSlack({ oauth: APP });
    const noRedirect = new URL(slack.authorizeUrl);
    noRedirect.searchParams.set('client_id', APP.clientId);
    noRedirect.searchParams.set('scope', 'commands');
    expect((await request(noRedirect.toString())).statusCode).toBe(400);
    expect(
      (await approve({ client_id: 'other', scope: 'commands', redirect_uri: 'http://x.test/' })).status,
    ).toBe(400);

    const { code } = await approve({
      client_id: APP.clientId,
      scope: 'commands',
      redirect_uri: 'http://bot.test/cb',
      user_scope: 'users:read',
    });
    const wrongSecret = { code, client_id: APP.clientId, client_secret: 'nope' };
    expect(await api('oauth.v2.access', wrongSecret)).toMatchObject({ error: 'bad_client_secret' });
    const { code: second } = await approve({
      client_id: APP.clientId,
      scope: 'commands',
      redirect_uri: 'http://bot.test/cb',
      user_scope: 'users:read',
    });
    const base = { code: second, client_id: APP.clientId, client_secret: APP.clientSecret };
    expect(await api('oauth.v2.access', { ...base, redirect_uri: 'http://evil.test/cb' })).toMatchObject({
      error: 'bad_redirect_uri',
    });
    const { code: third } = await approve({
      client_id: APP.clientId,
      scope: 'commands',
      redirect_uri: 'http://bot.test/cb',
      user_scope: 'users:read',
    });
    const granted = await api('oauth.v2.access', {
      ...base,
      code: third,
      redirect_uri: 'http://bot.test/cb',
    });
    expect(granted).toMatchObject({
      ok: true,
      team: { id: slack.teamId },
      authed_user: { scope: 'users:read', token_type: 'user' },
    });
  });

  it('keeps workspaces apart: a bot cannot edit another workspace’s message', async () => {
    slack = await startFakeSlack({ oauth: { ...APP, redirectUrl: 'http://bot.test/cb' } });
    const tokens: string[] = [];
    for (const team of ['T0ACME001', 'T0BETA002']) {
      const { code } = await approve({ client_id: APP.clientId, scope: 'chat:write', team });
      const answer = await api('oauth.v2.access', {
        code,
        client_id: APP.clientId,
        client_secret: APP.clientSecret,
      });
      tokens.push(String(answer.access_token));
    }
    const [acme, beta] = tokens.map((token) => ({ authorization: `Bearer ${token}` }));
    const posted = await api('chat.postMessage', { channel: 'C0SHARED', text: 'olá' }, acme);
    expect(slack.messages[0]).toMatchObject({ team: 'T0ACME001', user: 'U0ACME001BOT' });
    const edit = { channel: 'C0SHARED', ts: String(posted.ts), text: 'mudado' };
    expect(await api('chat.update', edit, beta)).toMatchObject({ error: 'message_not_found' });
    expect(await api('chat.update', edit, acme)).toMatchObject({ ok: true });
    expect(slack.workspaceOf(tokens[1] ?? '')?.teamId).toBe('T0BETA002');
    expect(slack.workspaceOf('xoxb-never-issued')?.teamId).toBe(slack.teamId);
  });
});
