import { createHash } from 'node:crypto';
import { explainError, lisbonDate, type ValidationIssue } from '@faturador/core';
import {
  type ActionOptions,
  type ApiResult,
  BillingApiError,
  type BillingClient,
  type InvoiceStatusBody,
} from '@faturador/sdk';
import {
  CREDIT_ACTION_ID,
  decodeDocumentActionValue,
  EMAIL_ACTION_ID,
  FINALIZE_ACTION_ID,
  type Locale,
  RECEIPT_ACTION_ID,
} from '@faturador/slack-web';
import type { App, BlockButtonAction, ViewOutput, webApi } from '@slack/bolt';
import { mayIssue } from './access.ts';
import type { SeenStore } from './dedupe.ts';
import {
  DOCUMENT_CALLBACK_IDS,
  type DocumentActionKind,
  documentErrors,
  documentModal,
  readCredit,
  readDocumentMetadata,
  readEmail,
  readReceipt,
} from './document-modals.ts';
import { documentTexts } from './document-texts.ts';
import type { SlackAppConfig } from './env.ts';
import type { Logger } from './logger.ts';
import { issuesText } from './reasons.ts';
import { slackErrorCode } from './slack-errors.ts';
import { botTexts } from './texts.ts';
import type { BillingFor } from './workspaces.ts';

type WebClient = webApi.WebClient;

export interface DocumentActionDeps {
  /** The API client of the clicker's workspace (null: none is bound to it). */
  billingFor: BillingFor;
  logger: Logger;
  seen: SeenStore;
  config: Pick<SlackAppConfig, 'allowedChannels' | 'allowedUsers' | 'locale'>;
}

/** How long a submission waits for the API before the form closes: Slack gives 3 s in all. */
const ANSWER_BUDGET_MS = 2_000;
/** How long a click waits for GET before the form opens unfilled: the trigger_id lasts 3 s. */
const LOOKUP_BUDGET_MS = 1_500;

const BUTTONS: Record<DocumentActionKind, string> = {
  finalize: FINALIZE_ACTION_ID,
  credit: CREDIT_ACTION_ID,
  receipt: RECEIPT_ACTION_ID,
  email: EMAIL_ACTION_ID,
};
const KINDS = Object.keys(BUTTONS) as DocumentActionKind[];

/** A call's answer, or why there was none; never rejects, so it can be raced against a timer. */
type Outcome<T> = { result: ApiResult<T> } | { error: unknown };

function settle<T>(call: Promise<ApiResult<T>>): Promise<Outcome<T>> {
  return call.then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
}

/** The promise's value if it settles within `ms`, else null (the promise goes on). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function problemCode(outcome: Outcome<unknown>): string | null {
  if ('error' in outcome) {
    return outcome.error instanceof BillingApiError && outcome.error.kind === 'timeout'
      ? 'API_TIMEOUT'
      : 'API_UNREACHABLE';
  }
  return outcome.result.ok ? null : outcome.result.body.error.code;
}

function issuesOf(outcome: Outcome<unknown> | null): ValidationIssue[] | null {
  if (!outcome || 'error' in outcome || outcome.result.ok) return null;
  const { error } = outcome.result.body;
  if (error.code !== 'VALIDATION_ERROR') return null;
  return Array.isArray(error.details?.issues) ? (error.details.issues as ValidationIssue[]) : [];
}

/** What the clicker reads about a refusal: core's words for its code, never the API's English. */
function refusalText(outcome: Outcome<unknown>, locale: Locale): string {
  const issues = issuesOf(outcome);
  if (issues && issues.length > 0) return `❌ ${issuesText(issues, locale)}`;
  const problem = explainError(problemCode(outcome) ?? 'INTERNAL_ERROR', locale);
  return `❌ ${problem.title}\n*${documentTexts(locale).whatToDo}:* ${problem.action}`;
}

const digest = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

/** How many refused submissions are remembered (oldest forgotten first). */
const MAX_REFUSED = 1_000;

/**
 * The buttons under an issued document and their forms. A click names a request id and nothing
 * else; the form remembers where it was clicked, so the clicker alone is told what happens. The
 * outcome itself reaches the request's thread from the worker, never from here.
 */
