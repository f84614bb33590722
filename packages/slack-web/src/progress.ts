import { DeliveryError, deliveryRefused, retryingText } from '@faturador/core';
import type { LedgerEntry } from '@faturador/store';
import type { Redis } from 'ioredis';
import { mrkdwn, type SlackMessage } from './blocks.ts';
import { type DeliverToSlackOptions, workspaceOf } from './deliver.ts';
import { escapeMrkdwn } from './messages.ts';
import { callSlack, SlackCallError, type SlackCallOptions } from './web-api.ts';

/** Where the ts of a request's interim thread message is kept, until the result replaces it. */
export function interimKey(prefix: string, requestId: string): string {
  return `${prefix}:slack-interim:${requestId}`;
}

const INTERIM_TTL_SECONDS = 7 * 24 * 3600;

/** The interim line of a request being retried, or null when there is nothing to say yet. */
export function interimMessage(entry: LedgerEntry, locale: 'pt' | 'en'): SlackMessage | null {
  const attempts = entry.attempts ?? 0;
  if (attempts === 0 || !entry.lastError) return null;
  const next = attempts + 1;
  const text = retryingText(entry.lastError.code, next, Math.max(entry.maxAttempts ?? next, next), locale);
  return { text, blocks: [{ type: 'section', text: mrkdwn(escapeMrkdwn(text)) }] };
}

export async function readInterimTs(redis: Redis, prefix: string, requestId: string): Promise<string | null> {
  return (await redis.get(interimKey(prefix, requestId))) || null;
}

/**
 * While a request retries, one message in its thread says so ("⏳ o Moloni não responde, nova
 * tentativa (3/8)"), posted once and then edited in place at each retry; the result's own
 * delivery later turns that same message into the result. Needs Redis (the message's ts).
 * A request that is already final is left to its result's delivery.
 */
export async function deliverSlackProgress(
  entry: LedgerEntry,
  options: DeliverToSlackOptions & { redis: Redis },
): Promise<void> {
  const origin = entry.origin;
  if (origin.kind !== 'slack' || entry.state === 'issued' || entry.state === 'failed') return;
  const message = interimMessage(entry, origin.locale ?? options.locale ?? 'pt');
  if (!message) return;
  const call: SlackCallOptions = {
    token: options.token,
    apiUrl: options.apiUrl,
    dispatcher: options.dispatcher,
  };
  const botTeam = await workspaceOf(call);
  if (!origin.team_id || origin.team_id !== botTeam) {
    throw deliveryRefused(
      `Request ${entry.requestId} names Slack workspace ${origin.team_id ?? '(none)'}, not the bot's.`,
    );
  }
  const prefix = options.prefix ?? 'faturador';
  const key = interimKey(prefix, entry.requestId);
  try {
    const ts = await readInterimTs(options.redis, prefix, entry.requestId);
    if (ts) {
      try {
        await callSlack('chat.update', { channel: origin.channel, ts, ...message }, call);
        return;
      } catch (error) {
        // Someone deleted it: a new one is posted below.
        if (!(error instanceof SlackCallError && error.error === 'message_not_found')) throw error;
      }
    }
    const posted = await callSlack(
      'chat.postMessage',
      { channel: origin.channel, thread_ts: origin.message_ts, unfurl_links: false, ...message },
      call,
    );
    await options.redis.set(key, String(posted.ts ?? ''), 'EX', INTERIM_TTL_SECONDS);
  } catch (error) {
    if (error instanceof SlackCallError) throw error.toDeliveryError();
    throw new DeliveryError(`Slack progress of ${entry.requestId} failed.`, {
      retryable: true,
      cause: error,
    });
  }
}
