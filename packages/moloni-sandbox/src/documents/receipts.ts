// Receipts (receipts/*). Moloni's page for receipts/update (seed 002, https://moloni.pt/dev/documents/receipts/update)
// is the evidence: a closed receipt cannot be updated; `associated_documents[].associated_id` must be
// invoices, credit notes or migrated-balance invoices (a credit note's value is a credit that reduces
// the others); `status` 0 draft (default) / 1 closed, and closing reconciles the associated documents;
// without `payments` Moloni adds one automatic payment of the whole value with the customer's or the
// company's default method, else the first method created. Required: date, document_set_id,
// customer_id, net_value, and per association associated_id and value. The page lists no
// `our_reference`, so the sandbox does not keep one (clients must find their receipts another way).
// The real receipts/getAll answer (machinagod/moloni-client-ts canned/v1/receipts/getAll) has
// gross/taxes 0, `net_value` = `reconciled_value`, and `associated_documents: [{associated_id}]`.
// The codes for "more than the open amount" and "values do not add up" are not published.
import { type CallContext, FieldReader, type Handler, requireCompany } from '../context.ts';
import { reject } from '../errors.ts';
import { isBlank, type Params, round2, toInteger, toList, toRecord, toText } from '../params.ts';
import type { Company, DocumentAssociation, DocumentPayment, SandboxDocument } from '../types.ts';
import { CREDIT_NOTE_TYPE_ID, netValueOf, settledValue } from './credit-notes.ts';
import { RECEIPT_TYPE } from './document-types.ts';
import { countHandler, getAllHandler, getOneHandler } from './read.ts';
import { closeDocument, findDocument, sourceOf } from './write.ts';

/** Invoices (FT) and migrated-balance invoices may be settled; credit notes count as credit. */
const SETTLEABLE_TYPE_IDS: ReadonlySet<number> = new Set([1, CREDIT_NOTE_TYPE_ID]);
const PAYMENT_DATE = /^(\d{4}-\d{2}-\d{2})( \d{2}:\d{2}:\d{2})?$/;

interface ParsedReceipt {
  date: string;
  document_set_id: number;
  customer_id: number;
  net_value: number;
  notes: string;
  status: 0 | 1;
  associated: DocumentAssociation[];
  payments: DocumentPayment[] | null;
}

function readAssociations(ctx: CallContext, company: Company, customerId: number, raw: unknown) {
  return toList(raw).map((item, index): DocumentAssociation => {
    const read = new FieldReader(toRecord(item), undefined, `associated_documents[${index}]`);
    if (!read.has('associated_id')) reject(1, read.name('associated_id'));
    const target = ctx.state.documents.get(toInteger(read.params.associated_id) ?? -1);
    if (
      !target ||
      target.company_id !== company.company_id ||
      target.status !== 1 ||
      !SETTLEABLE_TYPE_IDS.has(target.document_type_id) ||
      target.customer_id !== customerId
    ) {
      reject(10, read.name('associated_id'));
    }
    const value = read.number('value', { required: true, above: 0 });
    read.errors.throwIfAny();
    if (target.document_type_id !== CREDIT_NOTE_TYPE_ID) {
      const open = round2(netValueOf(ctx.state, target) - settledValue(ctx.state, target));
      if (value > open + 1e-9) {
        reject(
          5,
          read.name('value'),
          [`<= ${open}`],
          `Only ${open} is still open on document ${target.document_id}.`,
        );
      }
    }
    return { associated_id: target.document_id, value };
  });
}

function readPayments(ctx: CallContext, company: Company, raw: unknown): DocumentPayment[] {
  return toList(raw).map((item, index) => {
    const read = new FieldReader(toRecord(item), undefined, `payments[${index}]`);
    const methodId = read.id(
      'payment_method_id',
      (id) => ctx.state.paymentMethods.get(id)?.company_id === company.company_id,
      { required: true },
    );
    const match = PAYMENT_DATE.exec(toText(read.params.date) ?? '');
    if (!read.has('date')) read.errors.add(1, read.name('date'));
    else if (!match?.[1]) read.errors.add(9, read.name('date'));
    const value = read.number('value', { required: true, min: 0 });
    read.errors.throwIfAny();
    return { payment_method_id: methodId, date: match?.[1] ?? '', value, notes: read.text('notes') };
  });
}

