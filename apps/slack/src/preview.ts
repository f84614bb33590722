import {
  EXEMPTION_REASONS,
  type InvoiceLine,
  type InvoiceRequest,
  moloniDocumentTotals,
  netUnitPrice,
} from '@faturador/core';
import {
  escapeMrkdwn,
  formatMoney,
  type Locale,
  type MessageBlock,
  mrkdwn,
  plain,
  strings,
} from '@faturador/slack-web';
import { botTexts } from './texts.ts';

export const PREVIEW_ISSUE_ACTION_ID = 'fatura_preview_issue';
export const PREVIEW_CANCEL_ACTION_ID = 'fatura_preview_cancel';

/**
 * The VAT included in the gross amounts, as Moloni's document method computes it from the net
 * prices the worker will send. Only shown: the worker checks Moloni's own total before closing.
 */
export function includedVatCents(lines: readonly InvoiceLine[]): number {
  return moloniDocumentTotals(
    lines.map((line) => ({
      quantity: line.quantity,
      price: netUnitPrice(line.unitGrossCents, line.vatRate, line.quantity),
      vatRatePercent: line.vatRate,
    })),
  ).taxesValueCents;
}

function quantityText(quantity: number, locale: Locale): string {
  return new Intl.NumberFormat(locale === 'en' ? 'en-GB' : 'pt-PT', { maximumFractionDigits: 3 }).format(
    quantity,
  );
}

function lineText(line: InvoiceLine, index: number, locale: Locale): string {
  const t = botTexts(locale).preview;
  const what = line.description ? `${line.product} — ${line.description}` : line.product;
  const vat =
    line.vatRate === 0 && line.exemptionReason
      ? t.exempt(line.exemptionReason, EXEMPTION_REASONS[line.exemptionReason])
      : t.vatRate(line.vatRate);
  const price = `${quantityText(line.quantity, locale)} × ${formatMoney(line.unitGrossCents, locale)}`;
  return `${index + 1}. *${escapeMrkdwn(what)}* — ${price} — ${vat}`;
}

const field = (label: string, value: string) => mrkdwn(`*${label}*\n${escapeMrkdwn(value)}`);

function summaryFields(request: InvoiceRequest, locale: Locale) {
  const t = botTexts(locale).preview;
  const { customer } = request;
  return [
    field(t.customer, customer.name),
    field(t.nif, customer.finalConsumer ? botTexts(locale).finalConsumer : customer.vatNumber),
    field(t.documentType, strings(locale).documentTypes[request.documentType]),
    field(t.status, request.status === 'draft' ? t.draft : t.final),
    ...(request.fiscalZone === 'PT' ? [] : [field(t.zone, t.zones[request.fiscalZone])]),
  ];
}

/**
 * What `/fatura <text>` answers privately before anything is issued: the request as the API will
 * get it, and the buttons that issue it (`value`, signed) or drop it.
 */
export function previewMessage(
  request: InvoiceRequest,
  value: string,
  locale: Locale,
): { text: string; blocks: MessageBlock[] } {
  const t = botTexts(locale).preview;
  const total = formatMoney(request.totalGrossCents, locale);
  return {
    text: t.fallback(total, request.customer.name),
    blocks: [
      { type: 'header', text: plain(t.header) },
      { type: 'context', elements: [mrkdwn(t.intro)] },
      { type: 'section', fields: summaryFields(request, locale) },
      {
        type: 'section',
        text: mrkdwn(
          [`*${t.lines}*`, ...request.lines.map((line, index) => lineText(line, index, locale))].join('\n'),
        ),
      },
      {
        type: 'section',
        fields: [
          mrkdwn(`*${t.vatTotal}*\n${formatMoney(includedVatCents(request.lines), locale)}`),
          mrkdwn(`*${t.total}*\n*${total}*`),
        ],
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: PREVIEW_ISSUE_ACTION_ID,
            text: plain(t.issue),
            style: 'primary',
            value,
          },
          { type: 'button', action_id: PREVIEW_CANCEL_ACTION_ID, text: plain(t.cancel), value },
        ],
      },
    ],
  };
}
