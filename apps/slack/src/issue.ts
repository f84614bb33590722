import { type InvoiceRequestBody, parseInvoiceRequest, type SlackOrigin, toCents } from '@faturador/core';
import { type BillingClient, type BillingResult, isAccepted } from '@faturador/sdk';
import {
  canonicalInvoiceBody,
  failedParent,
  failedReply,
  issuedParent,
  issuedReply,
  type Locale,
  mention,
  offersRetry,
  pendingParent,
  type RetryPayload,
  retryingParent,
  type SlackMessage,
} from '@faturador/slack-web';
import type { types, webApi } from '@slack/bolt';
import type { Logger } from './logger.ts';
import type { DraftInvoice } from './quick.ts';
import { CANNOT_WRITE_HERE, openDm, type Unreachable, unreachableReason } from './reach.ts';
import { slackErrorCode } from './slack-errors.ts';
import { botTexts } from './texts.ts';
import type { BillingFor } from './workspaces.ts';

type WebClient = webApi.WebClient;

export interface IssuerDeps {
  /** The API client of the request's workspace: one for every workspace in single-token mode. */
  billingFor: BillingFor;
  logger: Logger;
  locale: Locale;
}

export interface IssueInput {
  channel: string;
  userId: string;
  teamId: string;
  /** Derived from the Slack interaction, so the same interaction can never issue twice. */
  idempotencyKey: string;
  draft: DraftInvoice;
  /** The bot cannot write in `channel` (known before a form closed): the thread goes here instead. */
  dm?: { channel: string; reason: Unreachable };
  /** Tells the requester something only they should see (ephemeral). */
  notify: (text: string) => Promise<void>;
}

export interface RetryInput {
  payload: RetryPayload;
  clickerId: string;
  /** The error reply whose button was clicked: its button is taken away. */
  reply: { ts: string; text: string; blocks: unknown[] } | null;
  notify: (text: string) => Promise<void>;
}

function totalCentsOf(draft: DraftInvoice): number {
  return (draft.items ?? []).reduce(
    (sum, item) => sum + Math.round(toCents(item.gross_price) * (item.quantity ?? 1)),
    0,
  );
}

const MAX_REMEMBERED = 1_000;

/**
 * The issuing flow of the bot: post the parent message, send the request with the thread as its
 * origin, and show in the thread what the API answered synchronously. Results of accepted
 * requests arrive through the worker's delivery (deliverToSlack), not from here.
 */
