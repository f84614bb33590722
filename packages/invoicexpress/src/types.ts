// The shapes InvoiceXpress answers, decoded loosely: ids and sequence ids come as strings or
// numbers, totals as numbers, unit prices and quantities as strings (README, "Responses").
import { z } from 'zod';

const id = z.union([z.number(), z.string()]).transform((value) => Number(value));
const idText = z.union([z.number(), z.string()]).transform((value) => String(value));
const amount = z.union([z.number(), z.string()]).transform((value) => Number(value));
const nullableText = z
  .string()
  .nullish()
  .transform((value) => value ?? null);

/** The invoice family we issue, by its path segment. */
export const DOCUMENT_TYPES = [
  'invoices',
  'invoice_receipts',
  'simplified_invoices',
  'credit_notes',
] as const;
export type IxDocumentType = (typeof DOCUMENT_TYPES)[number];

export const SINGULAR: Record<IxDocumentType, string> = {
  invoices: 'invoice',
  invoice_receipts: 'invoice_receipt',
  simplified_invoices: 'simplified_invoice',
  credit_notes: 'credit_note',
};

/** `type` of a document as read back. */
export const KIND_OF: Record<IxDocumentType, string> = {
  invoices: 'Invoice',
  invoice_receipts: 'InvoiceReceipt',
  simplified_invoices: 'SimplifiedInvoice',
  credit_notes: 'CreditNote',
};

/**
 * Read-back statuses. `final` is what the documented answers show for a finalized document; the
 * list filter's enum calls the same state `sent`. Both mean final.
 */
export type IxStatus = 'draft' | 'final' | 'sent' | 'settled' | 'canceled' | 'second_copy' | 'deleted';
/** The values the list filter `status[]` accepts. */
export type IxStatusFilter = 'draft' | 'sent' | 'settled' | 'canceled' | 'second_copy' | 'deleted';

/** A document that has its number: not a draft, not deleted (cancelled ones included). */
export function isFinalStatus(status: string): boolean {
  return ['final', 'sent', 'settled', 'second_copy', 'canceled'].includes(status);
}

export const taxSchema = z.looseObject({
  id,
  name: z.string(),
  value: amount,
  region: z
    .string()
    .nullish()
    .transform((value) => value ?? 'PT'),
  default_tax: z
    .union([z.number(), z.string(), z.boolean()])
    .transform((value) => String(value) === '1' || value === true),
});
export type IxTax = z.output<typeof taxSchema>;

export const sequenceSchema = z.looseObject({
  id,
  serie: z.string(),
  default_sequence: z
    .union([z.number(), z.string(), z.boolean()])
    .transform((value) => String(value) === '1' || value === true),
});
export type IxSequence = z.output<typeof sequenceSchema>;

export const clientSchema = z.looseObject({
  id,
  name: z.string(),
  code: nullableText,
  email: nullableText,
  address: nullableText,
  city: nullableText,
  postal_code: nullableText,
  country: nullableText,
  fiscal_id: nullableText,
  website: nullableText,
  phone: nullableText,
  fax: nullableText,
  observations: nullableText,
});
export type IxClient = z.output<typeof clientSchema>;

const lineSchema = z.looseObject({
  name: z.string(),
  description: nullableText,
  unit_price: idText,
  quantity: idText,
  unit: nullableText,
  tax: z.looseObject({ id: id.optional(), name: z.string(), value: amount }).nullish(),
  subtotal: amount.optional(),
  tax_amount: amount.optional(),
  total: amount.optional(),
});

export const documentSchema = z.looseObject({
  id,
  status: z.string(),
  type: z.string(),
  sequence_number: nullableText,
  inverted_sequence_number: nullableText,
  atcud: nullableText,
  sequence_id: idText.nullish().transform((value) => value ?? null),
  date: z.string(),
  due_date: nullableText,
  reference: nullableText,
  observations: nullableText,
  permalink: nullableText,
  sum: amount.optional(),
  before_taxes: amount,
  taxes: amount,
  total: amount,
  currency: nullableText,
  tax_exemption: nullableText,
  owner_invoice_id: id.nullish().transform((value) => value ?? null),
  // Documents carry the client without fiscal_id; read the client record for it.
  client: z
    .looseObject({ id: id.optional(), name: z.string(), code: nullableText, email: nullableText })
    .nullish(),
  items: z.array(lineSchema).optional().default([]),
});
export type IxDocument = z.output<typeof documentSchema>;

export const paginationSchema = z.looseObject({
  total_entries: amount,
  current_page: amount,
  total_pages: amount,
  per_page: amount,
});
export type IxPagination = z.output<typeof paginationSchema>;

/** Our inputs; dates are ISO `yyyy-mm-dd` and sent as InvoiceXpress's `dd/mm/yyyy`. */
export interface IxClientInput {
  name: string;
  code?: string;
  email?: string;
  address?: string;
  city?: string;
  postal_code?: string;
  /** The country's name as InvoiceXpress lists it (`Portugal`). */
  country?: string;
  fiscal_id?: string;
  website?: string;
  phone?: string;
  fax?: string;
  observations?: string;
  language?: 'pt' | 'en' | 'es';
}

export interface IxItemInput {
  /** The catalogue key: a known name is overwritten with these values. */
  name: string;
  description?: string;
  /** Net of VAT; send at least 4 decimals for a price derived from a gross amount. */
  unit_price: string | number;
  quantity: string | number;
  unit?: 'hour' | 'day' | 'month' | 'unit' | 'service' | 'other';
  /** Percent. */
  discount?: string | number;
  /** The tax's name in the account (`IVA23`); an unknown name silently becomes the default tax. */
  tax?: { name: string };
}

export interface IxDocumentInput {
  date: string;
  due_date: string;
  reference?: string;
  observations?: string;
  retention?: string;
  tax_exemption?: string;
  sequence_id?: string | number;
  /** Credit notes: the document they correct. */
  owner_invoice_id?: string | number;
  client: IxClientInput;
  items: IxItemInput[];
}

export type IxStateChange = 'finalized' | 'deleted' | 'canceled' | 'settled' | 'unsettled';

/** The payment mechanisms of a partial payment (documentation table). */
export type IxPaymentMechanism =
  | 'CC'
  | 'CD'
  | 'CH'
  | 'CO'
  | 'CS'
  | 'DE'
  | 'LC'
  | 'MB'
  | 'NU'
  | 'OU'
  | 'PR'
  | 'TB'
  | 'TR';

export interface IxPaymentInput {
  amount: number;
  /** ISO date; default: today in InvoiceXpress. */
  date?: string;
  mechanism?: IxPaymentMechanism;
  note?: string;
  /** The receipt's series name; default: the invoice's. */
  serie?: string;
}

export interface IxEmailInput {
  to: string;
  subject: string;
  body: string;
  cc?: string;
  bcc?: string;
  /** Keep the address on the client record. */
  saveEmail?: boolean;
  logo?: boolean;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const IX = /^(\d{2})\/(\d{2})\/(\d{4})$/;

/** `2026-03-05` → `05/03/2026`; a `dd/mm/yyyy` date passes through. */
export function toIxDate(date: string): string {
  if (IX.test(date)) return date;
  const match = ISO.exec(date);
  if (!match) throw new TypeError(`not an ISO date: ${date}`);
  return `${match[3]}/${match[2]}/${match[1]}`;
}

/** `05/03/2026` → `2026-03-05`. */
export function fromIxDate(date: string): string {
  const match = IX.exec(date);
  if (!match) throw new TypeError(`not a dd/mm/yyyy date: ${date}`);
  return `${match[3]}-${match[2]}-${match[1]}`;
}
