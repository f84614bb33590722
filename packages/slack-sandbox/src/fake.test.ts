import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from './index.ts';

const TOKEN = 'xoxb-fake-1';
let slack: FakeSlack;
beforeEach(async () => {
  slack = await startFakeSlack({ token: TOKEN, channels: ['C0123ABCD'] });
});
afterEach(async () => {
  await slack.close();
});

/** A JSON call as Slack's own clients make it; gives the HTTP status, Retry-After and the body. */
async function rawCall(method: string, args: Record<string, unknown>, token = TOKEN) {
  const response = await request(`${slack.apiUrl}${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(args),
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    retryAfter: response.headers['retry-after'],
    body: (text ? JSON.parse(text) : null) as Record<string, unknown> | null,
  };
}

const call = async (method: string, args: Record<string, unknown>, token = TOKEN) =>
  (await rawCall(method, args, token)).body;

/** The way @slack/web-api sends: form-urlencoded, objects JSON-encoded, token as Bearer. */
async function formCall(method: string, args: Record<string, string>) {
  const response = await request(`${slack.apiUrl}${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(args).toString(),
  });
  return (await response.body.json()) as Record<string, unknown>;
}

describe('fake Slack Web API', () => {
  it('refuses missing and wrong tokens like Slack', async () => {
    expect(await call('auth.test', {}, 'xoxb-other')).toMatchObject({ error: 'invalid_auth' });
    const response = await request(`${slack.apiUrl}auth.test`, { method: 'POST' });
    expect(await response.body.json()).toEqual({ ok: false, error: 'not_authed' });
    expect(await call('auth.test', {})).toMatchObject({
      ok: true,
      user_id: slack.botUserId,
      team_id: slack.teamId,
    });
  });

  it('checks chat.postMessage: channel, text or blocks, thread_ts, block limits', async () => {
    expect(await call('chat.postMessage', { channel: 'C9999999', text: 'x' })).toMatchObject({
      error: 'channel_not_found',
    });
    expect(await call('chat.postMessage', { channel: 'C0123ABCD' })).toMatchObject({ error: 'no_text' });
    expect(
      await call('chat.postMessage', { channel: 'C0123ABCD', text: 'x', thread_ts: 'yesterday' }),
    ).toMatchObject({
      error: 'invalid_thread_ts',
    });
    expect(
      await call('chat.postMessage', { channel: 'C0123ABCD', text: 'x', thread_ts: '1700000000.000001' }),
    ).toMatchObject({
      error: 'invalid_thread_ts',
    });
    const tooLong = {
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'x' }, value: 'v'.repeat(2001) }],
    };
    expect(await call('chat.postMessage', { channel: 'C0123ABCD', blocks: [tooLong] })).toMatchObject({
      error: 'invalid_blocks',
    });

    const parent = await call('chat.postMessage', { channel: 'C0123ABCD', text: 'parent' });
    expect(parent).toMatchObject({
      ok: true,
      channel: 'C0123ABCD',
      ts: expect.stringMatching(/^\d{10}\.\d{6}$/),
    });
    const ts = (parent as { ts: string }).ts;
    await call('chat.postMessage', { channel: 'C0123ABCD', text: 'reply', thread_ts: ts });
    expect(slack.thread('C0123ABCD', ts).map((m) => m.text)).toEqual(['reply']);
  });

  it('accepts the official client form encoding with JSON-encoded blocks', async () => {
    const blocks = JSON.stringify([{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }]);
    const answer = await formCall('chat.postMessage', { channel: 'C0123ABCD', text: 'hi', blocks });
    expect(answer.ok).toBe(true);
    expect(slack.messages[0]?.blocks).toEqual(JSON.parse(blocks));
  });

  it('chat.update needs an existing message and keeps its history', async () => {
    expect(
      await call('chat.update', { channel: 'C0123ABCD', ts: '1700000000.000001', text: 'x' }),
    ).toMatchObject({
      error: 'message_not_found',
    });
    const { ts } = (await call('chat.postMessage', { channel: 'C0123ABCD', text: 'v1' })) as { ts: string };
    expect(await call('chat.update', { channel: 'C0123ABCD', ts })).toMatchObject({ error: 'no_text' });
    expect(await call('chat.update', { channel: 'C0123ABCD', ts, text: 'v2' })).toMatchObject({
      ok: true,
      ts,
      text: 'v2',
    });
    expect(slack.messages[0]).toMatchObject({ text: 'v2', history: [{ text: 'v1' }] });
  });

  it('views.open checks the view and uses each trigger_id once', async () => {
    const view = {
      type: 'modal',
      title: { type: 'plain_text', text: 'Emitir fatura' },
      submit: { type: 'plain_text', text: 'Emitir' },
      blocks: [
        {
          type: 'input',
          block_id: 'name',
          label: { type: 'plain_text', text: 'Nome' },
          element: { type: 'plain_text_input', action_id: 'v' },
        },
      ],
    };
    const opened = await call('views.open', { trigger_id: '123.456.abc', view });
    expect(opened).toMatchObject({ ok: true, view: { id: expect.stringMatching(/^V/) } });
    expect(await call('views.open', { trigger_id: '123.456.abc', view })).toMatchObject({
      error: 'exchanged_trigger_id',
    });
    const { submit: _submit, ...noSubmit } = view;
    expect(await call('views.open', { trigger_id: '123.456.abd', view: noSubmit })).toMatchObject({
      error: 'invalid_arguments',
    });
    const longTitle = { ...view, title: { type: 'plain_text', text: 'x'.repeat(25) } };
    expect(await call('views.open', { trigger_id: '123.456.abe', view: longTitle })).toMatchObject({
      error: 'invalid_arguments',
    });
  });

  it('checks select options like Slack: text ≤ 75, value ≤ 150, ≤ 100 options, a known initial one', async () => {
    const option = (text: string, value: string) => ({ text: { type: 'plain_text', text }, value });
    const withSelect = (element: Record<string, unknown>) => ({
      type: 'modal',
      title: { type: 'plain_text', text: 'Emitir fatura' },
      submit: { type: 'plain_text', text: 'Emitir' },
      blocks: [{ type: 'input', block_id: 'vat', label: { type: 'plain_text', text: 'IVA' }, element }],
    });
    const select = (options: unknown[], extra: Record<string, unknown> = {}) =>
      withSelect({ type: 'static_select', action_id: 'v', options, ...extra });
    let trigger = 0;
    const open = (view: unknown) => call('views.open', { trigger_id: `123.456.o${++trigger}`, view });
    expect(await open(select([option('23%', '23')], { initial_option: option('23%', '23') }))).toMatchObject({
      ok: true,
    });
    for (const bad of [
      select([option('x'.repeat(76), 'a')]),
      select([option('a', 'v'.repeat(151))]),
      select(Array.from({ length: 101 }, (_, i) => option(`o${i}`, `o${i}`))),
      select([option('23%', '23')], { initial_option: option('13%', '13') }),
      withSelect({
        type: 'radio_buttons',
        action_id: 'v',
        options: Array.from({ length: 11 }, (_, i) => option(`o${i}`, `o${i}`)),
      }),
    ]) {
      expect(await open(bad)).toMatchObject({ error: 'invalid_arguments' });
    }
  });

  it('injects faults: ratelimited is HTTP 429 with Retry-After, others are ok:false', async () => {
    slack.failNext('chat.postMessage', 'ratelimited', { retryAfter: 3 });
    slack.failNext('chat.postMessage', 'not_in_channel');
    const limited = await rawCall('chat.postMessage', { channel: 'C0123ABCD', text: 'x' });
    expect(limited).toMatchObject({
      status: 429,
      retryAfter: '3',
      body: { ok: false, error: 'ratelimited' },
    });
    expect(await rawCall('chat.postMessage', { channel: 'C0123ABCD', text: 'x' })).toMatchObject({
      status: 200,
      body: { ok: false, error: 'not_in_channel' },
    });
    expect(await call('chat.postMessage', { channel: 'C0123ABCD', text: 'x' })).toMatchObject({ ok: true });
  });

  it('receives response_url posts, at most 5 per URL', async () => {
    const url = slack.responseUrl('abc');
    for (let i = 0; i < 6; i++) {
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: `n${i}` }),
      });
      expect(response.statusCode).toBe(i < 5 ? 200 : 404);
      await response.body.text();
    }
    expect(slack.responses.map((r) => r.body)).toHaveLength(5);
  });

  it('serves its records over HTTP for other processes', async () => {
    await call('chat.postMessage', { channel: 'C0123ABCD', text: 'hello' });
    const response = await request(`${slack.url}/_fake/messages`);
    expect(await response.body.json()).toMatchObject([{ channel: 'C0123ABCD', text: 'hello' }]);
  });

  it('models membership: a private channel or a DM without the bot is not there, a public one needs chat:write.public', async () => {
    const conversations = {
      C0PUBLIC01: { kind: 'public' as const, botMember: false },
      C0PRIVATE1: { kind: 'private' as const },
      D0PEOPLE01: { kind: 'im' as const, members: ['U0ANA', 'U0RUI'] },
      C0PRIVIN01: { kind: 'private' as const, botMember: true },
    };
    const strict = await startFakeSlack({
      token: TOKEN,
      conversations,
      scopes: ['commands', 'chat:write', 'channels:read', 'groups:read', 'im:read', 'mpim:read', 'im:write'],
    });
    const on = (method: string, args: Record<string, unknown>) =>
      request(`${strict.apiUrl}${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(args),
      }).then(async (r) => ({ scopes: r.headers['x-oauth-scopes'], body: (await r.body.json()) as object }));
    try {
      const post = (channel: string) => on('chat.postMessage', { channel, text: 'x' });
      expect((await post('C0PUBLIC01')).body).toEqual({ ok: false, error: 'not_in_channel' });
      expect((await post('C0PRIVATE1')).body).toEqual({ ok: false, error: 'channel_not_found' });
      expect((await post('D0PEOPLE01')).body).toEqual({ ok: false, error: 'channel_not_found' });
      expect((await post('C0PRIVIN01')).body).toMatchObject({ ok: true });
      expect(
        (await on('chat.postEphemeral', { channel: 'D0PEOPLE01', user: 'U0ANA', text: 'x' })).body,
      ).toEqual({
        ok: false,
        error: 'channel_not_found',
      });

      const info = async (channel: string) => (await on('conversations.info', { channel })).body;
      expect(await info('C0PUBLIC01')).toMatchObject({
        ok: true,
        channel: { id: 'C0PUBLIC01', is_private: false, is_member: false },
      });
      expect(await info('C0PRIVIN01')).toMatchObject({ channel: { is_private: true, is_member: true } });
      expect(await info('C0PRIVATE1')).toEqual({ ok: false, error: 'channel_not_found' });
      expect(await info('D0PEOPLE01')).toEqual({ ok: false, error: 'channel_not_found' });

      // The bot's own DM with a person: opened, then written to.
      const opened = await on('conversations.open', { users: 'U0ANA' });
      const dm = (opened.body as { channel: { id: string } }).channel.id;
      expect(dm).toMatch(/^D/);
      expect((await on('conversations.open', { users: 'U0ANA' })).body).toMatchObject({
        channel: { id: dm },
      });
      expect((await post(dm)).body).toMatchObject({ ok: true });
      expect(await info(dm)).toMatchObject({ channel: { is_im: true, user: 'U0ANA' } });
      expect(opened.scopes).toContain('im:write');
    } finally {
      await strict.close();
    }
  });

  it('answers missing_scope with the scope needed and the ones the token has', async () => {
    const narrow = await startFakeSlack({ token: TOKEN, scopes: ['commands', 'chat:write'] });
    try {
      const response = await request(`${narrow.apiUrl}conversations.info`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ channel: 'C0123ABCD' }),
      });
      expect(await response.body.json()).toEqual({
        ok: false,
        error: 'missing_scope',
        needed: 'channels:read',
        provided: 'commands,chat:write',
      });
      const open = await request(`${narrow.apiUrl}conversations.open`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ users: 'U0ANA' }),
      });
      expect(await open.body.json()).toMatchObject({ error: 'missing_scope', needed: 'im:write' });
    } finally {
      await narrow.close();
    }
  });

  it('lets a trigger_id open a view for 3 s only', async () => {
    const view = { type: 'modal', title: { type: 'plain_text', text: 'T' }, blocks: [] };
    const fresh = slack.triggerId();
    const stale = slack.triggerId(Date.now() - 3_100);
    expect(await call('views.open', { trigger_id: stale, view })).toMatchObject({
      error: 'expired_trigger_id',
    });
    expect(await call('views.open', { trigger_id: fresh, view })).toMatchObject({ ok: true });
    expect(await call('views.open', { trigger_id: fresh, view })).toMatchObject({
      error: 'exchanged_trigger_id',
    });
  });
});
