import type { DocumentView } from '@faturador/core';
import { type Button, type MessageBlock, mrkdwn, plain, type SlackMessage } from './blocks.ts';
import { encodeRetryValue, type RetryPayload } from './canonical.ts';
import { documentActionsBlock } from './document-actions.ts';
import { explain, formatMoney, type Locale, strings } from './i18n.ts';

/** Action ids the bot listens to. */
export const RETRY_ACTION_ID = 'fatura_retry';
export const PDF_ACTION_ID = 'fatura_pdf';

/** Slack mrkdwn control characters in text we did not write (names, API messages). */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `<@U123>` for a real user id; anything else is shown as text, never as markup. */
export function mention(userId: string | undefined | null): string {
  if (!userId) return '?';
  return /^[UW][A-Z0-9]{2,30}$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

function parentMessage(text: string): SlackMessage {
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

export interface PendingInput {
  userId: string | undefined;
  totalCents: number;
  customerName: string;
  locale?: Locale;
}

/** The parent message posted before the request is sent; its thread receives the result. */
export function pendingParent(input: PendingInput): SlackMessage {
  const t = strings(input.locale);
  const amount = formatMoney(input.totalCents, input.locale);
  const text = `${t.pending(mention(input.userId), amount)} — ${escapeMrkdwn(truncate(input.customerName, 100))}`;
  return parentMessage(text);
}

export function retryingParent(userId: string | undefined, locale?: Locale): SlackMessage {
  return parentMessage(strings(locale).retryingParent(mention(userId)));
}

export interface IssuedInput {
  requestId: string;
  reference: string;
  document: DocumentView;
  customerName: string;
  /** Null for the final consumer. */
  customerNif: string | null;
  userId: string | undefined;
  /** Overrides `document.pdf_url` (e.g. a freshly signed link). */
  pdfUrl?: string | null;
  locale?: Locale;
}

function amountOf(document: DocumentView, locale?: Locale): string {
  return formatMoney(Math.round(document.total_gross * 100), locale);
}

function isHttpUrl(value: string | null | undefined): value is string {
  if (!value || value.length > 3000) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

export function issuedParent(input: IssuedInput): SlackMessage {
  const t = strings(input.locale);
  const who = mention(input.userId);
  const customer = escapeMrkdwn(truncate(input.customerName, 100));
  const amount = amountOf(input.document, input.locale);
  const text = input.document.number
    ? t.issuedParent(escapeMrkdwn(input.document.number), amount, customer, who)
    : t.draftParent(amount, customer, who);
  return parentMessage(text);
}

/** The thread reply of an issued document: number, total, customer, PDF and the lifecycle buttons. */
export function issuedReply(input: IssuedInput): SlackMessage {
  const t = strings(input.locale);
  const { document } = input;
  const isDraft = document.number === null;
  const amount = amountOf(document, input.locale);
  const customer = escapeMrkdwn(truncate(input.customerName, 100));
  const nif = input.customerNif ? escapeMrkdwn(input.customerNif) : t.finalConsumer;
  const header = isDraft ? t.draftHeader : t.issuedHeader;
  const number = document.number ? escapeMrkdwn(document.number) : '—';
  const blocks: MessageBlock[] = [
    { type: 'section', text: mrkdwn(`✅ *${header}*${isDraft ? `\n${t.draftNote}` : ''}`) },
    {
      type: 'section',
      fields: [
        mrkdwn(`*${t.number}*\n${number}`),
        mrkdwn(`*${t.total}*\n${amount}`),
        mrkdwn(`*${t.customer}*\n${customer}`),
        mrkdwn(`*${t.nif}*\n${nif}`),
        mrkdwn(`*${t.documentType}*\n${t.documentTypes[document.type] ?? document.type}`),
        mrkdwn(`*${t.reference}*\n${escapeMrkdwn(truncate(input.reference, 100))}`),
      ],
    },
  ];
  const pdfUrl = input.pdfUrl === undefined ? document.pdf_url : input.pdfUrl;
  // The PDF first, then what can be done with the document (finalize, cancel, settle, e-mail).
  const actions = documentActionsBlock(document, input.requestId, input.locale);
  if (isHttpUrl(pdfUrl)) {
    actions.elements.unshift({
      type: 'button',
      text: plain(`📄 ${t.openPdf}`),
      action_id: PDF_ACTION_ID,
      url: pdfUrl,
    });
  }
  blocks.push(actions);
  blocks.push({
    type: 'context',
    elements: [mrkdwn(`${t.requestId}: \`${escapeMrkdwn(input.requestId)}\``)],
  });
  const fallback = `✅ ${header}: ${document.number ?? '—'} — ${amount} — ${input.customerName}`;
  return { text: escapeMrkdwn(fallback), blocks };
}

export interface FailedInput {
  requestId: string | null;
  reference?: string | null;
  error: { code: string; message: string; details?: unknown };
  /** Null when the request can not be re-sent from a button. */
  retry: RetryPayload | null;
  userId: string | undefined;
  /** The bot got no answer at all: the outcome is unknown, not failed. */
  unreachable?: boolean;
  locale?: Locale;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The lines of `details` a person can act on: the fields to fix, the customers to choose from. */
function detailLines(details: unknown): string[] {
  if (!isRecord(details)) return [];
  const lines: string[] = [];
  if (Array.isArray(details.issues)) {
    for (const issue of details.issues.slice(0, 8)) {
      if (isRecord(issue) && typeof issue.path === 'string' && typeof issue.reason === 'string') {
        lines.push(`• \`${escapeMrkdwn(issue.path)}\` ${escapeMrkdwn(truncate(issue.reason, 200))}`);
      }
    }
  }
  if (Array.isArray(details.candidates)) {
    for (const candidate of details.candidates.slice(0, 8)) {
      if (isRecord(candidate) && typeof candidate.name === 'string') {
        const number =
          typeof candidate.number === 'string' || typeof candidate.number === 'number'
            ? ` (${candidate.number})`
            : '';
        lines.push(`• ${escapeMrkdwn(truncate(candidate.name, 100))}${escapeMrkdwn(number)}`);
      }
    }
  }
  return lines;
}

/** The thread reply of a failure: what happened, what to do, and a retry button. */
export function failedReply(input: FailedInput): SlackMessage {
  const t = strings(input.locale);
  const problem = explain(input.unreachable ? 'API_UNREACHABLE' : input.error.code, input.locale);
  const detail = `${t.apiSaid}: \`${escapeMrkdwn(input.error.code)}\` — ${escapeMrkdwn(truncate(input.error.message, 500))}`;
  const blocks: MessageBlock[] = [
    { type: 'section', text: mrkdwn(`❌ *${t.failedHeader}*\n${problem.title}`) },
    { type: 'section', text: mrkdwn(`*${t.whatToDo}:* ${problem.action}`) },
  ];
  const lines = detailLines(input.error.details);
  if (lines.length > 0) blocks.push({ type: 'section', text: mrkdwn(lines.join('\n')) });
  const ids = [input.requestId ? `${t.requestId}: \`${escapeMrkdwn(input.requestId)}\`` : null];
  if (input.reference) ids.push(`${t.reference}: ${escapeMrkdwn(truncate(input.reference, 100))}`);
  blocks.push({
    type: 'context',
    elements: [mrkdwn(detail), mrkdwn(ids.filter(Boolean).join(' · ') || ' ')],
  });
  if (input.retry) {
    const button: Button = {
      type: 'button',
      text: plain(`🔁 ${t.retry}`),
      action_id: RETRY_ACTION_ID,
      value: encodeRetryValue(input.retry),
      style: 'primary',
    };
    blocks.push({ type: 'actions', elements: [button] });
  }
  return { text: escapeMrkdwn(`❌ ${t.failedHeader}: ${problem.title}`), blocks };
}

export function failedParent(input: FailedInput): SlackMessage {
  const t = strings(input.locale);
  const who = mention(input.userId);
  if (input.unreachable) return parentMessage(t.unknownParent(who));
  return parentMessage(t.failedParent(explain(input.error.code, input.locale).title, who));
}
