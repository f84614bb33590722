// The outcome of an action after issuing, told in the request's own thread: a reply per action
// (once, however often the delivery runs) and the parent message edited to what the document is
// now ("↩️ anulada por NC M/1", "💶 paga"). Whoever asked (API, backoffice, the thread's buttons),
// the thread is where the request came from, so it is where its story is told.
import { DeliveryError, explainError, type RelatedFields, type SlackOrigin } from '@faturador/core';
import type { LedgerEntry, LifecycleAction } from '@faturador/store';
import type { Redis } from 'ioredis';
import type { Dispatcher } from 'undici';
import { type MessageBlock, mrkdwn, plain, type SlackMessage } from './blocks.ts';
import { issuedInputOf, slackCallFor } from './deliver.ts';
import { formatMoney, type Locale } from './i18n.ts';
import { escapeMrkdwn, issuedParent, issuedReply, mention, PDF_ACTION_ID } from './messages.ts';
import { callSlack, SlackCallError } from './web-api.ts';

export interface DeliverActionToSlackOptions {
  /** Bot token (`xoxb-…`). Never logged, never put in an error. */
  token: string;
  apiUrl?: string;
  locale?: Locale;
  /** Where each action's reply ts is kept, so that a retried delivery never posts it twice. */
  redis: Redis;
  prefix: string;
  /** A signed link to the PDF of one of the request's documents (the original, a credit note…). */
  pdfUrl: (documentId: number) => string | null;
  dispatcher?: Dispatcher;
}

const TEXTS = {
  pt: {
    credited: (number: string, amount: string) => `↩️ *Nota de crédito emitida:* ${number} · ${amount}`,
    paid: (number: string, amount: string) => `💶 *Pagamento registado:* ${number} · ${amount}`,
    open: (amount: string) => `Em aberto: ${amount}`,
    emailed: (to: string) => `📧 *PDF enviado por e-mail* para ${to}`,
    deleted: '🗑️ *Rascunho apagado* no Moloni.',
    failed: (what: string) => `⚠️ *${what}: não foi feito.*`,
    asked: (who: string) => `Pedido por ${who}`,
    openPdf: 'Abrir o PDF',
    kinds: {
      finalize: 'Finalizar o rascunho',
      delete: 'Apagar o rascunho',
      credit_note: 'Anular',
      receipt: 'Registar pagamento',
      email: 'Enviar por e-mail',
    },
    parentCredited: (number: string) => `↩️ anulada por ${number}`,
    parentPartlyCredited: (number: string) => `↩️ anulada em parte por ${number}`,
    parentPaid: '💶 paga',
    parentOpen: (amount: string) => `💶 em aberto ${amount}`,
    parentDeleted: '🗑️ rascunho apagado',
    backoffice: (email: string) => `backoffice (${email})`,
    api: 'API',
  },
  en: {
    credited: (number: string, amount: string) => `↩️ *Credit note issued:* ${number} · ${amount}`,
    paid: (number: string, amount: string) => `💶 *Payment recorded:* ${number} · ${amount}`,
    open: (amount: string) => `Still open: ${amount}`,
    emailed: (to: string) => `📧 *PDF e-mailed* to ${to}`,
    deleted: '🗑️ *Draft deleted* in Moloni.',
    failed: (what: string) => `⚠️ *${what}: not done.*`,
    asked: (who: string) => `Asked by ${who}`,
    openPdf: 'Open the PDF',
    kinds: {
      finalize: 'Finalize the draft',
      delete: 'Delete the draft',
      credit_note: 'Cancel',
      receipt: 'Record a payment',
      email: 'E-mail',
    },
    parentCredited: (number: string) => `↩️ cancelled by ${number}`,
    parentPartlyCredited: (number: string) => `↩️ partly cancelled by ${number}`,
    parentPaid: '💶 paid',
    parentOpen: (amount: string) => `💶 open ${amount}`,
    parentDeleted: '🗑️ draft deleted',
    backoffice: (email: string) => `the backoffice (${email})`,
    api: 'the API',
  },
} as const;

/** Who asked for an action, as a person reads it: a Slack mention, the backoffice's user, the API. */
function whoAsked(by: string | undefined, t: (typeof TEXTS)[Locale]): string {
  if (by?.startsWith('slack:')) return mention(by.slice('slack:'.length));
  if (by?.startsWith('admin:')) return escapeMrkdwn(t.backoffice(by.slice('admin:'.length)));
  return t.api;
}

const money = (cents: number, locale: Locale) => formatMoney(cents, locale);

function done(actions: readonly LifecycleAction[], kind: LifecycleAction['kind']): LifecycleAction[] {
  return actions.filter((action) => action.kind === kind && action.state === 'done');
}

/** What the request's actions made of its document: every action, and what they add up to. */
export interface ActionHistory {
  actions: readonly LifecycleAction[];
  related: Pick<RelatedFields, 'open_amount'>;
}

const cents = (euros: number) => Math.round(euros * 100);

