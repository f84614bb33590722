// Validation of the parameter family shared by invoiceReceipts, invoices and simplifiedInvoices
// (insert, and update with the stored fields merged in), with the reference's error codes.
import { type CallContext, FieldReader } from '../context.ts';
import { isBlank, type Params, toInteger, toList, toRecord, toText } from '../params.ts';
import { EXEMPTION_CODES } from '../seed.ts';
import type {
  Company,
  DocumentEntity,
  DocumentLine,
  DocumentLineTax,
  DocumentPayment,
  Tax,
} from '../types.ts';
import type { DocumentTypeInfo } from './document-types.ts';

export interface ParsedDocument {
  document_set_id: number;
  customer_id: number;
  date: string;
  expiration_date: string | null;
  maturity_date_id: number;
  our_reference: string;
  your_reference: string;
  financial_discount: number;
  notes: string;
  status: 0 | 1;
  salesman_id: number;
  eac_id: number;
  entity: DocumentEntity;
  lines: DocumentLine[];
  payments: DocumentPayment[] | null;
}

const PAYMENT_DATE = /^(\d{4}-\d{2}-\d{2})( \d{2}:\d{2}:\d{2})?$/;

function readLineTaxes(
  ctx: CallContext,
  company: Company,
  raw: unknown,
  line: FieldReader,
): DocumentLineTax[] {
  const taxes: DocumentLineTax[] = [];
  toList(raw).forEach((item, index) => {
    const read = new FieldReader(toRecord(item), line.errors, `${line.name('taxes')}[${index}]`);
    const taxId = read.id('tax_id', (id) => ctx.state.taxes.get(id)?.company_id === company.company_id, {
      required: true,
    });
    const value = read.number('value', { min: 0 });
    const order = read.number('order', { fallback: index });
    const cumulative = read.flag('cumulative');
    if (taxId) taxes.push({ tax_id: taxId, value, order, cumulative });
  });
  return taxes;
}

/** Errors 15 (one VAT per line) and 14 (other taxes before a cumulative VAT). */
function checkTaxCombination(
  taxes: readonly DocumentLineTax[],
  taxOf: (id: number) => Tax | undefined,
  line: FieldReader,
) {
  const ordered = [...taxes].sort((a, b) => a.order - b.order);
  const vatPositions = ordered.flatMap((entry, index) =>
    taxOf(entry.tax_id)?.saft_type === 1 ? [index] : [],
  );
  if (vatPositions.length > 1) {
    line.errors.add(15, line.name('taxes'));
    return;
  }
  const [vatIndex] = vatPositions;
  const hasOther = ordered.some((entry) => taxOf(entry.tax_id)?.saft_type === 3);
  if (vatIndex !== undefined && hasOther) {
    const vatIsFirst = ordered.slice(0, vatIndex).every((entry) => taxOf(entry.tax_id)?.saft_type !== 3);
    if (vatIsFirst || ordered[vatIndex]?.cumulative !== 1) line.errors.add(14, line.name('taxes'));
  }
}

function readLine(
  ctx: CallContext,
  company: Company,
  raw: unknown,
  index: number,
  read: FieldReader,
): DocumentLine {
  const taxOf = (id: number) => ctx.state.taxes.get(id);
  const line = new FieldReader(toRecord(raw), read.errors, `products[${index}]`);
  const productId = line.id(
    'product_id',
    (id) => ctx.state.products.get(id)?.company_id === company.company_id,
    {
      required: true,
    },
  );
  const name = line.text('name', { required: true, max: 200 });
  const summary = line.text('summary');
  const qty = line.number('qty', { required: true, above: 0 });
  const price = line.number('price', { required: true, min: 0 });
  const discount = line.number('discount', { min: 0, max: 100 });
  const order = line.number('order', { fallback: index });
  const taxes = readLineTaxes(ctx, company, line.params.taxes, line);
  checkTaxCombination(taxes, taxOf, line);
  const vat = taxes.map((entry) => taxOf(entry.tax_id)).filter((tax) => tax?.saft_type === 1);
  const needsExemption = vat.length === 0 || vat.some((tax) => tax?.value === 0);
  let exemption = '';
  if (needsExemption) {
    exemption = line.text('exemption_reason', { required: true });
    if (exemption !== '' && !EXEMPTION_CODES.has(exemption))
      line.errors.add(5, line.name('exemption_reason'));
  }
  const relatedId = toInteger(line.params.related_id) ?? 0;
  return {
    ...(relatedId > 0 ? { related_id: relatedId } : {}),
    product_id: productId,
    name,
    summary,
    qty,
    price,
    discount,
    order,
    exemption_reason: exemption,
    taxes,
  };
}