function parseReceipt(ctx: CallContext, company: Company, params: Params): ParsedReceipt {
  const { state } = ctx;
  const read = new FieldReader(params);
  const date = read.date('date', { required: true });
  const set = state.documentSets.get(toInteger(params.document_set_id) ?? -1);
  if (!set || set.company_id !== company.company_id) read.errors.add(2, 'document_set_id');
  const customerId = read.id(
    'customer_id',
    (id) => state.customers.get(id)?.company_id === company.company_id,
    {
      required: true,
    },
  );
  const netValue = read.number('net_value', { required: true, above: 0 });
  const notes = read.text('notes');
  let status: 0 | 1 = 0;
  if (!isBlank(params.status)) {
    const value = toInteger(params.status);
    if (value === 0 || value === 1) status = value;
    else read.errors.add(5, 'status', ['[0,1]']);
  }
  read.errors.throwIfAny();
  const associated = readAssociations(ctx, company, customerId, params.associated_documents);
  const signed = associated.reduce((sum, association) => {
    const type = state.documents.get(association.associated_id)?.document_type_id;
    return sum + (type === CREDIT_NOTE_TYPE_ID ? -association.value : association.value);
  }, 0);
  if (associated.length > 0 && Math.abs(round2(signed) - netValue) > 0.005) {
    reject(5, 'net_value', [`= ${round2(signed)}`], 'net_value must equal the associated values.');
  }
  const payments = isBlank(params.payments) ? null : readPayments(ctx, company, params.payments);
  if (payments) {
    const paid = round2(payments.reduce((sum, payment) => sum + payment.value, 0));
    if (Math.abs(paid - netValue) > 0.005)
      reject(5, 'payments', [`= ${netValue}`], 'The payments must add up to net_value.');
  }
  return {
    date,
    document_set_id: set?.document_set_id ?? 0,
    customer_id: customerId,
    net_value: netValue,
    notes,
    status,
    associated,
    payments,
  };
}

function applyReceipt(ctx: CallContext, document: SandboxDocument, parsed: ParsedReceipt): void {
  const customer = ctx.state.customers.get(parsed.customer_id);
  Object.assign(document, {
    date: parsed.date,
    document_set_id: parsed.document_set_id,
    customer_id: parsed.customer_id,
    notes: parsed.notes,
    associated: parsed.associated,
    declared_net_value: parsed.net_value,
    payments: parsed.payments,
    entity: {
      number: customer?.number ?? '',
      name: customer?.name ?? '',
      vat: customer?.vat ?? '',
      address: customer?.address ?? '',
      city: customer?.city ?? '',
      zip_code: customer?.zip_code ?? '',
      country_id: customer?.country_id ?? 1,
    },
  });
}

const insertReceipt: Handler = (ctx) => {
  const company = requireCompany(ctx);
  const source = sourceOf(ctx.params);
  const parsed = parseReceipt(ctx, company, source);
  const now = ctx.clock.now();
  const document: SandboxDocument = {
    document_id: ctx.state.nextId('document'),
    company_id: company.company_id,
    document_type_id: RECEIPT_TYPE.document_type_id,
    document_set_id: 0,
    customer_id: 0,
    number: -1,
    date: '',
    expiration_date: null,
    maturity_date_id: 0,
    our_reference: '',
    your_reference: '',
    financial_discount: 0,
    notes: '',
    status: 0,
    salesman_id: 0,
    eac_id: 0,
    entity: { number: '', name: '', vat: '', address: '', city: '', zip_code: '', country_id: 1 },
    lines: [],
    payments: null,
    atcud: '',
    rsa_hash: '',
    created_at: now,
    lastmodified: now,
    source,
    calc_method_id: company.calc_method_id,
  };
  applyReceipt(ctx, document, parsed);
  if (parsed.status === 1) closeDocument(ctx, document);
  ctx.state.documents.set(document.document_id, document);
  return { valid: 1, document_id: document.document_id };
};

/** Seed 002: a closed receipt cannot be updated. The answer is `{valid: 1}` only. */
const updateReceipt: Handler = (ctx) => {
  const company = requireCompany(ctx);
  const current = findDocument(ctx, company, RECEIPT_TYPE);
  if (current.status !== 0) reject(5, 'status', [], 'A closed receipt cannot be updated.');
  const source = { ...current.source, ...sourceOf(ctx.params) };
  const parsed = parseReceipt(ctx, company, source);
  const next: SandboxDocument = { ...current, source, lastmodified: ctx.clock.now() };
  applyReceipt(ctx, next, parsed);
  if (parsed.status === 1) closeDocument(ctx, next);
  ctx.state.documents.set(next.document_id, next);
  return { valid: 1 };
};

const deleteReceipt: Handler = (ctx) => {
  const company = requireCompany(ctx);
  const document = findDocument(ctx, company, RECEIPT_TYPE);
  if (document.status !== 0) reject(5, 'status', [], 'Closed documents cannot be deleted.');
  ctx.state.documents.delete(document.document_id);
  return { valid: 1 };
};

export const receiptHandlers = {
  'receipts/insert': insertReceipt,
  'receipts/update': updateReceipt,
  'receipts/delete': deleteReceipt,
  'receipts/getOne': getOneHandler(RECEIPT_TYPE),
  'receipts/getAll': getAllHandler(RECEIPT_TYPE),
  'receipts/count': countHandler(RECEIPT_TYPE),
};
