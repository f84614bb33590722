// The account's data as InvoiceXpress shows it through API v2: clients, items, taxes, sequences,
// invoice-family documents and receipts. Field names and value types follow the answers quoted in
// the README (numbers for totals, strings for unit_price/quantity, `dd/mm/yyyy` dates).

/** The path segment of the invoice family (`POST /{type}.json`). */
export const DOCUMENT_PATHS = [
  'invoices',
  'invoice_receipts',
  'simplified_invoices',
  'credit_notes',
] as const;
export type DocumentPath = (typeof DOCUMENT_PATHS)[number];

export type DocumentKind = 'Invoice' | 'InvoiceReceipt' | 'SimplifiedInvoice' | 'CreditNote' | 'Receipt';

export interface PathInfo {
  kind: DocumentKind;
  /** The response's wrapper key: the singular type. */
  singular: string;
  /** Prefix of the sequence's per-type counters (`current_invoice_receipt_number`). */
  counter: string;
}

export const PATHS: Record<DocumentPath | 'receipts', PathInfo> = {
  invoices: { kind: 'Invoice', singular: 'invoice', counter: 'invoice' },
  invoice_receipts: { kind: 'InvoiceReceipt', singular: 'invoice_receipt', counter: 'invoice_receipt' },
  simplified_invoices: {
    kind: 'SimplifiedInvoice',
    singular: 'simplified_invoice',
    counter: 'simplified_invoice',
  },
  credit_notes: { kind: 'CreditNote', singular: 'credit_note', counter: 'credit_note' },
  receipts: { kind: 'Receipt', singular: 'receipt', counter: 'receipt' },
};

export function pathOfKind(kind: DocumentKind): DocumentPath | 'receipts' {
  const entry = Object.entries(PATHS).find(([, info]) => info.kind === kind);
  return (entry?.[0] ?? 'invoices') as DocumentPath | 'receipts';
}

/**
 * What InvoiceXpress stores (the values of the list filter `status[]`): `sent` is a finalized
 * document, which the API's answers show as `final` (see the README: both are modelled).
 */
export type StoredStatus = 'draft' | 'sent' | 'settled' | 'canceled' | 'second_copy' | 'deleted';
export const STORED_STATUSES: readonly StoredStatus[] = [
  'draft',
  'sent',
  'settled',
  'canceled',
  'second_copy',
  'deleted',
];

export interface Tax {
  id: number;
  name: string;
  value: number;
  region: string;
  default_tax: 0 | 1;
}

export interface Sequence {
  id: number;
  serie: string;
  default_sequence: 0 | 1;
  /** AT validation code of the series (ATCUD's first half), one per document type. */
  validation_code: string;
  /** Last number used per counter prefix (`invoice`, `invoice_receipt`, …). */
  numbers: Record<string, number>;
  /** Date (epoch day) of the last final document per counter: the series' chronology. */
  last_dates: Record<string, number>;
}

export interface Client {
  id: number;
  name: string;
  code: string;
  email: string | null;
  address: string | null;
  city: string | null;
  postal_code: string | null;
  country: string | null;
  fiscal_id: string | null;
  website: string | null;
  phone: string | null;
  fax: string | null;
  observations: string | null;
  language: string;
}

export interface Item {
  id: number;
  name: string;
  description: string | null;
  unit_price: number;
  unit: string | null;
  tax_id: number;
}

export interface Line {
  name: string;
  description: string | null;
  unit_price: number;
  unit: string | null;
  quantity: number;
  discount: number;
  tax: { id: number; name: string; value: number };
}

export interface Document {
  id: number;
  kind: DocumentKind;
  status: StoredStatus;
  sequence_id: number;
  /** Set when finalized. */
  number: number | null;
  date: string;
  due_date: string;
  reference: string | null;
  observations: string | null;
  retention: string | null;
  tax_exemption: string | null;
  client_id: number;
  lines: Line[];
  /** A credit note's original document; a receipt's invoice. */
  owner_invoice_id: number | null;
  /** Receipts: the amount paid and how. */
  payment: { amount: number; mechanism: string; note: string | null } | null;
  proprietary_uid: string | null;
  cancel_message: string | null;
  permalink_token: string;
  created_at: number;
}

