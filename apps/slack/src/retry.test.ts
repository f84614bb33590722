import type { FakeMessage } from '@faturador/slack-web/fake';
import { afterEach, describe, expect, it } from 'vitest';
import { interactionBody, sendSigned } from './slack-requests.ts';
import { CHANNEL, SIGNING_SECRET, type SlackStack, startSlackStack, USER } from './testing/stack.ts';

let stack: SlackStack;
afterEach(async () => {
  await stack?.close();
});

const businessError = {
  code: 'MOLONI_BUSINESS_ERROR' as const,
  message: 'Moloni: a série M não está ativa.',
  details: null,
};

function retryButton(message: FakeMessage) {
  const actions = message.blocks?.find((b) => (b as { type: string }).type === 'actions') as
    | { block_id?: string; elements: Array<{ action_id: string; value?: string }> }
    | undefined;
  return actions?.elements.find((e) => e.action_id === 'fatura_retry');
}

/** The block_actions payload Slack sends when someone clicks the retry button of `message`. */
function click(message: FakeMessage, options: { user?: string; channel?: string; responseId?: string } = {}) {
  const button = retryButton(message);
  const payload = {
    type: 'block_actions',
    team: { id: stack.slack.teamId, domain: 'faturador' },
    user: { id: options.user ?? USER, username: 'ops', name: 'ops', team_id: stack.slack.teamId },
    api_app_id: 'A0FATURADOR',
    token: 'legacy',
    trigger_id: `${Date.now()}.1.abc`,
    container: { type: 'message', message_ts: message.ts, channel_id: options.channel ?? message.channel },
    channel: { id: options.channel ?? message.channel, name: 'faturacao' },
    message: {
      type: 'message',
      ts: message.ts,
      thread_ts: message.thread_ts,
      text: message.text,
      blocks: message.blocks,
    },
    response_url: stack.slack.responseUrl(options.responseId ?? 'retry'),
    actions: [
      {
        type: 'button',
        action_id: 'fatura_retry',
        block_id: 'b1',
        value: button?.value,
        text: { type: 'plain_text', text: 'Tentar novamente' },
        action_ts: `${Date.now() / 1000}`,
      },
    ],
    state: { values: {} },
  };
  return sendSigned(stack.url, interactionBody(payload), { signingSecret: SIGNING_SECRET });
}

async function failedThread(): Promise<{ parent: FakeMessage; reply: FakeMessage }> {
  stack.deliverAccepted(() => ({ state: 'failed', error: businessError }));
  await stack.command('509999999 10 mensalidade');
  const parent = await stack.slack.waitFor(() =>
    stack.slack.messages.find((m) => !m.thread_ts && m.text.startsWith('❌')),
  );
  const reply = await stack.slack.waitFor(() => stack.slack.thread(CHANNEL, parent.ts)[0]);
  return { parent, reply };
}

describe('the "Tentar novamente" button', () => {
  it('re-sends the same Idempotency-Key, body and origin, and shows the answer in the thread', async () => {
    stack = await startSlackStack();
    const { parent, reply } = await failedThread();
    expect(JSON.stringify(reply.blocks)).toContain('O Moloni recusou o documento');
    expect(retryButton(reply)).toBeDefined();

    const response = await click(reply);
    expect(response.status).toBe(200);
    await stack.slack.waitFor(() => stack.billing.requests.length === 2);
    const [first, second] = stack.billing.requests;
    expect(second?.idempotencyKey).toBe(first?.idempotencyKey);
    expect(second?.body).toEqual(first?.body);

    // The API answers the replay with the stored failure (never a second issuance): shown again.
    const replies = await stack.slack.waitFor(() => {
      const thread = stack.slack.thread(CHANNEL, parent.ts);
      return thread.length === 2 ? thread : null;
    });
    expect(JSON.stringify(replies[1]?.blocks)).toContain('O Moloni recusou o documento');
    // The clicked button is gone and says who retried; the parent went ⏳ then ❌ again.
    expect(retryButton(replies[0] as FakeMessage)).toBeUndefined();
    expect(JSON.stringify(replies[0]?.blocks)).toContain(`Reenviado por <@${USER}>`);
    const parentNow = await stack.slack.waitFor(() =>
      stack.slack.messages.find((m) => m.ts === parent.ts && m.history.length === 3),
    );
    expect(parentNow.history[2]?.text).toMatch(/^⏳ A tentar novamente/);
    expect(parentNow.text.startsWith('❌')).toBe(true);
  });

  it('refuses a button clicked in another channel than its thread, and people not allowed', async () => {
    stack = await startSlackStack({ allowedUsers: [USER] });
    const { reply } = await failedThread();
    await click(reply, { channel: 'C0ELSEWHERE', responseId: 'elsewhere' });
    await click(reply, { user: 'U0STRANGER', responseId: 'stranger' });
    const elsewhere = await stack.slack.waitFor(() =>
      stack.slack.responses.find((r) => r.id === 'elsewhere'),
    );
    const stranger = await stack.slack.waitFor(() => stack.slack.responses.find((r) => r.id === 'stranger'));
    expect(JSON.stringify(elsewhere.body)).toContain('já não é válido');
    expect(JSON.stringify(stranger.body)).toContain('Não tem permissão');
    expect(stack.billing.requests).toHaveLength(1);
  });

  it('a double click while the first retry is in flight sends one request', async () => {
    stack = await startSlackStack();
    // Both clicks carry the message as it was shown, before the first click took the button away.
    const reply = structuredClone((await failedThread()).reply);
    const release = stack.billing.hold();
    await click(reply, { responseId: 'one' });
    await stack.slack.waitFor(() => stack.billing.requests.length === 2);
    await click(reply, { responseId: 'two' });
    const second = await stack.slack.waitFor(() => stack.slack.responses.find((r) => r.id === 'two'));
    expect(JSON.stringify(second.body)).toContain('já está a ser reenviado');
    release();
    expect(stack.billing.requests).toHaveLength(2);
  });
});
