// Invoice-family documents: `POST /{type}.json`, `GET|PUT /{type}/{id}.json`, `GET /invoices.json`.
import { randomBytes } from 'node:crypto';
import { createClient, documentClientView, findByCode, findByName, paginate } from './clients.ts';
import {
  type CallContext,
  type Handler,
  IxError,
  idParam,
  notFound,
  numberOf,
  text,
  wrapped,
} from './context.ts';
import {
  type Document,
  type DocumentKind,
  type DocumentPath,
  documentTotals,
  EXEMPTION_CODES,
  formatDate,
  type Line,
  lineTotals,
  PATHS,
  parseDate,
  STORED_STATUSES,
  type StoredStatus,
} from './model.ts';
import type { Account } from './state.ts';

export function statusView(status: StoredStatus, ctx: CallContext): string {
  return status === 'sent' ? ctx.behaviour.finalStatus : status;
}

function numberText(value: number): string {
  return value.toFixed(2);
}

export function documentView(document: Document, ctx: CallContext): Record<string, unknown> {
  const sequence = ctx.account.sequences.find((row) => row.id === document.sequence_id);
  const serie = sequence?.serie ?? '';
  const final = document.number !== null;
  const client = ctx.account.clients.get(document.client_id);
  return {
    id: document.id,
    status: statusView(document.status, ctx),
    archived: false,
    type: document.kind,
    sequence_number: final ? `${document.number}/${serie}` : 'rascunho',
    inverted_sequence_number: final ? `${serie}/${document.number}` : null,
    atcud: final ? `${sequence?.validation_code}-${document.number}` : null,
    sequence_id: String(document.sequence_id),
    date: document.date,
    due_date: document.due_date,
    reference: document.reference,
    observations: document.observations,
    retention: document.retention,
    permalink: `${ctx.origin}/documents/${document.id}${document.permalink_token}`,
    saft_hash: final ? document.permalink_token.slice(0, 4) : null,
    ...documentTotals(document),
    currency: 'Euro',
    client: client ? documentClientView(client) : null,
    items: document.lines.map((line) => {
      const totals = lineTotals(line);
      return {
        name: line.name,
        description: line.description,
        unit_price: numberText(line.unit_price),
        unit: line.unit,
        quantity: numberText(line.quantity),
        tax: { ...line.tax },
        discount: line.discount,
        subtotal: totals.subtotal,
        tax_amount: totals.tax_amount,
        discount_amount: totals.discount_amount,
        total: totals.total,
      };
    }),
    tax_exemption: document.tax_exemption,
    ...(document.owner_invoice_id !== null ? { owner_invoice_id: document.owner_invoice_id } : {}),
  };
}

export function wrapDocument(document: Document, ctx: CallContext): Record<string, unknown> {
  const key = document.kind === 'Receipt' ? 'receipt' : singularOf(document.kind);
  return { [key]: documentView(document, ctx) };
}

function singularOf(kind: DocumentKind): string {
  return Object.values(PATHS).find((info) => info.kind === kind)?.singular ?? 'invoice';
}

const UNITS = new Set(['hour', 'day', 'month', 'unit', 'service', 'other']);

function resolveTax(account: Account, input: unknown): Line['tax'] {
  const name = text((input as { name?: unknown } | null)?.name);
  // An unknown tax name silently becomes the account's default tax (documented).
  const tax =
    account.taxes.find((row) => row.name === name) ?? account.taxes.find((row) => row.default_tax === 1);
  if (!tax) throw new IxError(422, ['Tax is invalid']);
  return { id: tax.id, name: tax.name, value: tax.value };
}

function parseLines(ctx: CallContext, input: unknown): Line[] {
  if (!Array.isArray(input) || input.length === 0) throw new IxError(422, ["Items can't be blank"]);
  const errors: string[] = [];
  const lines: Line[] = [];
  for (const raw of input as Array<Record<string, unknown>>) {
    const name = text(raw?.name);
    const quantity = numberOf(raw?.quantity ?? 1);
    const unitPrice = numberOf(raw?.unit_price);
    const discount = numberOf(raw?.discount ?? 0);
    const unit = text(raw?.unit);
    if (!name) errors.push("Item name can't be blank");
    if (quantity === null || quantity <= 0) errors.push('Quantity must be a number greater than 0');
    if (unitPrice === null || unitPrice < 0) errors.push('Unit price must be a number');
    if (discount === null || discount < 0 || discount > 100) errors.push('Discount is invalid');
    if (unit && !UNITS.has(unit)) errors.push(`Unit ${unit} is not included in the list of accepted units`);
    if (errors.length === 0) {
      lines.push({
        name: name ?? '',
        description: text(raw.description),
        unit_price: unitPrice ?? 0,
        unit,
        quantity: quantity ?? 1,
        discount: discount ?? 0,
        tax: resolveTax(ctx.account, raw.tax),
      });
    }
  }
  if (errors.length > 0) throw new IxError(422, errors);
  // Items are upserted by name: a known name is overwritten with the line's values (documented).
  for (const line of lines) {
    const stored = ctx.account.items.get(line.name);
    ctx.account.items.set(line.name, {
      id: stored?.id ?? ctx.state.id(),
      name: line.name,
      description: line.description,
      unit_price: line.unit_price,
      unit: line.unit,
      tax_id: line.tax.id,
    });
  }
  return lines;
}

