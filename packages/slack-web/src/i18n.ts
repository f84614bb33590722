import type { DocumentType } from '@faturador/core';

export type Locale = 'pt' | 'en';
export const LOCALES: readonly Locale[] = ['pt', 'en'];

/** Not a code of the API: the bot could not get any answer from it. */
import { EN_PROBLEMS, type Explanation, type ProblemCode, PT_PROBLEMS } from '@faturador/core';

export type { Explanation, ProblemCode };

const PT = {
  pending: (who: string, amount: string) => `⏳ A emitir fatura… pedido por ${who}, ${amount}`,
  issuedParent: (number: string, amount: string, customer: string, who: string) =>
    `✅ ${number} emitida — ${amount} — ${customer} (pedido por ${who})`,
  draftParent: (amount: string, customer: string, who: string) =>
    `✅ Rascunho criado — ${amount} — ${customer} (pedido por ${who})`,
  failedParent: (title: string, who: string) => `❌ Fatura não emitida: ${title} (pedido por ${who})`,
  unknownParent: (who: string) => `⚠️ Sem resposta da API de faturação (pedido por ${who})`,
  retryingParent: (who: string) => `⏳ A tentar novamente… pedido por ${who}`,
  issuedHeader: 'Fatura emitida',
  draftHeader: 'Rascunho criado',
  draftNote: 'Os rascunhos só recebem número quando são fechados no Moloni.',
  failedHeader: 'Não foi possível emitir a fatura',
  number: 'Número',
  total: 'Total',
  customer: 'Cliente',
  nif: 'NIF',
  finalConsumer: 'Consumidor final',
  documentType: 'Tipo',
  reference: 'Referência',
  requestId: 'Pedido',
  openPdf: 'Abrir PDF',
  retry: 'Tentar novamente',
  retryConfirmTitle: 'Tentar novamente?',
  retryConfirmText: 'O pedido é reenviado tal como estava: nunca é emitida uma segunda fatura.',
  retryConfirmYes: 'Tentar',
  retryConfirmNo: 'Cancelar',
  whatToDo: 'O que fazer',
  apiSaid: 'Detalhe',
  noRetryTooLarge: 'Este pedido é demasiado grande para o botão: emita de novo com `/fatura`.',
  documentTypes: {
    invoice_receipt: 'Fatura-recibo',
    invoice: 'Fatura',
    simplified_invoice: 'Fatura simplificada',
  } satisfies Record<DocumentType, string>,
  problems: PT_PROBLEMS,
};

export type Strings = typeof PT;

const EN: Strings = {
  pending: (who, amount) => `⏳ Issuing invoice… requested by ${who}, ${amount}`,
  issuedParent: (number, amount, customer, who) =>
    `✅ ${number} issued — ${amount} — ${customer} (requested by ${who})`,
  draftParent: (amount, customer, who) => `✅ Draft created — ${amount} — ${customer} (requested by ${who})`,
  failedParent: (title, who) => `❌ Invoice not issued: ${title} (requested by ${who})`,
  unknownParent: (who) => `⚠️ No answer from the billing API (requested by ${who})`,
  retryingParent: (who) => `⏳ Retrying… requested by ${who}`,
  issuedHeader: 'Invoice issued',
  draftHeader: 'Draft created',
  draftNote: 'Drafts get a number only when they are closed in Moloni.',
  failedHeader: 'The invoice could not be issued',
  number: 'Number',
  total: 'Total',
  customer: 'Customer',
  nif: 'VAT number',
  finalConsumer: 'Final consumer',
  documentType: 'Type',
  reference: 'Reference',
  requestId: 'Request',
  openPdf: 'Open PDF',
  retry: 'Retry',
  retryConfirmTitle: 'Retry?',
  retryConfirmText: 'The request is sent again exactly as it was: a second invoice is never issued.',
  retryConfirmYes: 'Retry',
  retryConfirmNo: 'Cancel',
  whatToDo: 'What to do',
  apiSaid: 'Detail',
  noRetryTooLarge: 'This request is too large for the button: issue it again with `/fatura`.',
  documentTypes: {
    invoice_receipt: 'Invoice-receipt',
    invoice: 'Invoice',
    simplified_invoice: 'Simplified invoice',
  },
  problems: EN_PROBLEMS,
};

const TABLES: Record<Locale, Strings> = { pt: PT, en: EN };

export function strings(locale: Locale = 'pt'): Strings {
  return TABLES[locale];
}

export function explain(code: string, locale: Locale = 'pt'): Explanation {
  const table = TABLES[locale].problems;
  return Object.hasOwn(table, code) ? table[code as ProblemCode] : table.INTERNAL_ERROR;
}

const FORMATTERS: Record<Locale, Intl.NumberFormat> = {
  pt: new Intl.NumberFormat('pt-PT', { style: 'currency', currency: 'EUR' }),
  en: new Intl.NumberFormat('en-IE', { style: 'currency', currency: 'EUR' }),
};

/** `1000` → `10,00 €` (pt) or `€10.00` (en). */
export function formatMoney(cents: number, locale: Locale = 'pt'): string {
  return FORMATTERS[locale].format(cents / 100);
}
