import {
  type DocumentStatus,
  type DocumentType,
  type FiscalZone,
  type InvoiceRequestBody,
  isRateOf,
  VAT_RATES,
} from '@faturador/core';
import type { Locale } from '@faturador/slack-web';
import { botTexts } from './texts.ts';

/** A request without its reference: the reference is made from the parent message's ts. */
export type DraftInvoice = Omit<InvoiceRequestBody, 'reference'>;

export type CommandIntent =
  | { kind: 'modal' }
  | { kind: 'help' }
  | { kind: 'invoice'; draft: DraftInvoice }
  | { kind: 'error'; message: string };

const HELP_WORDS = new Set(['help', 'ajuda', '?']);

const STATUSES: Record<string, DocumentStatus> = {
  final: 'final',
  rascunho: 'draft',
  draft: 'draft',
};

const TYPES: Record<string, DocumentType> = {
  fr: 'invoice_receipt',
  ft: 'invoice',
  fs: 'simplified_invoice',
};

/**
 * `10`, `10.5`, `10,50`, `€10.00`, `10€` → euros; anything else (thousands separators, three
 * decimals, signs) → null, because guessing an amount on a fiscal document is worse than asking.
 */
export function parseAmount(input: string): number | null {
  const text = input.trim().replace(/^€\s*/, '').replace(/\s*€$/, '');
  const match = /^(\d{1,7})(?:[.,](\d{1,2}))?$/.exec(text);
  if (!match) return null;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
  return cents > 0 ? cents / 100 : null;
}

const OPEN_QUOTES = '"“„«';
const CLOSE_QUOTES: Record<string, string> = { '"': '"', '“': '”', '„': '“', '«': '»' };

type Token = { text: string; quoted: boolean };

function tokenize(text: string): Token[] | null {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text.charAt(i);
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    if (OPEN_QUOTES.includes(char)) {
      const close = CLOSE_QUOTES[char] ?? '"';
      // Some keyboards close “ with " : accept either.
      let end = i + 1;
      while (end < text.length && text.charAt(end) !== close && text.charAt(end) !== '"') end++;
      if (end >= text.length) return null;
      tokens.push({ text: text.slice(i + 1, end).trim(), quoted: true });
      i = end + 1;
      continue;
    }
    let end = i;
    while (end < text.length && !/\s/.test(text.charAt(end))) end++;
    tokens.push({ text: text.slice(i, end), quoted: false });
    i = end;
  }
  return tokens;
}

/**
 * `/fatura` text → what to do, for the bot's fiscal zone (its normal rate is the default). Field
 * validity (NIF checksum, a rate of the zone) is core's job, later.
 */
export function parseCommandText(text: string, locale: Locale, zone: FiscalZone = 'PT'): CommandIntent {
  const t = botTexts(locale);
  const rates = VAT_RATES[zone];
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'modal' };
  if (HELP_WORDS.has(trimmed.toLowerCase())) return { kind: 'help' };

  const tokens = tokenize(trimmed);
  if (!tokens) return { kind: 'error', message: t.unclosedQuote };
  const [first, ...rest] = tokens;
  if (!first || first.quoted) return { kind: 'error', message: t.usage };

  const finalConsumer = first.text === '-';
  const nif = first.text.replace(/^PT/i, '');
  if (!finalConsumer && !/^\d{9}$/.test(nif))
    return { kind: 'error', message: `${t.badNif(first.text)}\n${t.usage}` };

  let name: string | undefined;
  if (rest[0]?.quoted) name = rest.shift()?.text || undefined;

  const amountToken = rest.shift();
  if (!amountToken) return { kind: 'error', message: t.usage };
  const amount = parseAmount(amountToken.text);
  if (amount === null) return { kind: 'error', message: t.badAmount(amountToken.text) };

  let vatRate = rates.normal;
  let exemption: string | undefined;
  let status: DocumentStatus = 'final';
  let documentType: DocumentType = 'invoice_receipt';
  const words: string[] = [];
  for (const token of rest) {
    const option = token.quoted
      ? null
      : /^(iva|vat|tipo|type|isencao|isenção|exemption|estado|status)=(.*)$/i.exec(token.text);
    if (!option) {
      words.push(token.text);
      continue;
    }
    const [, key = '', value = ''] = option;
    const setting = key.toLowerCase();
    if (setting === 'isencao' || setting === 'isenção' || setting === 'exemption') {
      exemption = value.toUpperCase();
    } else if (setting === 'estado' || setting === 'status') {
      const chosen = STATUSES[value.toLowerCase()];
      if (!chosen) return { kind: 'error', message: t.badStatus(value) };
      status = chosen;
    } else if (setting === 'iva' || setting === 'vat') {
      const rate = /^\d{1,2}%?$/.test(value) ? Number.parseInt(value, 10) : Number.NaN;
      if (Number.isNaN(rate) || !isRateOf(zone, rate)) {
        return { kind: 'error', message: t.badVat(value, rates) };
      }
      vatRate = rate;
    } else {
      const type = TYPES[value.toLowerCase()];
      if (!type) return { kind: 'error', message: t.badType(value) };
      documentType = type;
    }
  }
  const product = words.join(' ').trim();
  if (product === '') return { kind: 'error', message: t.missingDescription };

  return {
    kind: 'invoice',
    draft: {
      customer: finalConsumer
        ? { name: name ?? t.finalConsumer }
        : { name: name ?? t.customerByNif(nif), vat_number: nif },
      items: [
        {
          product,
          gross_price: amount,
          vat_rate: vatRate,
          ...(exemption === undefined ? {} : { exemption_reason: exemption }),
        },
      ],
      document_type: documentType,
      status,
      fiscal_zone: zone,
    },
  };
}