function resolveClient(ctx: CallContext, input: unknown): number {
  if (input === null || typeof input !== 'object') throw new IxError(422, ['Client is invalid']);
  const record = input as Record<string, unknown>;
  const name = text(record.name);
  if (!name) throw new IxError(422, ["Client name can't be blank"]);
  // An existing client (by code, else by name) is used as stored: a create never updates it.
  const code = text(record.code);
  const existing = (code ? findByCode(ctx.account, code) : undefined) ?? findByName(ctx.account, name);
  return (existing ?? createClient(ctx, record)).id;
}

function parseDates(ctx: CallContext, input: Record<string, unknown>): { date: string; due: string } {
  const date = parseDate(input.date, ctx.behaviour.acceptIsoDates);
  const due = parseDate(input.due_date, ctx.behaviour.acceptIsoDates);
  if (date === null) throw new IxError(422, ['Date is not valid']);
  if (due === null) throw new IxError(422, ['Due date is not valid']);
  if (due < date) throw new IxError(422, ['Due date must be later than date']);
  return { date: formatDate(date), due: formatDate(due) };
}

function checkExemption(lines: Line[], exemption: string | null): void {
  if (exemption !== null && !EXEMPTION_CODES.includes(exemption)) {
    throw new IxError(422, ['Tax exemption is not included in the list']);
  }
  if (exemption === null && lines.some((line) => line.tax.value === 0)) {
    throw new IxError(422, ["Tax exemption can't be blank when there are exempt items"]);
  }
}

function resolveSequence(ctx: CallContext, input: unknown): number {
  if (input === undefined || input === null || input === '') {
    const fallback = ctx.account.sequences.find((row) => row.default_sequence === 1);
    if (!fallback) throw new IxError(422, ['Sequence is invalid']);
    return fallback.id;
  }
  const sequence = ctx.account.sequences.find((row) => String(row.id) === String(input));
  if (!sequence) throw new IxError(422, ['Sequence is invalid']);
  return sequence.id;
}

function findByUid(account: Account, uid: string): Document | undefined {
  return [...account.documents.values()].find((document) => document.proprietary_uid === uid);
}

function createDocument(ctx: CallContext, path: DocumentPath): Document {
  const info = PATHS[path];
  const input = wrapped(ctx.body, 'invoice', info.singular);
  const uid = text(ctx.body?.proprietary_uid);
  const { date, due } = parseDates(ctx, input);
  const lines = parseLines(ctx, input.items);
  const exemption = text(input.tax_exemption);
  checkExemption(lines, exemption);
  let owner: number | null = null;
  if (path === 'credit_notes') {
    const ownerId = numberOf(input.owner_invoice_id);
    const original = ownerId === null ? undefined : ctx.account.documents.get(ownerId);
    if (original && (original.status === 'draft' || original.status === 'deleted')) {
      throw new IxError(422, ['Owner invoice must be finalized']);
    }
    if (ownerId !== null && !original) throw new IxError(422, ['Owner invoice is invalid']);
    owner = ownerId;
  }
  const document: Document = {
    id: ctx.state.id(),
    kind: info.kind,
    status: 'draft',
    sequence_id: resolveSequence(ctx, input.sequence_id),
    number: null,
    date,
    due_date: due,
    reference: text(input.reference),
    observations: text(input.observations),
    retention: text(input.retention),
    tax_exemption: exemption,
    client_id: resolveClient(ctx, input.client),
    lines,
    owner_invoice_id: owner,
    payment: null,
    proprietary_uid: uid,
    cancel_message: null,
    permalink_token: randomBytes(16).toString('hex'),
    created_at: ctx.clock.now(),
  };
  ctx.account.documents.set(document.id, document);
  return document;
}

