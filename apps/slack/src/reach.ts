import type { webApi } from '@slack/bolt';
import { slackErrorCode } from './slack-errors.ts';

type WebClient = webApi.WebClient;

/**
 * Why the bot cannot write where `/fatura` was used: a private channel it is not in, a direct
 * message between people (no bot can join one), or a public channel it is not in without
 * `chat:write.public`.
 */
export type Unreachable = 'private' | 'dm' | 'not_member';

export type Reach =
  /** Post in the channel (or, when Slack would not say, try it). */
  | { kind: 'channel' }
  /** Post in the requester's own conversation with the bot instead. */
  | { kind: 'dm'; channel: string; reason: Unreachable }
  /** Nowhere: the requester must be told before anything is issued. */
  | { kind: 'none'; reason: Unreachable; error: string };

/** What the bot must answer within Slack's 3 s: each look-up gets at most this. */
const LOOKUP_MS = 1_200;

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'timeout' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Errors of chat.postMessage that mean "not here", whatever else is fine. */
export const CANNOT_WRITE_HERE = new Set(['channel_not_found', 'not_in_channel']);

/** The reason behind a refused write, from the channel's id: `D…` is a direct message. */
export function unreachableReason(channel: string, error: string): Unreachable {
  if (channel.startsWith('D')) return 'dm';
  return error === 'not_in_channel' ? 'not_member' : 'private';
}

/** The requester's conversation with the bot (needs `im:write`); null when Slack refuses it. */
export async function openDm(
  client: WebClient,
  userId: string,
): Promise<{ channel: string } | { error: string }> {
  try {
    const opened = await within(client.conversations.open({ users: userId }), LOOKUP_MS);
    const channel = opened.channel?.id;
    return channel ? { channel } : { error: 'channel_not_found' };
  } catch (error) {
    return { error: slackErrorCode(error) };
  }
}

async function fallBack(client: WebClient, userId: string, reason: Unreachable): Promise<Reach> {
  const dm = await openDm(client, userId);
  return 'channel' in dm
    ? { kind: 'dm', channel: dm.channel, reason }
    : { kind: 'none', reason, error: dm.error };
}

/**
 * Where the result of a request made in `channel` can go, asked before a form closes: Slack's
 * `conversations.info` shows a private channel or a DM the bot is not in as `channel_not_found`,
 * and a public one as `is_member: false`. When Slack does not say (a missing read scope, a slow
 * answer), the channel is tried and the issuer falls back on a refused post.
 */
export async function reachFor(client: WebClient, channel: string, userId: string): Promise<Reach> {
  try {
    const info = await within(client.conversations.info({ channel }), LOOKUP_MS);
    const conversation = info.channel;
    if (!conversation || conversation.is_im || conversation.is_member !== false) return { kind: 'channel' };
    if (conversation.is_private) return fallBack(client, userId, 'private');
    // A public channel the bot is not in: chat:write.public lets it post there anyway.
    const scopes = info.response_metadata?.scopes;
    if (!scopes || scopes.includes('chat:write.public')) return { kind: 'channel' };
    return fallBack(client, userId, 'not_member');
  } catch (error) {
    const code = slackErrorCode(error);
    if (code !== 'channel_not_found') return { kind: 'channel' };
    return fallBack(client, userId, unreachableReason(channel, code));
  }
}