/** The reply of one action: what was made, with its PDF, and who asked. */
export function actionReply(
  entry: LedgerEntry,
  action: LifecycleAction,
  history: ActionHistory,
  options: Pick<DeliverActionToSlackOptions, 'pdfUrl'> & { locale: Locale; origin: SlackOrigin },
): SlackMessage {
  const { locale } = options;
  const t = TEXTS[locale];
  if (action.state === 'done' && action.kind === 'finalize') {
    const input = issuedInputOf(entry, options.origin, {
      locale,
      pdfUrl: entry.document ? options.pdfUrl(entry.document.moloni_document_id) : null,
    });
    if (input) return issuedReply(input);
  }
  let headline: string;
  const lines: string[] = [];
  if (action.state === 'failed') {
    const explained = explainError(action.error?.code ?? 'INTERNAL_ERROR', locale);
    headline = t.failed(t.kinds[action.kind]);
    lines.push(`${explained.title} ${explained.action}`, `\`${escapeMrkdwn(action.error?.code ?? '')}\``);
  } else if (action.kind === 'credit_note' || action.kind === 'receipt') {
    const number = escapeMrkdwn(action.document?.number ?? action.reference ?? '—');
    const amount = money(action.document?.totalCents ?? 0, locale);
    headline = action.kind === 'credit_note' ? t.credited(number, amount) : t.paid(number, amount);
    const open = history.related.open_amount;
    if (action.kind === 'receipt' && open !== null) lines.push(t.open(money(cents(open), locale)));
  } else if (action.kind === 'email') {
    const to = typeof action.outcome?.to === 'string' ? action.outcome.to : String(action.input.to ?? '');
    headline = t.emailed(escapeMrkdwn(to));
  } else {
    headline = t.deleted;
  }
  const blocks: MessageBlock[] = [{ type: 'section', text: mrkdwn([headline, ...lines].join('\n')) }];
  const documentId = action.state === 'done' ? action.document?.moloniDocumentId : undefined;
  const pdf = documentId ? options.pdfUrl(documentId) : null;
  if (pdf) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: plain(`📄 ${t.openPdf}`), action_id: PDF_ACTION_ID, url: pdf }],
    });
  }
  blocks.push({ type: 'context', elements: [mrkdwn(t.asked(whoAsked(action.by, t)))] });
  return { text: headline.replaceAll('*', ''), blocks };
}

/** The parent: the issued line, followed by what became of the document since. */
export function parentAfterActions(
  entry: LedgerEntry,
  history: ActionHistory,
  options: { locale: Locale; origin: SlackOrigin },
): SlackMessage | null {
  const t = TEXTS[options.locale];
  const input = issuedInputOf(entry, options.origin, { locale: options.locale, pdfUrl: null });
  if (!input) return null;
  const base = issuedParent(input);
  const states: string[] = [];
  const { actions, related } = history;
  if (done(actions, 'delete').length > 0) states.push(t.parentDeleted);
  const credits = done(actions, 'credit_note');
  if (credits.length > 0) {
    const numbers = credits.map((action) => escapeMrkdwn(action.document?.number ?? '')).join(', ');
    // Nothing left to credit, as the credit notes' own jobs found (the API's `fully_credited`).
    const whole = credits.some((action) => action.outcome?.fully_credited === true);
    states.push(whole ? t.parentCredited(numbers) : t.parentPartlyCredited(numbers));
  }
  const open = related.open_amount;
  if (open !== null && done(actions, 'receipt').length > 0) {
    states.push(open === 0 ? t.parentPaid : t.parentOpen(money(cents(open), options.locale)));
  }
  if (states.length === 0) return base;
  const text = `${base.text} · ${states.join(' · ')}`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

const PARENT_GONE = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);

const replyKey = (prefix: string, actionId: string) => `${prefix}:slack-action-reply:${actionId}`;

/**
 * The `deliver` job of an action on a Slack request: the reply in the thread (recorded before the
 * parent is edited, so a retry never posts it twice), then the parent. Throws DeliveryError as
 * deliverToSlack does.
 */
export async function deliverActionToSlack(
  entry: LedgerEntry,
  action: LifecycleAction,
  history: ActionHistory,
  options: DeliverActionToSlackOptions,
): Promise<void> {
  const origin = entry.origin;
  if (origin.kind !== 'slack') {
    throw new DeliveryError(`Request ${entry.requestId} did not come from Slack.`, { retryable: false });
  }
  const call = await slackCallFor(entry, origin, options);
  const locale = origin.locale ?? options.locale ?? 'pt';
  const key = replyKey(options.prefix, action.actionId);
  try {
    if (!(await options.redis.exists(key))) {
      const reply = actionReply(entry, action, history, { locale, origin, pdfUrl: options.pdfUrl });
      const posted = await callSlack(
        'chat.postMessage',
        { channel: origin.channel, thread_ts: origin.message_ts, unfurl_links: false, ...reply },
        call,
      );
      await options.redis.set(key, String(posted.ts ?? ''), 'EX', 30 * 86_400);
    }
    const parent = parentAfterActions(entry, history, { locale, origin });
    if (!parent) return;
    try {
      await callSlack('chat.update', { channel: origin.channel, ts: origin.message_ts, ...parent }, call);
    } catch (error) {
      if (!(error instanceof SlackCallError && PARENT_GONE.has(error.error))) throw error;
    }
  } catch (error) {
    if (error instanceof SlackCallError) throw error.toDeliveryError();
    if (error instanceof DeliveryError) throw error;
    throw new DeliveryError(`Delivery of ${action.actionId} to Slack failed.`, {
      retryable: true,
      cause: error,
    });
  }
}
