import type { FakeMessage } from '@faturador/slack-sandbox';
import { buttonClickPayload, interactionBody, sendSigned } from '../slack-requests.ts';

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
  const button = buttonOf(message, actionId);
  const payload = buttonClickPayload({
    team: options.teamId,
    user: options.user,
    channel: options.channel ?? message.channel,
    actionId,
    value: options.value ?? button?.value,
    label: button?.text?.text ?? actionId,
    responseUrl: options.responseUrl,
    ...(options.triggerId ? { triggerId: options.triggerId } : {}),
    message,
  });
  return sendSigned(options.url, interactionBody(payload), { signingSecret: options.signingSecret });
}

/** A slash command's private answer, as the bot acked it (`response_type: ephemeral`). */
export interface EphemeralAnswer {
  response_type?: string;
  text?: string;
  blocks?: unknown[];
}

/** A click on a button of an ephemeral answer: Slack sends no message with it, only the container. */
export function clickEphemeral(
  answer: EphemeralAnswer,
  actionId: string,
  options: ClickOptions & { channel: string; value?: string },
): Promise<Response> {
  const button = buttonOf({ blocks: answer.blocks ?? [] }, actionId);
  const payload = buttonClickPayload({
    team: options.teamId,
    user: options.user,
    channel: options.channel,
    actionId,
    value: options.value ?? button?.value,
    label: button?.text?.text ?? actionId,
    responseUrl: options.responseUrl,
    message: { ephemeral: true },
  });
  return sendSigned(options.url, interactionBody(payload), { signingSecret: options.signingSecret });
}

/** Sends the signed block_actions payload Slack sends when someone clicks the retry button. */
export function clickRetry(message: FakeMessage, options: ClickOptions): Promise<Response> {
  return clickButton(message, 'fatura_retry', options);
}