/** The document of that id and of that path's type (ids are unique across types). */
export function documentOf(ctx: CallContext, path: DocumentPath): Document {
  const document = ctx.account.documents.get(idParam(ctx));
  if (!document || document.kind !== PATHS[path].kind) throw notFound();
  return document;
}

const TYPE_FILTERS: Record<string, DocumentKind> = {
  Invoice: 'Invoice',
  InvoiceReceipt: 'InvoiceReceipt',
  SimplifiedInvoice: 'SimplifiedInvoice',
  CreditNote: 'CreditNote',
  Receipt: 'Receipt',
};

function listDocuments(ctx: CallContext): Document[] {
  const types = ctx.query.getAll('type[]').map((value) => TYPE_FILTERS[value]);
  const statuses = ctx.query.getAll('status[]');
  if (types.includes(undefined as unknown as DocumentKind)) throw new IxError(422, ['Type is invalid']);
  if (statuses.some((status) => !STORED_STATUSES.includes(status as StoredStatus))) {
    throw new IxError(422, ['Status is invalid']);
  }
  const reference = ctx.query.get('reference');
  const search = ctx.query.get('text');
  const from = parseDate(ctx.query.get('date[from]'), false);
  const to = parseDate(ctx.query.get('date[to]'), false);
  const exact = ctx.behaviour.referenceFilter === 'exact';
  const rows = [...ctx.account.documents.values()].filter((document) => {
    if (types.length > 0 && !types.includes(document.kind)) return false;
    if (statuses.length > 0 ? !statuses.includes(document.status) : document.status === 'deleted')
      return false;
    if (reference) {
      const held = document.reference ?? '';
      if (exact ? held !== reference : !held.toLowerCase().includes(reference.toLowerCase())) return false;
    }
    if (search) {
      const haystack = `${document.reference ?? ''} ${document.observations ?? ''}`.toLowerCase();
      if (!haystack.includes(search.toLowerCase())) return false;
    }
    const day = parseDate(document.date, false) ?? 0;
    if (from !== null && day < from) return false;
    if (to !== null && day > to) return false;
    return true;
  });
  rows.sort((a, b) => b.id - a.id);
  if (ctx.state.documentOrder === 'oldest_first') rows.reverse();
  return rows;
}

function handlersOf(path: DocumentPath): Record<string, Handler> {
  return {
    [`${path}/create`]: (ctx) => {
      const uid = text(ctx.body?.proprietary_uid);
      const earlier = uid ? findByUid(ctx.account, uid) : undefined;
      if (earlier && ctx.behaviour.proprietaryUid === 'same') {
        return { status: 201, body: wrapDocument(earlier, ctx) };
      }
      if (earlier && ctx.behaviour.proprietaryUid === 'conflict') {
        throw new IxError(409, ['Proprietary uid has already been taken']);
      }
      return { status: 201, body: wrapDocument(createDocument(ctx, path), ctx) };
    },
    [`${path}/get`]: (ctx) => ({ status: 200, body: wrapDocument(documentOf(ctx, path), ctx) }),
    [`${path}/update`]: (ctx) => {
      const document = documentOf(ctx, path);
      if (document.status === 'settled') {
        throw new IxError(422, ["Invoice has been settled so can't be changed anymore"]);
      }
      if (document.status !== 'draft') throw new IxError(422, ['Only draft documents can be changed']);
      const input = wrapped(ctx.body, 'invoice', PATHS[path].singular);
      const dates = parseDates(ctx, { date: document.date, due_date: document.due_date, ...input });
      const lines = input.items === undefined ? document.lines : parseLines(ctx, input.items);
      const exemption = 'tax_exemption' in input ? text(input.tax_exemption) : document.tax_exemption;
      checkExemption(lines, exemption);
      Object.assign(document, {
        date: dates.date,
        due_date: dates.due,
        lines,
        tax_exemption: exemption,
        ...('reference' in input ? { reference: text(input.reference) } : {}),
        ...('observations' in input ? { observations: text(input.observations) } : {}),
        ...(input.client !== undefined ? { client_id: resolveClient(ctx, input.client) } : {}),
      });
      return { status: 200, body: wrapDocument(document, ctx) };
    },
  };
}

export const documentHandlers: Record<string, Handler> = {
  ...handlersOf('invoices'),
  ...handlersOf('invoice_receipts'),
  ...handlersOf('simplified_invoices'),
  ...handlersOf('credit_notes'),
  'invoices/list': (ctx) => {
    const page = paginate(listDocuments(ctx), ctx.query);
    return {
      status: 200,
      body: { invoices: page.rows.map((row) => documentView(row, ctx)), pagination: page.pagination },
    };
  },
};
