import {
  DOCUMENT_TYPE_CODES,
  type DocumentType,
  FaturadorError,
  type FoundProviderDocument,
  type InvoiceRequest,
  type ProviderDocument,
  type ProviderIssueHooks,
  roundToCents,
  validationError,
} from '@faturador/core';
import { normalizeName } from './customers.ts';
import { localBusinessError } from './errors.ts';
import type {
  MoloniDocument,
  MoloniDocumentSet,
  MoloniDocumentSummary,
  MoloniMaturityDate,
  MoloniPaymentMethod,
} from './moloni-types.ts';

/** The API class of each document type (`invoiceReceipts/insert`, …). */
export const DOCUMENT_CLASSES: Record<DocumentType, string> = {
  invoice_receipt: 'invoiceReceipts',
  invoice: 'invoices',
  simplified_invoice: 'simplifiedInvoices',
};

/** FR and FS are paid on issue and carry `payments`; an FT is paid later. */
export const PAID_ON_ISSUE: ReadonlySet<DocumentType> = new Set(['invoice_receipt', 'simplified_invoice']);

// Moloni's document_type_id per type: FT 1 and FR 27 are seen in real responses, FS 20 comes from
// the official plugin's enum. Only a fallback: the SAF-T code in `document_type` wins.
const TYPE_IDS: Record<number, DocumentType> = {
  1: 'invoice',
  20: 'simplified_invoice',
  27: 'invoice_receipt',
};

export type MoloniDocumentStatus = 'draft' | 'final' | 'cancelled';

export interface IssueDocumentInput {
  request: InvoiceRequest;
  /** Our idempotency reference, written to the document's `our_reference` for reconciliation. */
  ourReference: string;
}

export type IssueHooks = ProviderIssueHooks;

/** Core's provider port document, with what Moloni also tells (its totals and company). */
export interface IssuedDocument extends ProviderDocument {
  /** Moloni's payable total (`net_value`), in cents. */
  totalGrossCents: number;
  /** Moloni's breakdown: amount before VAT (after discounts), VAT, payable total. */
  totals: { beforeVatCents: number; vatCents: number; totalCents: number };
  companyId: number;
  /** The name on the document (`entity_name`): the customer's as Moloni holds it. */
  customerName: string | null;
}

export interface FoundDocument extends FoundProviderDocument {
  documentType: DocumentType | null;
  status: MoloniDocumentStatus;
  series: string | null;
  ourReference: string;
  date: string | null;
  companyId: number;
}

export function documentTypeOf(document: MoloniDocumentSummary): DocumentType | null {
  const code = document.document_type?.saft_code;
  const byCode = (Object.keys(DOCUMENT_TYPE_CODES) as DocumentType[]).find(
    (type) => DOCUMENT_TYPE_CODES[type] === code,
  );
  if (byCode) return byCode;
  const id = Number(document.document_type_id ?? document.document_type?.document_type_id);
  return TYPE_IDS[id] ?? null;
}

export function statusOf(document: MoloniDocumentSummary): MoloniDocumentStatus {
  const status = Number(document.status);
  if (status === 1) return 'final';
  if (status === 0) return 'draft';
  return 'cancelled';
}

export function seriesNameOf(document: MoloniDocumentSummary): string | null {
  return document.document_set_name || document.document_set?.name || null;
}

/** The number people read and the seed returns: SAF-T code, series name, number (`FR M/32`). */
export function humanNumber(type: DocumentType, series: string, number: unknown): string | null {
  const value = Number(number);
  if (!Number.isInteger(value) || value <= 0) return null;
  return `${DOCUMENT_TYPE_CODES[type]} ${series}/${value}`;
}

const cents = (value: unknown): number => {
  const number = Number(value ?? 0);
  return Number.isFinite(number) ? roundToCents(number) : 0;
};

export function totalsOf(document: MoloniDocument): IssuedDocument['totals'] {
  return {
    beforeVatCents: cents(document.gross_value) - cents(document.comercial_discount_value),
    vatCents: cents(document.taxes_value),
    totalCents: cents(document.net_value),
  };
}

export function totalCentsOf(document: MoloniDocumentSummary): number | null {
  const value = Number(document.net_value);
  return document.net_value === undefined || !Number.isFinite(value) ? null : roundToCents(value);
}

/** The requested series by name, else the account's default, never an invisible one. */
export function pickDocumentSet(sets: MoloniDocumentSet[], name: string | undefined): MoloniDocumentSet {
  const usable = sets.filter((set) => Number(set.is_invisible ?? 0) !== 1);
  if (name !== undefined) {
    const match = usable.find((set) => normalizeName(set.name) === normalizeName(name));
    if (!match) {
      const known = usable.map((set) => set.name).join(', ');
      throw validationError([{ path: 'series', reason: `"${name}" is not a Moloni series (${known})` }]);
    }
    return match;
  }
  const chosen = usable.find((set) => Number(set.active_by_default) === 1) ?? usable[0];
  if (!chosen)
    throw localBusinessError('documentSets/getAll', 'document_set_id', 'The Moloni account has no series.');
  return chosen;
}

/**
 * The requested method by name, else the account's cash method. `paymentMethods/getAll` has no
 * default flag and no meaningful order (a real account lists Cheque, Multibanco, Numerário), so
 * the first one would be a guess; `is_numerary` is how Moloni itself marks cash. Without a cash
 * method the document carries no `payments` and Moloni applies its own default (the customer's or
 * the company's method).
 */
export function pickPaymentMethod(
  methods: MoloniPaymentMethod[],
  name: string | undefined,
): MoloniPaymentMethod | undefined {
  if (name === undefined) return methods.find((method) => Number(method.is_numerary) === 1);
  const match = methods.find((method) => normalizeName(method.name) === normalizeName(name));
  if (!match) {
    const known = methods.map((method) => method.name).join(', ');
    throw validationError([
      { path: 'payment_method', reason: `"${name}" is not a Moloni payment method (${known})` },
    ]);
  }
  return match;
}

/** Immediate payment when the account has such a term, else its first term. */
export function pickMaturityDate(dates: MoloniMaturityDate[]): MoloniMaturityDate | undefined {
  return dates.find((date) => Number(date.days ?? -1) === 0) ?? dates[0];
}

export function totalMismatch(
  documentId: number,
  expectedCents: number,
  actualCents: number | null,
): FaturadorError {
  const euros = (cents: number | null) => (cents === null ? null : (cents / 100).toFixed(2));
  return new FaturadorError(
    'TOTAL_MISMATCH',
    `Moloni computed ${euros(actualCents) ?? 'no total'} EUR for document ${documentId} instead of ${euros(expectedCents)} EUR; it was left as a draft for review.`,
    {
      document_id: documentId,
      expected: euros(expectedCents),
      actual: euros(actualCents),
      expectedCents,
      actualCents,
      status: 'draft',
    },
  );
}
