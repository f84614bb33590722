import {
  type DocumentStatus,
  type DocumentType,
  exemptionReasonsOn,
  type FaturadorError,
  FISCAL_ZONES,
  type FiscalZone,
  lisbonDate,
  VAT_RATES,
  type ValidationIssue,
} from '@faturador/core';
import { type Locale, strings } from '@faturador/slack-web';
import type { types, ViewOutput } from '@slack/bolt';
import { type DraftInvoice, parseAmount } from './quick.ts';
import { reasonText } from './reasons.ts';
import { botTexts } from './texts.ts';

export const MODAL_CALLBACK_ID = 'fatura_modal';
/** The form opens with one line; "Adicionar linha" adds more, up to this (Slack allows 100 blocks). */
export const MAX_MODAL_LINES = 15;
export const ADD_LINE_ACTION_ID = 'fatura_add_line';
const ACTION = 'value';

export const BLOCK = {
  name: 'customer_name',
  vat: 'customer_vat',
  email: 'customer_email',
  address: 'customer_address',
  exemption: 'exemption_reason',
  documentType: 'document_type',
  status: 'status',
  product: (i: number) => `line_${i}_product`,
  amount: (i: number) => `line_${i}_amount`,
  rate: (i: number) => `line_${i}_vat`,
} as const;

