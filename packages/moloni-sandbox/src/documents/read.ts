import { randomBytes } from 'node:crypto';
import { type CallContext, type Handler, requireCompany } from '../context.ts';
import { reject } from '../errors.ts';
import {
  isBlank,
  likeMatcher,
  moloniDate,
  moloniTimestamp,
  type Params,
  page,
  round2,
  toInteger,
  toText,
} from '../params.ts';
import type { SandboxState } from '../state.ts';
import type { SandboxDocument } from '../types.ts';
import { settledValue } from './credit-notes.ts';
import { DOCUMENT_TYPES, type DocumentTypeInfo, documentTypeById, RECEIPT_TYPE } from './document-types.ts';
import { type DocumentTotals, totalsOfDocument } from './totals.ts';
import { findDocument } from './write.ts';

export function totalsOf(document: SandboxDocument, state: SandboxState): DocumentTotals {
  return totalsOfDocument(document, state);
}

/** FR/FS are paid when closed; FT by the credit notes and receipts closed against it; NC/RE in full. */
function reconciledValue(
  document: SandboxDocument,
  state: SandboxState,
  type: DocumentTypeInfo | undefined,
  netValue: number,
): number {
  if (document.status !== 1) return 0;
  if (type?.document_type_id === DOCUMENT_TYPES.invoices.document_type_id) {
    return Math.min(netValue, settledValue(state, document));
  }
  return netValue;
}

/** The documents that associate this one (credit notes and receipts), as ids. */
function reverseAssociations(document: SandboxDocument, state: SandboxState): number[] {
  return [...state.documents.values()]
    .filter((other) => other.associated?.some((a) => a.associated_id === document.document_id))
    .map((other) => other.document_id);
}

function paymentsView(document: SandboxDocument, state: SandboxState, netValue: number) {
  const payments = document.payments ?? [
    {
      // Moloni pays an FR/FS without `payments` in full with the customer's method, else the
      // first one created (Moloni's API documentation, seed 002) — not the first one listed.
      payment_method_id:
        state.customers.get(document.customer_id)?.payment_method_id ||
        Math.min(
          ...state.ofCompany(state.paymentMethods, document.company_id).map((m) => m.payment_method_id),
        ),
      date: document.date,
      value: netValue,
      notes: '',
    },
  ];
  return payments.map((payment) => ({
    payment_method_id: payment.payment_method_id,
    payment_method_name: state.paymentMethods.get(payment.payment_method_id)?.name ?? '',
    date: moloniDate(payment.date),
    value: payment.value,
    notes: payment.notes,
  }));
}

function linesView(document: SandboxDocument, state: SandboxState, totals: DocumentTotals) {
  return document.lines.map((line, index) => ({
    document_product_id: line.document_product_id ?? 0,
    related_id: line.related_id ?? 0,
    product_id: line.product_id,
    name: line.name,
    summary: line.summary,
    qty: line.qty,
    price: line.price,
    discount: line.discount,
    order: line.order,
    exemption_reason: line.exemption_reason,
    taxes: (totals.lines[index]?.taxes ?? []).map((tax) => {
      const record = state.taxes.get(tax.tax_id);
      return {
        tax_id: tax.tax_id,
        value: tax.rate,
        incidence_value: round2(tax.incidence),
        total_value: round2(tax.amount),
        tax: record
          ? { name: record.name, saft_type: record.saft_type, fiscal_zone: record.fiscal_zone }
          : null,
      };
    }),
  }));
}

/** The §5 shape; list items (`getAll`) leave out products and payments, as Moloni does. */
export function documentView(document: SandboxDocument, state: SandboxState, detailed: boolean) {
  const type = documentTypeById(document.document_type_id);
  const set = state.documentSets.get(document.document_set_id);
  const country = state.countries.get(document.entity.country_id);
  const totals = totalsOf(document, state);
  const netValue = document.declared_net_value ?? totals.net_value;
  const view: Record<string, unknown> = {
    document_id: document.document_id,
    company_id: document.company_id,
    document_type_id: document.document_type_id,
    customer_id: document.customer_id,
    supplier_id: 0,
    salesman_id: document.salesman_id,
    document_set_id: document.document_set_id,
    document_set_name: set?.name ?? '',
    number: document.number,
    date: moloniDate(document.date),
    expiration_date: document.expiration_date ? moloniDate(document.expiration_date) : null,
    maturity_date_id: document.maturity_date_id,
    year: Number(document.date.slice(0, 4)),
    your_reference: document.your_reference,
    our_reference: document.our_reference,
    entity_number: document.entity.number,
    entity_name: document.entity.name,
    entity_vat: document.entity.vat,
    entity_address: document.entity.address,
    entity_city: document.entity.city,
    entity_zip_code: document.entity.zip_code,
    entity_country: country?.name ?? '',
    entity_country_id: document.entity.country_id,
    financial_discount: document.financial_discount,
    gross_value: totals.gross_value,
    comercial_discount_value: totals.comercial_discount_value,
    financial_discount_value: totals.financial_discount_value,
    taxes_value: totals.taxes_value,
    deduction_value: totals.deduction_value,
    net_value: netValue,
    reconciled_value: reconciledValue(document, state, type, netValue),
    status: document.status,
    atcud: document.atcud,
    rsa_hash: document.rsa_hash,
    notes: document.notes,
    lastmodified: moloniTimestamp(document.lastmodified),
    document_type: { document_type_id: document.document_type_id, saft_code: type?.saft_code ?? '' },
    document_set: { document_set_id: document.document_set_id, name: set?.name ?? '' },
    associated_documents: (document.associated ?? []).map((association) => ({ ...association })),
    reverse_associated_documents: reverseAssociations(document, state),
    document_calc_method: { document_id: document.document_id, calc_method_id: document.calc_method_id },
  };
  if (detailed) {
    view.products = linesView(document, state, totals);
    const paid = type?.selfPaid || type?.document_type_id === RECEIPT_TYPE.document_type_id;
    view.payments = paid ? paymentsView(document, state, netValue) : [];
  }
  return view;
}

