import type { ValidationIssue } from '@faturador/core';
import type { InvoiceStatusBody } from '@faturador/sdk';
import { escapeMrkdwn, formatMoney, type Locale, strings } from '@faturador/slack-web';
import type { types, ViewOutput } from '@slack/bolt';
import { documentTexts } from './document-texts.ts';
import { parseAmount } from './quick.ts';
import { reasonText } from './reasons.ts';

export type DocumentActionKind = 'finalize' | 'credit' | 'receipt' | 'email';

export const DOCUMENT_CALLBACK_IDS: Record<DocumentActionKind, string> = {
  finalize: 'doc_finalize_modal',
  credit: 'doc_credit_modal',
  receipt: 'doc_receipt_modal',
  email: 'doc_email_modal',
};

const DOCUMENT_BLOCK = {
  reason: 'credit_reason',
  lines: 'credit_lines',
  amount: 'receipt_amount',
  method: 'receipt_method',
  date: 'receipt_date',
  to: 'email_to',
} as const;
const ACTION = 'value';

/**
 * Moloni names its payment methods per company; these are the ones Portuguese companies usually
 * have, sent by name (the API resolves the name in the account), the first being the API's default.
 */
const PAYMENT_METHODS = [
  'Numerário',
  'Transferência bancária',
  'Multibanco',
  'MB WAY',
  'Cartão de crédito',
  'Cartão de débito',
  'Cheque',
  'Débito direto',
] as const;

/** Kept in the view: the request acted on, and where its thread is (to tell the clicker there). */
export interface DocumentModalMetadata {
  requestId: string;
  channel: string;
  threadTs: string;
}

const text = (value: string): types.PlainTextElement => ({ type: 'plain_text', text: value, emoji: true });

function input(
  blockId: string,
  label: string,
  element: types.InputBlock['element'],
  options: { optional?: boolean; hint?: string } = {},
): types.InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: text(label),
    element,
    optional: options.optional ?? false,
    ...(options.hint ? { hint: text(options.hint) } : {}),
  };
}

/** `6` → `6,00` (pt) or `6.00` (en): what people type, and what `parseAmount` reads back. */
function amountText(euros: number, locale: Locale): string {
  const fixed = euros.toFixed(2);
  return locale === 'en' ? fixed : fixed.replace('.', ',');
}

/** What GET told of the document, in one line; nothing when the lookup gave nothing. */
function summaryBlocks(status: InvoiceStatusBody | null, locale: Locale): types.KnownBlock[] {
  const document = status?.document;
  if (!status || !document) return [];
  const t = documentTexts(locale);
  const type = strings(locale).documentTypes[document.type] ?? document.type;
  const what = document.number ? `${type} ${escapeMrkdwn(document.number)}` : `${type} (${t.draft})`;
  const parts = [t.summary(what, formatMoney(Math.round(document.total_gross * 100), locale))];
  if (typeof status.open_amount === 'number')
    parts.push(t.open(formatMoney(Math.round(status.open_amount * 100), locale)));
  if (status.credited_amount)
    parts.push(t.credited(formatMoney(Math.round(status.credited_amount * 100), locale)));
  return [{ type: 'section', text: { type: 'mrkdwn', text: parts.join(' · ') } }];
}

function fieldsFor(
  kind: DocumentActionKind,
  status: InvoiceStatusBody | null,
  locale: Locale,
  today: string,
) {
  const t = documentTexts(locale);
  if (kind === 'credit') {
    return [
      input(
        DOCUMENT_BLOCK.reason,
        t.credit.reason,
        {
          type: 'plain_text_input',
          action_id: ACTION,
          max_length: 255,
          placeholder: text(t.credit.reasonPlaceholder),
        },
        { hint: t.credit.reasonHint },
      ),
      // GET does not list the document's lines, so they are named by number, not offered as choices.
      input(
        DOCUMENT_BLOCK.lines,
        t.credit.lines,
        { type: 'plain_text_input', action_id: ACTION, max_length: 200, placeholder: text('1, 3') },
        { optional: true, hint: t.credit.linesHint },
      ),
    ];
  }
  if (kind === 'receipt') {
    const methods = PAYMENT_METHODS.map((name) => ({ text: text(name), value: name }));
    const open = status?.open_amount;
    return [
      input(
        DOCUMENT_BLOCK.amount,
        t.receipt.amount,
        {
          type: 'plain_text_input',
          action_id: ACTION,
          max_length: 12,
          placeholder: text(t.receipt.amountPlaceholder),
          ...(typeof open === 'number' && open > 0 ? { initial_value: amountText(open, locale) } : {}),
        },
        { optional: true, hint: t.receipt.amountHint },
      ),
      input(DOCUMENT_BLOCK.method, t.receipt.method, {
        type: 'static_select',
        action_id: ACTION,
        options: methods,
        initial_option: methods[0],
      }),
      input(DOCUMENT_BLOCK.date, t.receipt.date, {
        type: 'datepicker',
        action_id: ACTION,
        initial_date: today,
      }),
    ];
  }
  if (kind === 'email') {
    // GET does not give the customer's e-mail: left empty, the API sends to the one on the request.
    return [
      input(
        DOCUMENT_BLOCK.to,
        t.email.to,
        { type: 'email_text_input', action_id: ACTION },
        { optional: true, hint: t.email.toHint },
      ),
    ];
  }
  return [];
}

