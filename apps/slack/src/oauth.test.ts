import { testRedis } from '@faturador/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { OAUTH_APP, OAUTH_CHANNEL, type OAuthStack, startOAuthStack, TEAMS } from './testing/oauth-stack.ts';
import { BOT_SCOPES } from './workspaces.ts';

let stack: OAuthStack;
afterEach(async () => {
  await stack?.close();
});

const parentsIn = (s: OAuthStack, team: string) =>
  s.slack.messages.filter((m) => m.team === team && m.channel === OAUTH_CHANNEL && !m.thread_ts);

describe('OAuth mode: several workspaces', () => {
  it('installs through Slack: /slack/install → authorize → /slack/oauth_redirect, the token kept sealed', async () => {
    stack = await startOAuthStack();
    const start = await fetch(`${stack.origin}/slack/install`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location') ?? '');
    expect(`${authorize.origin}${authorize.pathname}`).toBe(stack.slack.authorizeUrl);
    expect(authorize.searchParams.get('client_id')).toBe(OAUTH_APP.clientId);
    expect(authorize.searchParams.get('scope')).toBe(BOT_SCOPES.join(','));
    expect(authorize.searchParams.get('state')).toBeTruthy();

    const done = await stack.install(TEAMS.acme.teamId);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Falta um passo');
    expect(await stack.installations.getInstallation(TEAMS.acme.teamId)).toMatchObject({
      teamId: TEAMS.acme.teamId,
      appId: OAUTH_APP.appId,
      botUserId: 'U0ACME001BOT',
      botId: 'B0ACME001BOT',
      botScopes: BOT_SCOPES,
      installerUserId: 'U0OPS0001',
    });
    const token = await stack.installations.botTokenFor(TEAMS.acme.teamId);
    expect(stack.slack.workspaceOf(token ?? '')?.teamId).toBe(TEAMS.acme.teamId);
    const raw = await testRedis().hgetall(`${stack.config.redis?.prefix}:slack-install:${TEAMS.acme.teamId}`);
    expect(JSON.stringify(raw)).not.toContain(token);
    expect(JSON.stringify(raw)).not.toMatch(/xoxb-/);
    // Installing binds nothing: which client issues for the workspace is an operator's call.
    expect(await stack.installations.bindingOf(TEAMS.acme.teamId)).toBeNull();
  });

  it('refuses a redirect without the browser’s state cookie, and saves nothing', async () => {
    stack = await startOAuthStack();
    const done = await stack.install(TEAMS.acme.teamId, { cookie: false });
    expect(done.status).toBe(400);
    expect(await done.text()).toContain('A instalação não terminou');
    expect(await stack.installations.getInstallation(TEAMS.acme.teamId)).toBeNull();
    expect(stack.slack.callsTo('oauth.v2.access')).toHaveLength(0);
  });

  it('tells a workspace bound to no client, in Portuguese and privately, and issues nothing', async () => {
    stack = await startOAuthStack();
    await stack.install(TEAMS.acme.teamId);
    const response = await stack.command(TEAMS.acme.teamId, '509999999 10 mensalidade');
    const body = (await response.json()) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('Esta workspace ainda não está ligada a um cliente Faturador');
    expect(body.text).toContain(TEAMS.acme.teamId);
    // The form is not offered either.
    const modal = (await (await stack.command(TEAMS.acme.teamId, '')).json()) as { text: string };
    expect(modal.text).toContain('ainda não está ligada');
    expect(stack.billing.requests).toHaveLength(0);
    expect(stack.slack.messages).toHaveLength(0);
    expect(stack.slack.views).toHaveLength(0);
  });

  it('issues for each workspace with its own bot token and its own API client, results in its thread', async () => {
    stack = await startOAuthStack();
    stack.deliverAccepted();
    for (const { teamId, client } of Object.values(TEAMS)) {
      await stack.install(teamId);
      await stack.installations.bindTeam(teamId, client);
    }
    await stack.command(TEAMS.acme.teamId, '509999999 10 mensalidade acme');
    await stack.command(TEAMS.beta.teamId, '509999999 20 mensalidade beta');

    for (const { teamId, client } of Object.values(TEAMS)) {
      const parent = await stack.slack.waitFor(() =>
        parentsIn(stack, teamId).find((m) => m.text.startsWith('✅')),
      );
      expect(parent.user).toBe(`U${teamId.slice(1)}BOT`);
      expect(stack.slack.thread(OAUTH_CHANNEL, parent.ts)).toEqual([
        expect.objectContaining({ team: teamId, text: expect.stringContaining('FR M/77') }),
      ]);
      const request = stack.billing.requests.find((r) => r.body.origin?.team_id === teamId);
      expect(request?.clientId).toBe(client.clientId);
    }
    expect(stack.billing.requests).toHaveLength(2);
    // Every Web API call the bot made went out with the token of the workspace it acted in.
    const posts = stack.slack.callsTo('chat.postMessage').filter((call) => !call.args.thread_ts);
    expect(posts.map((call) => call.team).sort()).toEqual([TEAMS.acme.teamId, TEAMS.beta.teamId]);
  });

  it('leaves the last word to the API: a workspace bound to another workspace’s client is refused there', async () => {
    stack = await startOAuthStack();
    await stack.install(TEAMS.acme.teamId);
    await stack.installations.bindTeam(TEAMS.acme.teamId, TEAMS.beta.client);
    await stack.command(TEAMS.acme.teamId, '509999999 10 mensalidade');
    const parent = await stack.slack.waitFor(() =>
      parentsIn(stack, TEAMS.acme.teamId).find((m) => m.text.startsWith('❌')),
    );
    expect(JSON.stringify(stack.slack.thread(OAUTH_CHANNEL, parent.ts))).toContain('origin');
    expect(stack.billing.requests[0]?.clientId).toBe(TEAMS.beta.client.clientId);
  });
});