/** Ids and numbers sent as "" or 0 mean "no filter" (reference §1). */
function idFilter(params: Params, field: string): number | undefined {
  const value = toInteger(params[field]);
  return value ? value : undefined;
}

function textFilter(params: Params, field: string): ((value: string) => boolean) | undefined {
  const value = toText(params[field]);
  // Substring match: whether Moloni matches references exactly is undocumented, so the sandbox
  // takes the looser reading and clients must compare the reference themselves.
  return value ? likeMatcher(value, false) : undefined;
}

/** The documents a getOne/getAll/count sees, newest first unless the state says otherwise. */
export function matchingDocuments(ctx: CallContext, type: DocumentTypeInfo | undefined): SandboxDocument[] {
  const company = requireCompany(ctx);
  const { params } = ctx;
  const ids: Array<[keyof SandboxDocument, number | undefined]> = [
    ['document_id', idFilter(params, 'document_id')],
    ['customer_id', idFilter(params, 'customer_id')],
    ['salesman_id', idFilter(params, 'salesman_id')],
    ['document_set_id', idFilter(params, 'document_set_id')],
    ['number', idFilter(params, 'number')],
  ];
  const year = idFilter(params, 'year');
  const date = toText(params.date) || undefined;
  const expiration = toText(params.expiration_date) || undefined;
  const ourReference = textFilter(params, 'our_reference');
  const yourReference = textFilter(params, 'your_reference');
  const status = isBlank(params.status) ? undefined : toInteger(params.status);
  return [...ctx.state.documents.values()]
    .filter((document) => document.company_id === company.company_id)
    .filter((document) => !type || document.document_type_id === type.document_type_id)
    .filter((document) => ids.every(([field, value]) => value === undefined || document[field] === value))
    .filter((document) => !year || document.date.startsWith(`${year}-`))
    .filter((document) => !date || document.date === date)
    .filter((document) => !expiration || document.expiration_date === expiration)
    .filter((document) => !ourReference || ourReference(document.our_reference))
    .filter((document) => !yourReference || yourReference(document.your_reference))
    .filter((document) => status === undefined || document.status === status)
    .sort((a, b) =>
      ctx.state.documentOrder === 'oldest_first'
        ? a.document_id - b.document_id
        : b.document_id - a.document_id,
    );
}

export function getOneHandler(type?: DocumentTypeInfo): Handler {
  return (ctx) => {
    // Several matches → only the first (reference §5); none → an empty array.
    const [first] = matchingDocuments(ctx, type);
    return first ? documentView(first, ctx.state, true) : [];
  };
}

export function getAllHandler(type?: DocumentTypeInfo): Handler {
  return (ctx) =>
    page(matchingDocuments(ctx, type), ctx.params).map((item) => documentView(item, ctx.state, false));
}

export function countHandler(type?: DocumentTypeInfo): Handler {
  // Moloni returns the count as a string.
  return (ctx) => ({ count: String(matchingDocuments(ctx, type).length) });
}

export const getPdfLink: Handler = (ctx) => {
  const company = requireCompany(ctx);
  const document = findDocument(ctx, company);
  if (document.status !== 1) reject(5, 'status', [], 'Drafts have no PDF; close the document first.');
  const hash = randomBytes(16).toString('hex');
  ctx.state.pdfLinks.set(hash, document.document_id);
  // Like Moloni's, the link is a landing page for people; the file itself is at
  // `downloads/index.php?action=getDownload&<this query>` (moloni-pt/woocommerce,
  // src/Services/Documents/DownloadDocument.php).
  const query = new URLSearchParams({ h: hash, d: String(document.document_id) });
  return { url: `${ctx.origin}/downloads/?${query}` };
};
