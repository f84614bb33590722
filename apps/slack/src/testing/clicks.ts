import type { FakeMessage } from '@faturador/slack-sandbox';
import { interactionBody, sendSigned } from '../slack-requests.ts';

export function retryButton(message: FakeMessage): { action_id: string; value?: string } | undefined {
  return buttonOf(message, 'fatura_retry');
}

export interface ClickOptions {
  /** The bot's `/slack/events`. */
  url: string;
  signingSecret: string;
  teamId: string;
  user: string;
  responseUrl: string;
  /** Where the click happened; the message's own channel by default. */
  channel?: string;
}

/** A button of the message's actions blocks, by action id. */
export function buttonOf(
  message: Pick<FakeMessage, 'blocks'>,
  actionId: string,
): { action_id: string; value?: string; text?: { text: string } } | undefined {
  for (const block of message.blocks ?? []) {
    const actions = block as { type: string; elements?: Array<{ action_id: string; value?: string }> };
    if (actions.type !== 'actions') continue;
    const found = actions.elements?.find((e) => e.action_id === actionId);
    if (found) return found;
  }
  return undefined;
}

/** Sends the signed block_actions payload Slack sends when someone clicks a button of `message`. */
export function clickButton(
  message: FakeMessage,
  actionId: string,
  options: ClickOptions & { triggerId?: string; value?: string },
): Promise<Response> {
  const channel = options.channel ?? message.channel;
  const button = buttonOf(message, actionId);
  const payload = {
    type: 'block_actions',
    team: { id: options.teamId, domain: 'faturador' },
    user: { id: options.user, username: 'ops', name: 'ops', team_id: options.teamId },
    api_app_id: 'A0FATURADOR',
    token: 'legacy',
    trigger_id: options.triggerId ?? `${Date.now()}.1.abc`,
    container: { type: 'message', message_ts: message.ts, channel_id: channel },
    channel: { id: channel, name: 'faturacao' },
    message: {
      type: 'message',
      ts: message.ts,
      thread_ts: message.thread_ts,
      text: message.text,
      blocks: message.blocks,
    },
    response_url: options.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: 'b1',
        value: options.value ?? button?.value,
        text: { type: 'plain_text', text: button?.text?.text ?? actionId },
        action_ts: `${Date.now() / 1000}`,
      },
    ],
    state: { values: {} },
  };
  return sendSigned(options.url, interactionBody(payload), { signingSecret: options.signingSecret });
}

/** Sends the signed block_actions payload Slack sends when someone clicks the retry button. */
export function clickRetry(message: FakeMessage, options: ClickOptions): Promise<Response> {
  return clickButton(message, 'fatura_retry', options);
}