/** Stashed in the view: where to post when the form is submitted, and how many lines it shows. */
export interface ModalMetadata {
  channel: string;
  locale: Locale;
  lines: number;
  zone: FiscalZone;
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

const textInput = (maxLength: number, placeholder?: string): types.PlainTextInput => ({
  type: 'plain_text_input',
  action_id: ACTION,
  max_length: maxLength,
  ...(placeholder ? { placeholder: text(placeholder) } : {}),
});

function option(label: string, value: string): types.PlainTextOption {
  return { text: text(label), value };
}

/** Slack cuts an option's text at 75 characters; the code comes first, so it always shows. */
const OPTION_TEXT_MAX = 75;
/** The codes usable today (the AT's table changes: M26 ended in 2024, M44–M46 began in 2025). */
function exemptionOptions(today: string): types.PlainTextOption[] {
  return Object.entries(exemptionReasonsOn(today)).map(([code, law]) => {
    const label = `${code} — ${law}`;
    return option(label.length > OPTION_TEXT_MAX ? `${label.slice(0, OPTION_TEXT_MAX - 1)}…` : label, code);
  });
}

export function invoiceModal(metadata: ModalMetadata): types.ModalView {
  const t = botTexts(metadata.locale).modal;
  const typeNames = strings(metadata.locale).documentTypes;
  const { normal, intermediate, reduced } = VAT_RATES[metadata.zone];
  const rateOptions = [
    ...[normal, intermediate, reduced].map((rate) => option(`${rate}%`, String(rate))),
    option(t.exempt, '0'),
  ];
  const blocks: types.KnownBlock[] = [
    { type: 'context', elements: [{ type: 'mrkdwn', text: t.intro }] },
    input(BLOCK.name, t.customerName, textInput(100), { optional: true, hint: t.customerNameHint }),
    input(BLOCK.vat, t.nif, textInput(20, '509999999'), { optional: true, hint: t.nifHint }),
    input(BLOCK.email, t.email, { type: 'email_text_input', action_id: ACTION }, { optional: true }),
    input(BLOCK.address, t.address, textInput(200), { optional: true }),
  ];
  for (let i = 0; i < metadata.lines; i++) {
    blocks.push(
      { type: 'header', text: text(t.line(i + 1)) },
      input(BLOCK.product(i), t.product, textInput(100), { optional: i > 0 }),
      input(BLOCK.amount(i), t.amount, textInput(12, t.amountPlaceholder), { optional: i > 0 }),
      input(BLOCK.rate(i), t.vat, {
        type: 'static_select',
        action_id: ACTION,
        options: rateOptions,
        initial_option: rateOptions[0],
      }),
    );
  }
  if (metadata.lines < MAX_MODAL_LINES) {
    blocks.push({
      type: 'actions',
      block_id: 'lines',
      elements: [{ type: 'button', action_id: ADD_LINE_ACTION_ID, text: text(t.addLine), value: 'add' }],
    });
  }
  blocks.push(
    input(
      BLOCK.exemption,
      t.exemption,
      { type: 'static_select', action_id: ACTION, options: exemptionOptions(lisbonDate(Date.now())) },
      { optional: true, hint: t.exemptionHint },
    ),
  );
  const typeOptions = (Object.keys(typeNames) as DocumentType[]).map((type) => option(typeNames[type], type));
  const statusOptions = [option(t.final, 'final'), option(t.draft, 'draft')];
  blocks.push(
    input(BLOCK.documentType, t.documentType, {
      type: 'static_select',
      action_id: ACTION,
      options: typeOptions,
      initial_option: typeOptions[0],
    }),
    input(BLOCK.status, t.status, {
      type: 'radio_buttons',
      action_id: ACTION,
      options: statusOptions,
      initial_option: statusOptions[0],
    }),
  );
  return {
    type: 'modal',
    callback_id: MODAL_CALLBACK_ID,
    title: text(t.title),
    submit: text(t.submit),
    close: text(t.close),
    private_metadata: JSON.stringify(metadata),
    blocks,
  };
}

export function readMetadata(view: Pick<ViewOutput, 'private_metadata'>): ModalMetadata | null {
  try {
    const value = JSON.parse(view.private_metadata) as Partial<ModalMetadata>;
    if (typeof value.channel !== 'string') return null;
    const lines = Number.isInteger(value.lines) ? Number(value.lines) : 1;
    return {
      channel: value.channel,
      locale: value.locale === 'en' ? 'en' : 'pt',
      lines: Math.min(Math.max(lines, 1), MAX_MODAL_LINES),
      zone: FISCAL_ZONES.find((zone) => zone === value.zone) ?? 'PT',
    };
  } catch {
    return null;
  }
}

type Values = ViewOutput['state']['values'];

function fieldValue(values: Values, blockId: string): string {
  const state = values[blockId]?.[ACTION];
  return (state?.value ?? state?.selected_option?.value ?? '').trim();
}

export type Submission =
  | { ok: true; draft: DraftInvoice /** `items[k]` came from line group `lines[k]`. */; lines: number[] }
  | { ok: false; errors: Record<string, string> };

/** The form's values as a request; the checks that need no domain knowledge are made here. */
export function readSubmission(
  values: Values,
  metadata: Pick<ModalMetadata, 'locale' | 'lines' | 'zone'>,
): Submission {
  const { locale } = metadata;
  const t = botTexts(locale);
  const errors: Record<string, string> = {};
  const items: NonNullable<DraftInvoice['items']> = [];
  const lines: number[] = [];
  const exemption = fieldValue(values, BLOCK.exemption);
  for (let i = 0; i < metadata.lines; i++) {
    const product = fieldValue(values, BLOCK.product(i));
    const amountText = fieldValue(values, BLOCK.amount(i));
    if (product === '' && amountText === '') {
      if (i === 0) errors[BLOCK.product(0)] = t.modal.required;
      continue;
    }
    if (product === '') errors[BLOCK.product(i)] = t.modal.lineIncomplete;
    const amount = parseAmount(amountText);
    if (amount === null)
      errors[BLOCK.amount(i)] = amountText === '' ? t.modal.lineIncomplete : t.modal.badAmount;
    if (product === '' || amount === null) continue;
    const rate = Number(fieldValue(values, BLOCK.rate(i)) || VAT_RATES[metadata.zone].normal);
    if (rate === 0 && exemption === '') errors[BLOCK.exemption] = t.modal.exemptionRequired;
    items.push({
      product,
      gross_price: amount,
      vat_rate: rate,
      ...(rate === 0 ? { exemption_reason: exemption } : {}),
    });
    lines.push(i);
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const vat = fieldValue(values, BLOCK.vat);
  const name = fieldValue(values, BLOCK.name) || (vat === '' ? t.finalConsumer : '');
  const email = fieldValue(values, BLOCK.email);
  const address = fieldValue(values, BLOCK.address);
  const documentType = (fieldValue(values, BLOCK.documentType) || 'invoice_receipt') as DocumentType;
  const status = (fieldValue(values, BLOCK.status) || 'final') as DocumentStatus;
  const customer: DraftInvoice['customer'] = { name };
  if (vat !== '') customer.vat_number = vat;
  if (email !== '') customer.email = email;
  if (address !== '') customer.address = address;
  return {
    ok: true,
    draft: { customer, items, document_type: documentType, status, fiscal_zone: metadata.zone },
    lines,
  };
}

function blockFor(path: string, lines: number[]): string {
  const item = /^items\[(\d+)\]\.?(\w*)/.exec(path);
  if (item) {
    const line = lines[Number(item[1])] ?? 0;
    if (item[2] === 'gross_price' || item[2] === 'quantity') return BLOCK.amount(line);
    if (item[2] === 'exemption_reason') return BLOCK.exemption;
    if (item[2] === 'vat_rate') return BLOCK.rate(line);
    return BLOCK.product(line);
  }
  if (path === 'customer.vat_number') return BLOCK.vat;
  if (path === 'customer.email') return BLOCK.email;
  if (
    path.startsWith('customer.address') ||
    path.startsWith('customer.city') ||
    path.startsWith('customer.zip')
  ) {
    return BLOCK.address;
  }
  if (path === 'document_type') return BLOCK.documentType;
  if (path === 'status') return BLOCK.status;
  if (path.startsWith('customer.')) return BLOCK.name;
  // A rule on the request as a whole (its total, its reference): shown on the first line.
  return BLOCK.product(0);
}

/** core's VALIDATION_ERROR as `response_action: errors`, keyed by the input blocks to fix. */
export function modalErrors(error: FaturadorError, lines: number[], locale: Locale): Record<string, string> {
  const issues = (error.details?.issues ?? []) as ValidationIssue[];
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const block = blockFor(issue.path, lines);
    if (errors[block]) continue;
    errors[block] = reasonText(issue, locale);
  }
  if (Object.keys(errors).length === 0) errors[BLOCK.product(0)] = error.message;
  return errors;
}