export function registerDocumentActions(app: App, deps: DocumentActionDeps): void {
  const { billingFor, logger, config } = deps;
  const locale = config.locale;
  const t = documentTexts(locale);
  // Submissions the API refused field by field, so that the same values again show the same.
  const refused = new Map<string, Record<string, string>>();

  function teller(client: WebClient, where: { channel: string; threadTs: string; user: string }) {
    return async (text: string): Promise<void> => {
      await client.chat
        .postEphemeral({ channel: where.channel, user: where.user, thread_ts: where.threadTs, text })
        .then(
          () => undefined,
          (error: unknown) =>
            logger.warn({ slackError: slackErrorCode(error) }, 'could not tell the clicker'),
        );
    };
  }

  /** What GET tells of the request to prefill the form; null when it does not answer in time. */
  async function lookup(
    billing: BillingClient,
    requestId: string,
  ): Promise<Outcome<InvoiceStatusBody> | null> {
    return within(settle(billing.getInvoice(requestId)), LOOKUP_BUDGET_MS);
  }

  type Send = (requestId: string, options: ActionOptions) => Promise<ApiResult<unknown>>;
  type Prepared = { ok: true; body: unknown; send: Send } | { ok: false; errors: Record<string, string> };

  /** The form's values as the call to make, or the fields to fix. */
  function prepare(
    billing: BillingClient,
    kind: DocumentActionKind,
    values: ViewOutput['state']['values'],
  ): Prepared {
    if (kind === 'credit') {
      const read = readCredit(values, locale);
      return read.ok ? { ...read, send: (id, o) => billing.creditInvoice(id, read.body, o) } : read;
    }
    if (kind === 'receipt') {
      const read = readReceipt(values, locale);
      return read.ok ? { ...read, send: (id, o) => billing.recordPayment(id, read.body, o) } : read;
    }
    if (kind === 'email') {
      const read = readEmail(values, locale);
      return read.ok ? { ...read, send: (id, o) => billing.emailInvoice(id, read.body, o) } : read;
    }
    return { ok: true, body: {}, send: (id, o) => billing.finalizeInvoice(id, o) };
  }

  function rememberRefused(key: string, errors: Record<string, string>): void {
    refused.set(key, errors);
    const oldest = refused.keys().next();
    if (refused.size > MAX_REFUSED && !oldest.done) refused.delete(oldest.value);
  }

  for (const kind of KINDS) {
    app.action<BlockButtonAction>({ action_id: BUTTONS[kind] }, async ({ ack, body, action, client }) => {
      await ack();
      const channel = body.channel?.id;
      const message = body.message;
      // Only the buttons of a message in a conversation are ours: there is nowhere else to answer.
      if (!channel || !message) return;
      // The reply's thread is the request's: where the clicker is told, and the worker answers.
      const threadTs = String(message.thread_ts ?? message.ts);
      const tell = teller(client, { channel, threadTs, user: body.user.id });
      const requestId = decodeDocumentActionValue(action.value ?? '');
      if (!requestId) return tell(t.invalidButton);
      if (!mayIssue(config, { userId: body.user.id, channel })) return tell(t.notAllowed);
      const team = body.team?.id ?? body.user.team_id ?? '';
      const billing = await billingFor(team);
      if (!billing) return tell(botTexts(locale).notBound(team));
      const found = await lookup(billing, requestId);
      // The API does not know the request (or not for this bot): no form to fill in for nothing.
      if (found && problemCode(found) === 'NOT_FOUND') return tell(refusalText(found, locale));
      const status = found && 'result' in found && found.result.ok ? found.result.body : null;
      await client.views
        .open({
          trigger_id: body.trigger_id,
          view: documentModal(kind, { requestId, channel, threadTs }, status, {
            locale,
            today: lisbonDate(Date.now()),
          }),
        })
        .catch(async (error: unknown) => {
          const code = slackErrorCode(error);
          logger.warn({ slackError: code, action: kind }, 'views.open failed');
          await tell(code === 'expired_trigger_id' ? t.expiredTrigger : t.openFailed);
        });
    });

    app.view(DOCUMENT_CALLBACK_IDS[kind], async ({ ack, view, body, client }) => {
      const metadata = readDocumentMetadata(view);
      if (!metadata) return ack();
      const tell = teller(client, { ...metadata, user: body.user.id });
      if (!mayIssue(config, { userId: body.user.id, channel: metadata.channel })) {
        await ack();
        return tell(t.notAllowed);
      }
      const team = body.team?.id ?? view.team_id;
      const billing = await billingFor(team);
      if (!billing) {
        await ack();
        return tell(botTexts(locale).notBound(team));
      }
      const prepared = prepare(billing, kind, view.state.values);
      if (!prepared.ok) return ack({ response_action: 'errors', errors: prepared.errors });
      // One view acts once: a duplicate of this submission is dropped, corrected values go through.
      const seenKey = `doc:${team}:${view.id}:${digest(prepared.body)}`;
      if (!(await deps.seen.first(seenKey))) {
        const errors = refused.get(seenKey);
        return errors ? ack({ response_action: 'errors', errors }) : ack();
      }
      // The clicker is named as who asked: the thread's reply and the backoffice say so.
      const call = settle(
        prepared.send(metadata.requestId, {
          idempotencyKey: `slack-view:${view.id}`,
          actingSlackUser: body.user.id,
        }),
      );
      const early = await within(call, ANSWER_BUDGET_MS);
      const issues = issuesOf(early);
      const errors = issues ? documentErrors(kind, issues, locale) : null;
      if (errors) {
        rememberRefused(seenKey, errors);
        return ack({ response_action: 'errors', errors });
      }
      await ack();
      // The form is closed: from here on only the clicker is told, and only what they must know.
      if (!early) await tell(t[kind].progress);
      const outcome = early ?? (await call);
      logger.info(
        { action: kind, requestId: metadata.requestId, code: problemCode(outcome) },
        'document action answered',
      );
      if (problemCode(outcome)) return tell(refusalText(outcome, locale));
      if (early) await tell(t[kind].progress);
    });
  }
}