export function round2(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}

export interface LineTotals {
  subtotal: number;
  tax_amount: number;
  discount_amount: number;
  total: number;
}

/** Per line unrounded, rounded once per document after summing (README: rounding). */
export function lineTotals(line: Line): LineTotals {
  const gross = line.quantity * line.unit_price;
  const discount_amount = (gross * line.discount) / 100;
  const subtotal = gross - discount_amount;
  const tax_amount = (subtotal * line.tax.value) / 100;
  return { subtotal, tax_amount, discount_amount, total: round2(subtotal + tax_amount) };
}

export interface DocumentTotals {
  sum: number;
  discount: number;
  before_taxes: number;
  taxes: number;
  total: number;
}

export function documentTotals(document: Document): DocumentTotals {
  if (document.kind === 'Receipt') {
    const amount = document.payment?.amount ?? 0;
    return { sum: amount, discount: 0, before_taxes: amount, taxes: 0, total: amount };
  }
  let sum = 0;
  let discount = 0;
  let subtotal = 0;
  let taxes = 0;
  for (const line of document.lines) {
    const totals = lineTotals(line);
    sum += line.quantity * line.unit_price;
    discount += totals.discount_amount;
    subtotal += totals.subtotal;
    taxes += totals.tax_amount;
  }
  return {
    sum: round2(sum),
    discount: round2(discount),
    before_taxes: round2(subtotal),
    taxes: round2(taxes),
    total: round2(subtotal + taxes),
  };
}

const DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since the epoch of a `dd/mm/yyyy` date (or ISO when allowed); null when not a real date. */
export function parseDate(text: unknown, allowIso: boolean): number | null {
  if (typeof text !== 'string') return null;
  let day: string | undefined;
  let month: string | undefined;
  let year: string | undefined;
  const match = DATE.exec(text.trim());
  if (match) [, day, month, year] = match;
  else if (allowIso) {
    const iso = ISO_DATE.exec(text.trim());
    if (iso) [, year, month, day] = iso;
  }
  if (!day || !month || !year) return null;
  const time = Date.UTC(Number(year), Number(month) - 1, Number(day));
  const back = new Date(time);
  if (back.getUTCDate() !== Number(day) || back.getUTCMonth() !== Number(month) - 1) return null;
  return Math.round(time / 86_400_000);
}

export function formatDate(epochDay: number): string {
  const date = new Date(epochDay * 86_400_000);
  const dd = String(date.getUTCDate()).padStart(2, '0');
  const mm = String(date.getUTCMonth() + 1).padStart(2, '0');
  return `${dd}/${mm}/${date.getUTCFullYear()}`;
}

/**
 * The exemption codes of the current documentation's table (M44–M46 new; M00, M26 and M34 absent),
 * see the README.
 */
export const EXEMPTION_CODES: readonly string[] = [
  'M01',
  'M02',
  'M04',
  'M05',
  'M06',
  'M07',
  'M09',
  'M10',
  'M11',
  'M12',
  'M13',
  'M14',
  'M15',
  'M16',
  'M19',
  'M20',
  'M21',
  'M25',
  'M30',
  'M31',
  'M32',
  'M33',
  'M40',
  'M41',
  'M42',
  'M43',
  'M44',
  'M45',
  'M46',
  'M99',
];

/** The payment mechanisms of a partial payment (documentation table). */
export const PAYMENT_MECHANISMS: readonly string[] = [
  'CC',
  'CD',
  'CH',
  'CO',
  'CS',
  'DE',
  'LC',
  'MB',
  'NU',
  'OU',
  'PR',
  'TB',
  'TR',
];