/** The form of one action on a request's document, prefilled from what GET told (`status`). */
export function documentModal(
  kind: DocumentActionKind,
  metadata: DocumentModalMetadata,
  status: InvoiceStatusBody | null,
  options: { locale: Locale; today: string },
): types.ModalView {
  const t = documentTexts(options.locale);
  const words = t[kind];
  return {
    type: 'modal',
    callback_id: DOCUMENT_CALLBACK_IDS[kind],
    title: text(words.title),
    submit: text(words.submit),
    close: text(t.close),
    private_metadata: JSON.stringify(metadata),
    blocks: [
      { type: 'context', elements: [{ type: 'mrkdwn', text: words.intro }] },
      ...summaryBlocks(status, options.locale),
      ...fieldsFor(kind, status, options.locale, options.today),
    ],
  };
}

export function readDocumentMetadata(
  view: Pick<ViewOutput, 'private_metadata'>,
): DocumentModalMetadata | null {
  try {
    const value = JSON.parse(view.private_metadata) as Partial<DocumentModalMetadata>;
    if (
      typeof value.requestId !== 'string' ||
      typeof value.channel !== 'string' ||
      typeof value.threadTs !== 'string'
    ) {
      return null;
    }
    return { requestId: value.requestId, channel: value.channel, threadTs: value.threadTs };
  } catch {
    return null;
  }
}

type Values = ViewOutput['state']['values'];

function fieldValue(values: Values, blockId: string): string {
  const state = values[blockId]?.[ACTION];
  return (state?.value ?? state?.selected_option?.value ?? state?.selected_date ?? '').trim();
}

interface CreditBody {
  reason: string;
  items?: Array<{ line: number }>;
}
interface ReceiptBody {
  amount?: number;
  payment_method?: string;
  date?: string;
}
interface EmailBody {
  to?: string;
}
type DocumentSubmission<B> = { ok: true; body: B } | { ok: false; errors: Record<string, string> };

/** `1, 3` → lines 1 and 3 (once each, in order); null when anything else was typed. */
function parseLines(value: string): number[] | null {
  const parts = value.split(/[\s,;]+/).filter(Boolean);
  if (!parts.every((part) => /^\d{1,4}$/.test(part) && Number(part) >= 1)) return null;
  return [...new Set(parts.map(Number))].sort((a, b) => a - b);
}

export function readCredit(values: Values, locale: Locale): DocumentSubmission<CreditBody> {
  const t = documentTexts(locale);
  const reason = fieldValue(values, DOCUMENT_BLOCK.reason);
  const lines = parseLines(fieldValue(values, DOCUMENT_BLOCK.lines));
  const errors: Record<string, string> = {};
  // Slack takes spaces as an answer to a required field: the API would refuse them.
  if (reason === '') errors[DOCUMENT_BLOCK.reason] = t.required;
  if (!lines) errors[DOCUMENT_BLOCK.lines] = t.credit.badLines;
  if (!lines || Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    body: { reason, ...(lines.length > 0 ? { items: lines.map((line) => ({ line })) } : {}) },
  };
}

export function readReceipt(values: Values, locale: Locale): DocumentSubmission<ReceiptBody> {
  const t = documentTexts(locale);
  const amountInput = fieldValue(values, DOCUMENT_BLOCK.amount);
  const amount = amountInput === '' ? undefined : parseAmount(amountInput);
  if (amount === null) return { ok: false, errors: { [DOCUMENT_BLOCK.amount]: t.receipt.badAmount } };
  const method = fieldValue(values, DOCUMENT_BLOCK.method);
  const date = fieldValue(values, DOCUMENT_BLOCK.date);
  return {
    ok: true,
    body: {
      ...(amount === undefined ? {} : { amount }),
      ...(method === '' ? {} : { payment_method: method }),
      ...(date === '' ? {} : { date }),
    },
  };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function readEmail(values: Values, locale: Locale): DocumentSubmission<EmailBody> {
  const to = fieldValue(values, DOCUMENT_BLOCK.to);
  if (to === '') return { ok: true, body: {} };
  if (to.length > 254 || !EMAIL.test(to)) {
    return { ok: false, errors: { [DOCUMENT_BLOCK.to]: documentTexts(locale).email.badEmail } };
  }
  return { ok: true, body: { to } };
}

/** The input block an API issue path is about; null for a form without inputs (finalize). */
function blockFor(kind: DocumentActionKind, path: string): string | null {
  if (kind === 'credit') return path.startsWith('items') ? DOCUMENT_BLOCK.lines : DOCUMENT_BLOCK.reason;
  if (kind === 'receipt') {
    if (path === 'payment_method') return DOCUMENT_BLOCK.method;
    if (path === 'date') return DOCUMENT_BLOCK.date;
    return DOCUMENT_BLOCK.amount;
  }
  if (kind === 'email') return DOCUMENT_BLOCK.to;
  return null;
}

/** The API's VALIDATION_ERROR as `response_action: errors`; null when no field can show it. */
export function documentErrors(
  kind: DocumentActionKind,
  issues: readonly ValidationIssue[],
  locale: Locale,
): Record<string, string> | null {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const block = blockFor(kind, issue.path);
    if (block && !errors[block]) errors[block] = reasonText(issue, locale);
  }
  return Object.keys(errors).length > 0 ? errors : null;
}
