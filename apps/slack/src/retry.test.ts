import type { FakeMessage } from '@faturador/slack-sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { clickRetry, retryButton } from './testing/clicks.ts';
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

/** A click on the retry button of `message`, as Slack sends it. */
function click(message: FakeMessage, options: { user?: string; channel?: string; responseId?: string } = {}) {
  return clickRetry(message, {
    url: stack.url,
    signingSecret: SIGNING_SECRET,
    teamId: stack.slack.teamId,
    user: options.user ?? USER,
    responseUrl: stack.slack.responseUrl(options.responseId ?? 'retry'),
    ...(options.channel ? { channel: options.channel } : {}),
  });
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
