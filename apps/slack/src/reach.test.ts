import { DEFAULT_SCOPES } from '@faturador/slack-sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { submitView } from './testing/index.ts';
import { SIGNING_SECRET, type SlackStack, startSlackStack, USER } from './testing/stack.ts';

let stack: SlackStack;
afterEach(async () => {
  await stack?.close();
});

const PRIVATE = 'C0SECRETOS';
const PEOPLE_DM = 'D0ANAERUI1';
const workspace = (scopes = DEFAULT_SCOPES) => ({
  scopes,
  conversations: {
    [PRIVATE]: { kind: 'private' as const },
    [PEOPLE_DM]: { kind: 'im' as const, members: [USER, 'U0OUTRO01'] },
  },
});
const WITHOUT_IM_WRITE = DEFAULT_SCOPES.filter((scope) => scope !== 'im:write');

/** Opens the form from `/fatura` in `channel` and submits it with one line. */
async function submitFormIn(channel: string) {
  await stack.command('', { channel, triggerId: stack.slack.triggerId() });
  const view = await stack.slack.waitFor(() => stack.slack.views[0]);
  return submitView(
    view,
    {
      customer_name: 'Ana Lda',
      customer_vat: '509999999',
      line_0_product: 'mensalidade',
      line_0_amount: '10,00',
    },
    { url: stack.url, signingSecret: SIGNING_SECRET, teamId: stack.slack.teamId, user: USER },
  );
}

const everything = () =>
  JSON.stringify([stack.slack.messages, stack.slack.ephemerals, stack.slack.responses]);

describe('where the bot cannot write', () => {
  it('keeps the form open with a Portuguese error in a private channel without the bot, issuing nothing', async () => {
    stack = await startSlackStack({}, workspace(WITHOUT_IM_WRITE));
    const response = await submitFormIn(PRIVATE);
    expect(await response.json()).toEqual({
      response_action: 'errors',
      errors: {
        customer_name:
          'O Faturador não está neste canal privado: convide-o (`/invite @Faturador`) ou use `/fatura` noutro canal.',
      },
    });
    expect(stack.billing.requests).toHaveLength(0);
    expect(stack.slack.messages).toHaveLength(0);
    // The bot asked Slack before answering, and Slack said the channel is not there for it.
    expect(stack.slack.callsTo('conversations.info')[0]?.response).toEqual({
      ok: false,
      error: 'channel_not_found',
    });
  });

  it('never says "invite the bot" for a DM between people', async () => {
    stack = await startSlackStack({}, workspace(WITHOUT_IM_WRITE));
    const response = await submitFormIn(PEOPLE_DM);
    const body = (await response.json()) as { errors: Record<string, string> };
    expect(body.errors.customer_name).toContain('conversa direta entre pessoas');
    expect(body.errors.customer_name).not.toMatch(/invite|convide/i);
    expect(stack.billing.requests).toHaveLength(0);
  });

  it('falls back to the requester’s DM with the bot: the thread and the request live there', async () => {
    stack = await startSlackStack({}, workspace());
    stack.deliverAccepted();
    const response = await submitFormIn(PEOPLE_DM);
    expect(await response.text()).toBe('');
    const request = await stack.slack.waitFor(() => stack.billing.requests[0]);
    const dm = String(request.body.origin?.channel);
    expect(dm).toMatch(/^D0BOT/);
    expect(stack.slack.conversations.get(dm)).toMatchObject({
      kind: 'im',
      members: [USER, stack.slack.botUserId],
    });
    const parent = await stack.slack.waitFor(() =>
      stack.slack.messages.find((m) => m.channel === dm && !m.thread_ts && m.text.startsWith('✅')),
    );
    expect(request.body.reference).toBe(`SLACK-${dm}-${parent.ts}`);
    expect(stack.slack.thread(dm, parent.ts)[0]?.text).toContain('FR M/77');
    const [note] = stack.slack.messages.filter((m) => m.channel === dm);
    expect(note?.text).toContain('esta fatura e o seu resultado ficam aqui');
    expect(everything()).not.toMatch(/invite|convide/i);
    expect(stack.slack.messages.some((m) => m.channel === PEOPLE_DM)).toBe(false);
  });

  it('/fatura with the quick syntax in a DM between people goes to the requester’s DM, said ephemerally', async () => {
    stack = await startSlackStack({}, workspace());
    stack.deliverAccepted();
    await stack.command('509999999 10 mensalidade', { channel: PEOPLE_DM });
    const request = await stack.slack.waitFor(() => stack.billing.requests[0]);
    expect(request.body.origin?.channel).toMatch(/^D0BOT/);
    const said = await stack.slack.waitFor(() => stack.slack.responses[0]);
    expect(said.body).toMatchObject({
      response_type: 'ephemeral',
      text: 'O Faturador não pode escrever aqui: a fatura e o resultado seguem na sua conversa com o Faturador.',
    });
    const dm = String(request.body.origin?.channel);
    await stack.slack.waitFor(() =>
      stack.slack.messages.find((m) => m.channel === dm && !m.thread_ts && m.text.startsWith('✅')),
    );
  });

  it('/fatura with the quick syntax where neither works says why, without "invite" in a DM', async () => {
    stack = await startSlackStack({}, workspace(WITHOUT_IM_WRITE));
    await stack.command('509999999 10 mensalidade', { channel: PEOPLE_DM });
    const said = await stack.slack.waitFor(() => stack.slack.responses[0]);
    const text = String((said.body as { text: string }).text);
    expect(text).toContain('Nada foi emitido');
    expect(text).not.toMatch(/invite|convide/i);
    expect(stack.billing.requests).toHaveLength(0);
  });

  it('a public channel the bot is not in still works with chat:write.public', async () => {
    stack = await startSlackStack(
      {},
      { conversations: { C0PUBLICO1: { kind: 'public', botMember: false } } },
    );
    stack.deliverAccepted();
    expect(await (await submitFormIn('C0PUBLICO1')).text()).toBe('');
    await stack.slack.waitFor(() =>
      stack.slack.messages.find((m) => m.channel === 'C0PUBLICO1' && !m.thread_ts && m.text.startsWith('✅')),
    );
  });

  it('says the form took too long when Slack refuses an expired trigger_id', async () => {
    stack = await startSlackStack();
    await stack.command('', { triggerId: stack.slack.triggerId(Date.now() - 3_500) });
    const said = await stack.slack.waitFor(() => stack.slack.responses[0]);
    expect(stack.slack.callsTo('views.open')[0]?.response).toEqual({
      ok: false,
      error: 'expired_trigger_id',
    });
    expect(said.body).toMatchObject({ text: expect.stringContaining('3 segundos') });
  });
});
