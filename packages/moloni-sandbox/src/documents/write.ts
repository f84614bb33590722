import { randomBytes } from 'node:crypto';
import { FINAL_CONSUMER_NIF } from '@faturador/core';
import { type CallContext, type Handler, requireCompany } from '../context.ts';
import { ErrorList, reject } from '../errors.ts';
import { isBlank, type Params, toInteger } from '../params.ts';
import type { Company, DocumentEntity, SandboxDocument } from '../types.ts';
import { CREDIT_NOTE_TYPE_ID, checkCreditedLines, readCreditNoteAssociations } from './credit-notes.ts';
import type { DocumentTypeInfo } from './document-types.ts';
import { type ParsedDocument, parseDocument } from './parse.ts';
import { totalsOfDocument } from './totals.ts';

function readAssociations(
  ctx: CallContext,
  company: Company,
  type: DocumentTypeInfo,
  parsed: ParsedDocument,
  source: Params,
) {
  return type.document_type_id === CREDIT_NOTE_TYPE_ID
    ? readCreditNoteAssociations(ctx, company, parsed, source)
    : undefined;
}

const CLOSED_REASON = 'Closed documents cannot be changed or deleted; issue a credit note instead.';

/** Former CIVA art. 36 nº 15 / error 16: the markers Moloni treats as an unidentified buyer. */
export function isAnonymousBuyer(entity: DocumentEntity): boolean {
  const same = (a: string, b: string) => a.trim().toLowerCase() === b.toLowerCase();
  return (
    entity.vat.trim() === FINAL_CONSUMER_NIF ||
    same(entity.name, 'Consumidor Final') ||
    same(entity.address, 'Desconhecido') ||
    same(entity.city, 'Desconhecido') ||
    entity.zip_code.trim() === '0000-000'
  );
}

function numberingKey(document: SandboxDocument): string {
  return `${document.document_set_id}:${document.document_type_id}`;
}

/**
 * The checks Moloni runs when a document becomes final, then the sequential number. Mutates
 * `document` only when every check passes.
 */
export function closeDocument(ctx: CallContext, document: SandboxDocument): void {
  const { state } = ctx;
  const totals = totalsOfDocument(document, state);
  const netValue = document.declared_net_value ?? totals.net_value;
  const errors = new ErrorList();
  if (netValue <= 0) errors.add(2, 'net_value');
  // A credit note is checked against what is still uncredited when it becomes final.
  if (document.document_type_id === CREDIT_NOTE_TYPE_ID) checkCreditedLines(ctx, document, errors);
  const { anonymousBuyerLimit } = ctx.behaviour;
  if (anonymousBuyerLimit !== null && netValue >= anonymousBuyerLimit && isAnonymousBuyer(document.entity)) {
    errors.add(16, 'customer_id');
  }
  // AT requires non-decreasing dates within a series and document type.
  let lastDate = '';
  for (const other of state.documents.values()) {
    if (other.status === 1 && numberingKey(other) === numberingKey(document) && other.date > lastDate) {
      lastDate = other.date;
    }
  }
  if (lastDate && document.date < lastDate) errors.add(12, 'date', ['>=', lastDate]);
  errors.throwIfAny();

  const key = numberingKey(document);
  const number = (state.numbering.get(key) ?? 0) + 1;
  state.numbering.set(key, number);
  const set = state.documentSets.get(document.document_set_id);
  document.status = 1;
  document.number = number;
  document.atcud = `${set?.at_codes[document.document_type_id] ?? '0'}-${number}`;
  document.rsa_hash = randomBytes(96).toString('base64');
}

function applyParsed(ctx: CallContext, document: SandboxDocument, parsed: ParsedDocument): void {
  const previous = document.lines;
  const { status: _status, ...fields } = parsed;
  Object.assign(document, fields);
  // Every line has an id of its own (`document_product_id`), which credit notes relate to; a
  // draft update keeps the ids of the lines it keeps.
  document.lines.forEach((line, index) => {
    line.document_product_id = previous[index]?.document_product_id ?? ctx.state.nextId('documentProduct');
  });
}

/** The request fields worth keeping for a later draft update (not the routing ones). */
export function sourceOf(params: Params): Params {
  const { company_id: _company, document_id: _document, send_email: _email, ...rest } = params;
  return rest;
}

function requireDocument(
  ctx: CallContext,
  company: Company,
  type: DocumentTypeInfo | undefined,
): SandboxDocument {
  if (isBlank(ctx.params.document_id)) reject(1, 'document_id');
  const document = ctx.state.documents.get(toInteger(ctx.params.document_id) ?? -1);
  const wrongType = type !== undefined && document?.document_type_id !== type.document_type_id;
  if (!document || document.company_id !== company.company_id || wrongType) reject(2, 'document_id');
  return document;
}

export function findDocument(ctx: CallContext, company: Company, type?: DocumentTypeInfo): SandboxDocument {
  return requireDocument(ctx, company, type);
}

export function insertHandler(type: DocumentTypeInfo): Handler {
  return (ctx) => {
    const company = requireCompany(ctx);
    const source = sourceOf(ctx.params);
    const parsed = parseDocument(ctx, company, type, source);
    const associated = readAssociations(ctx, company, type, parsed, source);
    const now = ctx.clock.now();
    const document: SandboxDocument = {
      ...parsed,
      document_id: ctx.state.nextId('document'),
      company_id: company.company_id,
      document_type_id: type.document_type_id,
      // Real accounts number drafts -1 (moloni-client-ts, canned/v1/documents/getAll).
      number: -1,
      status: 0,
      atcud: '',
      rsa_hash: '',
      created_at: now,
      lastmodified: now,
      source,
      // A document keeps the method it was created with, even if the company's changes later.
      calc_method_id: company.calc_method_id,
      ...(associated ? { associated } : {}),
      lines: [],
    };
    applyParsed(ctx, document, parsed);
    if (parsed.status === 1) closeDocument(ctx, document);
    ctx.state.documents.set(document.document_id, document);
    return { valid: 1, document_id: document.document_id };
  };
}

/**
 * Draft update. `{document_id, status: 1}` alone closes a draft (what the official plugin sends);
 * other fields replace the stored ones and the whole document is validated again.
 */
export function updateHandler(type: DocumentTypeInfo): Handler {
  return (ctx) => {
    const company = requireCompany(ctx);
    const current = requireDocument(ctx, company, type);
    if (current.status !== 0) reject(5, 'status', [], CLOSED_REASON);
    const source = { ...current.source, ...sourceOf(ctx.params) };
    const parsed = parseDocument(ctx, company, type, source);
    const associated = readAssociations(ctx, company, type, parsed, source);
    const next: SandboxDocument = {
      ...current,
      source,
      lastmodified: ctx.clock.now(),
      ...(associated ? { associated } : {}),
    };
    applyParsed(ctx, next, parsed);
    if (parsed.status === 1) closeDocument(ctx, next);
    ctx.state.documents.set(next.document_id, next);
    return { valid: 1, document_id: next.document_id };
  };
}

export function deleteHandler(type: DocumentTypeInfo): Handler {
  return (ctx) => {
    const company = requireCompany(ctx);
    const document = requireDocument(ctx, company, type);
    if (document.status !== 0) reject(5, 'status', [], CLOSED_REASON);
    ctx.state.documents.delete(document.document_id);
    return { valid: 1 };
  };
}
