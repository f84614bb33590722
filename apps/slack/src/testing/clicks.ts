import type { FakeMessage } from '@faturador/slack-sandbox';
import { interactionBody, sendSigned } from '../slack-requests.ts';

export function retryButton(message: FakeMessage): { action_id: string; value?: string } | undefined {
  const actions = message.blocks?.find((b) => (b as { type: string }).type === 'actions') as
    | { elements: Array<{ action_id: string; value?: string }> }
    | undefined;
  return actions?.elements.find((e) => e.action_id === 'fatura_retry');
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

/** Sends the signed block_actions payload Slack sends when someone clicks the retry button. */
export function clickRetry(message: FakeMessage, options: ClickOptions): Promise<Response> {
  const channel = options.channel ?? message.channel;
  const payload = {
    type: 'block_actions',
    team: { id: options.teamId, domain: 'faturador' },
    user: { id: options.user, username: 'ops', name: 'ops', team_id: options.teamId },
    api_app_id: 'A0FATURADOR',
    token: 'legacy',
    trigger_id: `${Date.now()}.1.abc`,
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
        action_id: 'fatura_retry',
        block_id: 'b1',
        value: retryButton(message)?.value,
        text: { type: 'plain_text', text: 'Tentar novamente' },
        action_ts: `${Date.now() / 1000}`,
      },
    ],
    state: { values: {} },
  };
  return sendSigned(options.url, interactionBody(payload), { signingSecret: options.signingSecret });
}
