import { createHash } from 'node:crypto';
import { DeliveryError, deliveryRefused, type SlackOrigin } from '@faturador/core';
import type { LedgerEntry } from '@faturador/store';
import type { Redis } from 'ioredis';
import type { Dispatcher } from 'undici';
import type { SlackMessage } from './blocks.ts';
import { canonicalInvoiceBody } from './canonical.ts';
import type { Locale } from './i18n.ts';
import { failedParent, failedReply, type IssuedInput, issuedParent, issuedReply } from './messages.ts';
import { interimKey, readInterimTs } from './progress.ts';
import { callSlack, SlackCallError, type SlackCallOptions } from './web-api.ts';

export interface DeliverToSlackOptions {
  /** Bot token (`xoxb-…`). Never logged, never put in an error. */
  token: string;
  /** Default `https://slack.com/api/`; the fake Slack server's `apiUrl` in tests. */
  apiUrl?: string;
  /** Used when the request's origin names no locale. Default `pt`. */
  locale?: Locale;
  /**
   * With Redis, the thread reply's ts is recorded before the parent is updated, so that a retry
   * after a failed update (a rate limit, a crash) does not post the reply a second time.
   */
  redis?: Redis;
  prefix?: string;
  /** A link to use instead of `document.pdf_url` (e.g. a freshly signed one); null hides the button. */
  pdfUrl?: string | null;
  dispatcher?: Dispatcher;
}

/** Codes for which re-sending the same request cannot give another answer: no retry button. */
const NOT_RETRYABLE_BY_BUTTON = new Set([
  'VALIDATION_ERROR',
  'IDEMPOTENCY_CONFLICT',
  'REFERENCE_ALREADY_ISSUED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'TOTAL_MISMATCH',
  'TOTAL_UNREACHABLE',
]);

export function offersRetry(code: string): boolean {
  return !NOT_RETRYABLE_BY_BUTTON.has(code);
}

// Slack says the parent is gone or not ours: the result is in the thread already, which is what
// matters, and retrying the update would never succeed.
const PARENT_GONE = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);

export function deliveryProgressKey(prefix: string, requestId: string): string {
  return `${prefix}:slack-delivery:${requestId}`;
}

interface Messages {
  outcome: string;
  reply: SlackMessage;
  parent: SlackMessage;
}

/** What the issued reply and parent show of a request's document. */
export function issuedInputOf(
  entry: LedgerEntry,
  origin: SlackOrigin,
  options: Pick<DeliverToSlackOptions, 'locale' | 'pdfUrl'>,
): IssuedInput | null {
  if (entry.state !== 'issued' || !entry.document) return null;
  return {
    requestId: entry.requestId,
    reference: entry.reference,
    document: entry.document,
    // An existing customer's name as Moloni holds it, rather than the placeholder a NIF alone gave.
    customerName: entry.document.customer_name ?? entry.request.customer.name,
    customerNif: entry.request.customer.finalConsumer ? null : entry.request.customer.vatNumber,
    userId: origin.user_id,
    pdfUrl: options.pdfUrl,
    locale: origin.locale ?? options.locale ?? 'pt',
  };
}

function messagesFor(entry: LedgerEntry, origin: SlackOrigin, options: DeliverToSlackOptions): Messages {
  const locale = origin.locale ?? options.locale ?? 'pt';
  const userId = origin.user_id;
  const input = issuedInputOf(entry, origin, options);
  if (input) {
    return {
      outcome: `issued:${input.document.moloni_document_id}:${input.document.number ?? 'draft'}`,
      reply: issuedReply(input),
      parent: issuedParent(input),
    };
  }
  const error = entry.error ?? { code: 'INTERNAL_ERROR', message: 'The request failed.', details: null };
  const failed = {
    requestId: entry.requestId,
    reference: entry.reference,
    error,
    retry: offersRetry(error.code)
      ? {
          idempotencyKey: entry.idempotencyKey,
          body: canonicalInvoiceBody(entry.request),
          origin,
          requestId: entry.requestId,
        }
      : null,
    userId,
    locale,
  };
  return { outcome: `failed:${error.code}`, reply: failedReply(failed), parent: failedParent(failed) };
}

const workspaces = new Map<string, Promise<string>>();

/**
 * The workspace a bot token belongs to (`auth.test`), asked once per token and API URL; a failed
 * answer is forgotten so that the next delivery asks again.
 */