function readPayments(
  ctx: CallContext,
  company: Company,
  raw: unknown,
  read: FieldReader,
): DocumentPayment[] {
  return toList(raw).map((item, index) => {
    const payment = new FieldReader(toRecord(item), read.errors, `payments[${index}]`);
    const methodId = payment.id(
      'payment_method_id',
      (id) => ctx.state.paymentMethods.get(id)?.company_id === company.company_id,
      { required: true },
    );
    let date = '';
    if (!payment.has('date')) payment.errors.add(1, payment.name('date'));
    else {
      const match = PAYMENT_DATE.exec(toText(payment.params.date) ?? '');
      if (match?.[1]) date = match[1];
      else payment.errors.add(9, payment.name('date'));
    }
    const value = payment.number('value', { required: true, min: 0 });
    return { payment_method_id: methodId, date, value, notes: payment.text('notes') };
  });
}

/** Validates a full set of document fields; throws Moloni's error array on the first failing stage. */
export function parseDocument(
  ctx: CallContext,
  company: Company,
  type: DocumentTypeInfo,
  params: Params,
): ParsedDocument {
  const { state } = ctx;
  const read = new FieldReader(params);
  const date = read.date('date', { required: true });
  const expiration = read.date('expiration_date');
  if (date && expiration && expiration < date) read.errors.add(12, 'expiration_date', ['>=', date]);
  const maturityDateId = read.id(
    'maturity_date_id',
    (id) => state.maturityDates.get(id)?.company_id === company.company_id,
  );
  // A missing series is reported as `2 document_set_id`, not `1` (reference §1, UT example).
  const setId = toInteger(params.document_set_id);
  const set = setId === undefined ? undefined : state.documentSets.get(setId);
  if (!set || set.company_id !== company.company_id) read.errors.add(2, 'document_set_id');
  const customerId = read.id(
    'customer_id',
    (id) => state.customers.get(id)?.company_id === company.company_id,
    {
      required: true,
    },
  );
  const ourReference = read.text('our_reference');
  const yourReference = read.text('your_reference');
  const financialDiscount = read.number('financial_discount', { min: 0, max: 100 });
  const salesmanId = toInteger(params.salesman_id) ?? 0;
  const eacId = toInteger(params.eac_id) || (set?.eac_id ?? 0);
  const productsRaw = toList(params.products);
  if (productsRaw.length === 0) read.errors.add(1, 'products');
  const notes = read.text('notes');
  let status: 0 | 1 = 0;
  if (!isBlank(params.status)) {
    const value = toInteger(params.status);
    if (value === 0 || value === 1) status = value;
    else read.errors.add(5, 'status', ['[0,1]']);
  }
  // Line and payment errors only once the document itself is valid.
  read.errors.throwIfAny();

  const lines = productsRaw.map((raw, index) => readLine(ctx, company, raw, index, read));
  const payments =
    type.selfPaid && !isBlank(params.payments) ? readPayments(ctx, company, params.payments, read) : null;
  read.errors.throwIfAny();

  const customer = state.customers.get(customerId);
  const entity: DocumentEntity = {
    number: customer?.number ?? '',
    name: customer?.name ?? '',
    vat: customer?.vat ?? '',
    address: customer?.address ?? '',
    city: customer?.city ?? '',
    zip_code: customer?.zip_code ?? '',
    country_id: customer?.country_id ?? 1,
  };
  return {
    document_set_id: set?.document_set_id ?? 0,
    customer_id: customerId,
    date,
    expiration_date: expiration || null,
    maturity_date_id: maturityDateId,
    our_reference: ourReference,
    your_reference: yourReference,
    financial_discount: financialDiscount,
    notes,
    status,
    salesman_id: salesmanId,
    eac_id: eacId,
    entity,
    lines,
    payments: type.selfPaid ? payments : [],
  };
}
