// Credit notes (creditNotes/*) and what they relate to. Moloni's page for creditNotes/insert
// (https://moloni.pt/dev/documents/credit-notes/insert) says `associated_documents[].associated_id`
// must be documents that can be associated with credit notes and that closing reconciles them; the
// official plugin (moloni-pt/woocommerce, src/Services/Orders/CreateCreditNote.php) sends each
// line's `related_id` = the original line's `document_product_id`, read from
// documents/getUnrelatedProducts, and one association `{associated_id, value}` (value 0 for FR/FS).
// Since 2013 a correcting document must name what it corrects (moloni.pt blog, "Atualizações
// importantes no Moloni"). The exact error codes for these refusals are not published: the sandbox
// uses the catalogue's nearest ones (1 missing, 10 not associable, 5 not allowed).
import type { CallContext, Handler } from '../context.ts';
import { requireCompany } from '../context.ts';
import { type ErrorList, reject } from '../errors.ts';
import { isBlank, type Params, round2, toInteger, toList, toNumber, toRecord } from '../params.ts';
import type { SandboxState } from '../state.ts';
import type { Company, DocumentAssociation, DocumentLine, SandboxDocument } from '../types.ts';
import { CREDITABLE_TYPE_IDS } from './document-types.ts';
import type { ParsedDocument } from './parse.ts';
import { totalsOfDocument } from './totals.ts';

export const CREDIT_NOTE_TYPE_ID = 3;
export const RECEIPT_TYPE_ID = 2;

/** How much of each original line closed credit notes already credit, by `document_product_id`. */
function creditedQuantities(state: SandboxState, except?: number): Map<number, number> {
  const credited = new Map<number, number>();
  for (const document of state.documents.values()) {
    if (document.document_type_id !== CREDIT_NOTE_TYPE_ID || document.status !== 1) continue;
    if (document.document_id === except) continue;
    for (const line of document.lines) {
      if (line.related_id) credited.set(line.related_id, (credited.get(line.related_id) ?? 0) + line.qty);
    }
  }
  return credited;
}

function lineOwner(state: SandboxState, documentProductId: number): SandboxDocument | undefined {
  for (const document of state.documents.values()) {
    if (document.lines.some((line) => line.document_product_id === documentProductId)) return document;
  }
  return undefined;
}

/** The value of closed credit notes and receipts settled against `document` (their associations). */
export function settledValue(state: SandboxState, document: SandboxDocument): number {
  let settled = 0;
  for (const other of state.documents.values()) {
    if (other.status !== 1) continue;
    if (other.document_type_id !== CREDIT_NOTE_TYPE_ID && other.document_type_id !== RECEIPT_TYPE_ID)
      continue;
    for (const association of other.associated ?? []) {
      if (association.associated_id === document.document_id) settled += association.value;
    }
  }
  return round2(settled);
}

export function netValueOf(state: SandboxState, document: SandboxDocument): number {
  return document.declared_net_value ?? totalsOfDocument(document, state).net_value;
}

/** Reads and checks `associated_documents` of a credit note and the `related_id` of its lines. */
export function readCreditNoteAssociations(
  ctx: CallContext,
  company: Company,
  parsed: ParsedDocument,
  source: Params,
): DocumentAssociation[] {
  const { state } = ctx;
  const raw = toList(source.associated_documents);
  if (raw.length === 0) reject(1, 'associated_documents');
  const associations = raw.map((item, index): DocumentAssociation => {
    const record = toRecord(item);
    const field = `associated_documents[${index}]`;
    if (isBlank(record.associated_id)) reject(1, `${field}[associated_id]`);
    const target = state.documents.get(toInteger(record.associated_id) ?? -1);
    if (
      !target ||
      target.company_id !== company.company_id ||
      target.status !== 1 ||
      !CREDITABLE_TYPE_IDS.has(target.document_type_id) ||
      target.customer_id !== parsed.customer_id
    ) {
      reject(10, `${field}[associated_id]`);
    }
    const value = isBlank(record.value) ? 0 : toNumber(record.value);
    if (value === undefined || value < 0) reject(2, `${field}[value]`);
    return { associated_id: target.document_id, value };
  });
  const allowed = new Set(associations.map((association) => association.associated_id));
  parsed.lines.forEach((line, index) => {
    if (!line.related_id) return;
    const owner = lineOwner(state, line.related_id);
    if (!owner || !allowed.has(owner.document_id)) reject(2, `products[${index}][related_id]`);
  });
  return associations;
}

/** On closing: no line may credit more than what is still uncredited of the line it relates to. */
export function checkCreditedLines(ctx: CallContext, document: SandboxDocument, errors: ErrorList): void {
  const credited = creditedQuantities(ctx.state, document.document_id);
  const asked = new Map<number, number>();
  document.lines.forEach((line, index) => {
    if (!line.related_id) return;
    const original = lineOwner(ctx.state, line.related_id)?.lines.find(
      (candidate) => candidate.document_product_id === line.related_id,
    );
    const total = (asked.get(line.related_id) ?? 0) + line.qty;
    asked.set(line.related_id, total);
    if (!original || total + (credited.get(line.related_id) ?? 0) > original.qty + 1e-9) {
      errors.add(5, `products[${index}][qty]`);
    }
  });
}

/** A line of getUnrelatedProducts: the original line with the quantity still uncredited. */
function unrelatedLine(line: DocumentLine, remaining: number, state: SandboxState) {
  return {
    document_product_id: line.document_product_id ?? 0,
    product_id: line.product_id,
    reference: state.products.get(line.product_id)?.reference ?? '',
    name: line.name,
    summary: line.summary,
    qty: remaining,
    price: line.price,
    discount: line.discount,
    exemption_reason: line.exemption_reason,
    taxes: line.taxes.map((tax) => ({ ...tax })),
  };
}

/**
 * `documents/getUnrelatedProducts {document_id}`: the lines of a document not yet fully credited,
 * each with the quantity left (the plugin reads `document_product_id`, `reference`, `qty`, `price`,
 * `discount`, `taxes`, `exemption_reason` from it).
 */
export const getUnrelatedProducts: Handler = (ctx) => {
  const company = requireCompany(ctx);
  if (isBlank(ctx.params.document_id)) reject(1, 'document_id');
  const document = ctx.state.documents.get(toInteger(ctx.params.document_id) ?? -1);
  if (!document || document.company_id !== company.company_id) reject(2, 'document_id');
  const credited = creditedQuantities(ctx.state);
  return document.lines.flatMap((line) => {
    const remaining = round2(line.qty - (credited.get(line.document_product_id ?? -1) ?? 0));
    return remaining > 0 ? [unrelatedLine(line, remaining, ctx.state)] : [];
  });
};