export function createIssuer(deps: IssuerDeps) {
  // Bodies too large for a retry button are kept here, so that the button can still re-send them.
  const sent = new Map<string, InvoiceRequestBody>();
  const inFlight = new Set<string>();

  function remember(key: string, body: InvoiceRequestBody): void {
    sent.delete(key);
    sent.set(key, body);
    const oldest = sent.keys().next();
    if (sent.size > MAX_REMEMBERED && !oldest.done) sent.delete(oldest.value);
  }

  async function post(
    client: WebClient,
    origin: SlackOrigin,
    reply: SlackMessage,
    parent: SlackMessage,
  ): Promise<void> {
    try {
      await client.chat.postMessage({
        channel: origin.channel,
        thread_ts: origin.message_ts,
        unfurl_links: false,
        ...reply,
      });
    } catch (error) {
      deps.logger.error(
        { channel: origin.channel, slackError: slackErrorCode(error) },
        'could not post the thread reply',
      );
    }
    try {
      await client.chat.update({ channel: origin.channel, ts: origin.message_ts, ...parent });
    } catch (error) {
      deps.logger.error(
        { channel: origin.channel, slackError: slackErrorCode(error) },
        'could not update the parent',
      );
    }
  }

  /** Shows what the API said when it said more than "accepted". */
  async function show(
    client: WebClient,
    request: { body: InvoiceRequestBody; origin: SlackOrigin; idempotencyKey: string },
    outcome: { result: BillingResult } | { unreachable: string },
  ): Promise<void> {
    const { origin } = request;
    const locale = origin.locale ?? deps.locale;
    const retry: RetryPayload = {
      idempotencyKey: request.idempotencyKey,
      body: request.body,
      origin,
      requestId: null,
    };
    if ('unreachable' in outcome) {
      const input = {
        requestId: null,
        reference: request.body.reference,
        error: { code: 'SERVICE_UNAVAILABLE', message: outcome.unreachable },
        retry,
        userId: origin.user_id,
        unreachable: true,
        locale,
      };
      await post(client, origin, failedReply(input), failedParent(input));
      return;
    }
    const { result } = outcome;
    if (result.ok && isAccepted(result.body)) return;
    if (result.ok && !isAccepted(result.body)) {
      const customer = request.body.customer;
      const input = {
        requestId: result.body.request_id,
        reference: result.body.reference,
        document: result.body.document,
        customerName: customer.name,
        customerNif: customer.vat_number ?? null,
        userId: origin.user_id,
        locale,
      };
      await post(client, origin, issuedReply(input), issuedParent(input));
      return;
    }
    if (!result.ok) {
      const { error, request_id } = result.body;
      const input = {
        requestId: request_id || null,
        reference: request.body.reference,
        error,
        retry: offersRetry(error.code) ? { ...retry, requestId: request_id || null } : null,
        userId: origin.user_id,
        locale,
      };
      await post(client, origin, failedReply(input), failedParent(input));
    }
  }

  async function send(
    client: WebClient,
    billing: BillingClient,
    request: { body: InvoiceRequestBody; origin: SlackOrigin; idempotencyKey: string },
  ): Promise<void> {
    let result: BillingResult;
    try {
      result = await billing.issueInvoice(request.body, {
        idempotencyKey: request.idempotencyKey,
        async: true,
        origin: request.origin,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : 'The billing API could not be reached.';
      deps.logger.warn({ idempotencyKey: request.idempotencyKey, err: message }, 'billing API unreachable');
      await show(client, request, { unreachable: message });
      return;
    }
    deps.logger.info(
      { idempotencyKey: request.idempotencyKey, status: result.status, requestId: result.requestId },
      'billing API answered',
    );
    await show(client, request, { result });
  }

  return {
    async start(client: WebClient, input: IssueInput): Promise<void> {
      const locale = deps.locale;
      const t = botTexts(locale);
      // Before the parent message: a workspace no client issues for gets nothing posted.
      const billing = await deps.billingFor(input.teamId);
      if (!billing) return input.notify(t.notBound(input.teamId));
      const parentMessage = pendingParent({
        userId: input.userId,
        totalCents: totalCentsOf(input.draft),
        customerName: input.draft.customer.name,
        locale,
      });
      const postParent = async (channel: string) =>
        String((await client.chat.postMessage({ channel, ...parentMessage })).ts ?? '');
      /** The requester's conversation with the bot, told first why the invoice is there. */
      const postInDm = async (channel: string, reason: Unreachable) => {
        await client.chat.postMessage({ channel, text: t.movedToDm(reason) });
        return postParent(channel);
      };
      let channel = input.dm?.channel ?? input.channel;
      let parentTs: string;
      try {
        parentTs = input.dm ? await postInDm(input.dm.channel, input.dm.reason) : await postParent(channel);
      } catch (error) {
        // Nothing was sent to the API: without a parent there is no thread to answer in.
        const code = slackErrorCode(error);
        const reason = unreachableReason(input.channel, code);
        if (input.dm || !CANNOT_WRITE_HERE.has(code)) {
          await input.notify(t.cannotPost(reason, code));
          return;
        }
        const dm = await openDm(client, input.userId);
        if ('error' in dm) {
          deps.logger.warn({ slackError: code, dmError: dm.error }, 'cannot post in the channel nor in a DM');
          await input.notify(t.cannotPost(reason, code));
          return;
        }
        try {
          channel = dm.channel;
          parentTs = await postInDm(dm.channel, reason);
        } catch (dmError) {
          await input.notify(t.cannotPost(reason, slackErrorCode(dmError)));
          return;
        }
        await input.notify(t.resultInDm);
      }
      const origin: SlackOrigin = {
        kind: 'slack',
        channel,
        message_ts: parentTs,
        user_id: input.userId,
        team_id: input.teamId,
        locale,
      };
      const parsed = parseInvoiceRequest({ ...input.draft, reference: `SLACK-${channel}-${parentTs}` });
      if (!parsed.ok) {
        const failure = {
          requestId: null,
          error: parsed.error.toJSON(),
          retry: null,
          userId: input.userId,
          locale,
        };
        await post(client, origin, failedReply(failure), failedParent(failure));
        return;
      }
      const body = canonicalInvoiceBody(parsed.value);
      remember(input.idempotencyKey, body);
      await send(client, billing, { body, origin, idempotencyKey: input.idempotencyKey });
    },

    /** Re-sends the same Idempotency-Key, body and origin: the API answers, it never issues twice. */
    async retry(client: WebClient, input: RetryInput): Promise<void> {
      const { payload } = input;
      const locale = payload.origin.locale ?? deps.locale;
      const t = botTexts(locale);
      const body = payload.body ?? sent.get(payload.idempotencyKey) ?? null;
      if (!body) {
        await input.notify(t.retryInvalid);
        return;
      }
      const teamId = payload.origin.team_id ?? '';
      const billing = await deps.billingFor(teamId);
      if (!billing) return input.notify(t.notBound(teamId));
      if (inFlight.has(payload.idempotencyKey)) {
        await input.notify(t.retryInFlight);
        return;
      }
      inFlight.add(payload.idempotencyKey);
      try {
        if (input.reply) {
          const blocks: Array<types.KnownBlock | types.Block> = (input.reply.blocks as types.Block[]).filter(
            (block) => block.type !== 'actions',
          );
          blocks.push({
            type: 'context',
            elements: [{ type: 'mrkdwn', text: t.retriedBy(mention(input.clickerId)) }],
          });
          await client.chat
            .update({ channel: payload.origin.channel, ts: input.reply.ts, text: input.reply.text, blocks })
            .catch((error: unknown) =>
              deps.logger.warn({ slackError: slackErrorCode(error) }, 'could not update the reply'),
            );
        }
        await client.chat
          .update({
            channel: payload.origin.channel,
            ts: payload.origin.message_ts,
            ...retryingParent(payload.origin.user_id, locale),
          })
          .catch((error: unknown) =>
            deps.logger.warn({ slackError: slackErrorCode(error) }, 'could not update the parent'),
          );
        await send(client, billing, { body, origin: payload.origin, idempotencyKey: payload.idempotencyKey });
      } finally {
        inFlight.delete(payload.idempotencyKey);
      }
    },
  };
}

export type Issuer = ReturnType<typeof createIssuer>;
