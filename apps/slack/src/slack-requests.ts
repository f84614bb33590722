import { createHmac, randomBytes } from 'node:crypto';

/**
 * Requests as Slack sends them to the bot (reference §3 and §5): a form-urlencoded body, signed
 * with v0 HMAC-SHA256 over `v0:{timestamp}:{raw body}`. Used by the replay script and the tests.
 */

export function slackSignature(signingSecret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

/** A trigger_id shaped like Slack's (`<digits>.<digits>.<hex>`), unique per call. */
export function newTriggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e9)}.${randomBytes(16).toString('hex')}`;
}

export interface SlashCommandInput {
  text: string;
  channel: string;
  user: string;
  team: string;
  responseUrl: string;
  triggerId?: string;
  command?: string;
}

export function slashCommandBody(input: SlashCommandInput): string {
  return new URLSearchParams({
    token: 'legacy-verification-token-unused',
    team_id: input.team,
    team_domain: 'faturador',
    channel_id: input.channel,
    channel_name: 'faturacao',
    user_id: input.user,
    user_name: 'ops',
    command: input.command ?? '/fatura',
    text: input.text,
    api_app_id: 'A0FATURADOR',
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: input.triggerId ?? newTriggerId(),
  }).toString();
}

/** Interactivity payloads (buttons, view submissions) travel as one `payload` form field. */
export function interactionBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface ButtonClickInput {
  team: string;
  user: string;
  channel: string;
  actionId: string;
  value: string | undefined;
  /** The button's label. */
  label: string;
  responseUrl: string;
  triggerId?: string;
  /**
   * The message the button is in. Slack sends it whole for a message in the channel; for an
   * ephemeral one (a slash command's private answer) the container only says so, with no message.
   */
  message: { ts: string; thread_ts?: string; text: string; blocks?: unknown[] } | { ephemeral: true };
}

/** The block_actions payload of a button click, as Slack sends it. */
export function buttonClickPayload(input: ButtonClickInput): Record<string, unknown> {
  const { message } = input;
  const ephemeral = 'ephemeral' in message;
  const messageTs = ephemeral ? `${(Date.now() / 1000).toFixed(6)}` : message.ts;
  return {
    type: 'block_actions',
    team: { id: input.team, domain: 'faturador' },
    user: { id: input.user, username: 'ops', name: 'ops', team_id: input.team },
    api_app_id: 'A0FATURADOR',
    token: 'legacy',
    trigger_id: input.triggerId ?? `${Date.now()}.1.abc`,
    container: {
      type: 'message',
      message_ts: messageTs,
      channel_id: input.channel,
      ...(ephemeral ? { is_ephemeral: true } : {}),
    },
    channel: { id: input.channel, name: 'faturacao' },
    ...(ephemeral
      ? {}
      : {
          message: {
            type: 'message',
            ts: message.ts,
            thread_ts: message.thread_ts,
            text: message.text,
            blocks: message.blocks,
          },
        }),
    response_url: input.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: input.actionId,
        block_id: 'b1',
        value: input.value,
        text: { type: 'plain_text', text: input.label },
        action_ts: `${Date.now() / 1000}`,
      },
    ],
    state: { values: {} },
  };
}

export interface SendOptions {
  signingSecret: string;
  /** Unix seconds; now by default. A stale one (> 5 min) must be refused by the bot. */
  timestamp?: number;
  headers?: Record<string, string>;
  signature?: string;
}

/** POSTs a signed form body, with the content type Bolt compares exactly (no `; charset`). */
export async function sendSigned(url: string, rawBody: string, options: SendOptions): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? slackSignature(options.signingSecret, timestamp, rawBody),
      ...options.headers,
    },
    body: rawBody,
  });
}