export async function workspaceOf(call: SlackCallOptions): Promise<string> {
  const cacheKey = createHash('sha256')
    .update(`${call.apiUrl ?? ''}\n${call.token}`)
    .digest('hex');
  let team = workspaces.get(cacheKey);
  if (!team) {
    team = callSlack('auth.test', {}, call).then((answer) => String(answer.team_id ?? ''));
    workspaces.set(cacheKey, team);
  }
  try {
    return await team;
  } catch (error) {
    workspaces.delete(cacheKey);
    if (error instanceof SlackCallError) throw error.toDeliveryError();
    throw new DeliveryError('Slack did not say which workspace the bot token belongs to.', {
      retryable: true,
      cause: error,
    });
  }
}

/**
 * How to call Slack for a request's thread, once the bot token is known to belong to the
 * workspace the request names: a thread of another workspace is not this bot's to reach.
 */
export async function slackCallFor(
  entry: LedgerEntry,
  origin: SlackOrigin,
  options: Pick<DeliverToSlackOptions, 'token' | 'apiUrl' | 'dispatcher'>,
): Promise<SlackCallOptions> {
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
  return call;
}

/**
 * Takes a final result to its Slack thread: the reply (document or error) under the parent
 * message, then the parent edited to ✅/❌. Throws `DeliveryError`: retryable (with
 * `retryAfterMs` when Slack said how long to wait) for rate limits, Slack 5xx and the network;
 * not retryable when Slack refuses for good (`channel_not_found`, `not_in_channel`, `invalid_auth`…).
 */
export async function deliverToSlack(entry: LedgerEntry, options: DeliverToSlackOptions): Promise<void> {
  const origin = entry.origin;
  if (origin.kind !== 'slack') {
    throw new DeliveryError(`Request ${entry.requestId} did not come from Slack.`, { retryable: false });
  }
  if (entry.state !== 'issued' && entry.state !== 'failed') {
    throw new DeliveryError(
      `Request ${entry.requestId} is ${entry.state}, not final: nothing to deliver yet.`,
      {
        retryable: false,
      },
    );
  }
  const call = await slackCallFor(entry, origin, options);
  const messages = messagesFor(entry, origin, options);
  const progress = options.redis ? deliveryProgressKey(options.prefix ?? 'faturador', entry.requestId) : null;

  try {
    let replied = false;
    if (options.redis && progress) {
      const [outcome, replyTs] = await options.redis.hmget(progress, 'outcome', 'reply_ts');
      replied = outcome === messages.outcome && Boolean(replyTs);
    }
    if (!replied) {
      // A "⏳ nova tentativa" line in the thread becomes the result: one message, edited in place.
      const interim = options.redis
        ? await readInterimTs(options.redis, options.prefix ?? 'faturador', entry.requestId)
        : null;
      let replyTs: string | null = null;
      if (interim) {
        try {
          await callSlack('chat.update', { channel: origin.channel, ts: interim, ...messages.reply }, call);
          replyTs = interim;
        } catch (error) {
          if (!(error instanceof SlackCallError && error.error === 'message_not_found')) throw error;
        }
      }
      if (replyTs === null) {
        const posted = await callSlack(
          'chat.postMessage',
          { channel: origin.channel, thread_ts: origin.message_ts, unfurl_links: false, ...messages.reply },
          call,
        );
        replyTs = String(posted.ts ?? '');
      }
      if (options.redis && progress) {
        await options.redis
          .multi()
          .hset(progress, { outcome: messages.outcome, reply_ts: replyTs })
          .expire(progress, 7 * 24 * 3600)
          .del(interimKey(options.prefix ?? 'faturador', entry.requestId))
          .exec();
      }
    }
    try {
      await callSlack(
        'chat.update',
        { channel: origin.channel, ts: origin.message_ts, ...messages.parent },
        call,
      );
    } catch (error) {
      if (!(error instanceof SlackCallError && PARENT_GONE.has(error.error))) throw error;
    }
    // Done: a later delivery of this request (a retried request that failed again, or that now
    // succeeded) must post again, so progress is forgotten rather than kept.
    if (options.redis && progress) await options.redis.del(progress);
  } catch (error) {
    if (error instanceof SlackCallError) throw error.toDeliveryError();
    if (error instanceof DeliveryError) throw error;
    throw new DeliveryError(`Delivery of ${entry.requestId} to Slack failed.`, {
      retryable: true,
      cause: error,
    });
  }
}
