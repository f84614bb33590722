import { nifProblem } from '@faturador/core';
import { type CallContext, FieldReader, type HandlerMap, requireCompany } from '../context.ts';
import { reject } from '../errors.ts';
import { isBlank, likeMatcher, page, toFlag, toInteger, toNumber, toText } from '../params.ts';
import { LANGUAGES } from '../seed.ts';
import type { SandboxState } from '../state.ts';
import type { Company, Customer } from '../types.ts';

export const PT_COUNTRY_ID = 1;
const ZIP_PT = /^\d{4}-\d{3}$/;

export function customerView(customer: Customer, state: SandboxState): Record<string, unknown> {
  const { company_id: _company, ...rest } = customer;
  const country = state.countries.get(customer.country_id);
  const language = LANGUAGES.find((item) => item.language_id === customer.language_id);
  return {
    ...rest,
    country: country
      ? { country_id: country.country_id, name: country.name, iso_3166_1: country.iso_3166_1 }
      : null,
    language: language ?? null,
  };
}

function customersOf(ctx: CallContext, company: Company): Customer[] {
  const list = ctx.state.ofCompany(ctx.state.customers, company.company_id);
  const field = toText(ctx.params.order_by_field);
  if (!field || !['customer_id', 'number', 'name', 'vat'].includes(field)) return list;
  const direction = toText(ctx.params.order_by_ordering)?.toLowerCase() === 'desc' ? -1 : 1;
  const key = field as 'customer_id' | 'number' | 'name' | 'vat';
  return [...list].sort((a, b) => (a[key] < b[key] ? -direction : a[key] > b[key] ? direction : 0));
}

/** A `getBy<Field>` lookup with Moloni's `LIKE` semantics (see `likeMatcher`). */
function lookup(param: string, fields: ReadonlyArray<keyof Customer>, alwaysExact = false) {
  return (ctx: CallContext): unknown => {
    const company = requireCompany(ctx);
    const value = toText(ctx.params[param]);
    if (value === undefined || value === '') reject(1, param);
    const matches = likeMatcher(value, alwaysExact || toFlag(ctx.params.exact));
    const found = customersOf(ctx, company).filter((customer) =>
      fields.some((field) => matches(String(customer[field]))),
    );
    return page(found, ctx.params).map((customer) => customerView(customer, ctx.state));
  };
}

function nextNumber(customers: readonly Customer[]): string {
  let best: string | undefined;
  for (const { number } of customers) {
    if (/^\d+$/.test(number) && (best === undefined || BigInt(number) > BigInt(best))) best = number;
  }
  if (best === undefined) return '1';
  return (BigInt(best) + 1n).toString().padStart(best.length, '0');
}

function onDocuments(state: SandboxState, customerId: number): boolean {
  return [...state.documents.values()].some((document) => document.customer_id === customerId);
}

/** The insert/update field set, checked in the documented field order. */
function readCustomer(
  ctx: CallContext,
  company: Company,
  existing: Customer | undefined,
): Omit<Customer, 'customer_id'> {
  const { state } = ctx;
  const read = new FieldReader(ctx.params);
  const countryId = toInteger(ctx.params.country_id);
  const vat = read.text('vat', { required: true, max: 30 });
  if (vat && countryId === PT_COUNTRY_ID && nifProblem(vat) !== null) read.errors.add(8, 'vat');
  const number = read.text('number', { required: true, max: 20 });
  if (!read.errors.hasField('number')) {
    const clash = state
      .ofCompany(state.customers, company.company_id)
      .some((other) => other.number === number && other.customer_id !== existing?.customer_id);
    if (clash) read.errors.add(4, 'number');
  }
  const name = read.text('name', { required: true, max: 100 });
  const languageId = read.id('language_id', (id) => LANGUAGES.some((item) => item.language_id === id), {
    required: true,
  });
  const address = read.text('address', { required: true, max: 210 });
  const zip = read.text('zip_code', { max: 20 });
  if (zip && countryId === PT_COUNTRY_ID && !ZIP_PT.test(zip)) read.errors.add(7, 'zip_code');
  const city = read.text('city', { required: true, max: 50 });
  const country = read.id('country_id', (id) => state.countries.has(id), { required: true });
  const email = read.email('email');
  const website = read.text('website', { max: 100 });
  if (website && !/^(https?:\/\/)?[^\s.]+\.[^\s]+$/i.test(website)) read.errors.add(6, 'website');
  const phone = read.text('phone', { max: 20 });
  if (phone && !/^[+\d][\d\s()-]{2,}$/.test(phone)) read.errors.add(13, 'phone');
  const fax = read.text('fax', { max: 20 });
  const contactName = read.text('contact_name', { max: 100 });
  const contactEmail = read.email('contact_email');
  const contactPhone = read.text('contact_phone', { max: 20 });
  const notes = read.text('notes');
  const salesmanId = toInteger(ctx.params.salesman_id) ?? 0;
  const priceClassId = toInteger(ctx.params.price_class_id) ?? 0;
  // Documented as required, yet the official plugin sends "" for both and Moloni accepts it. A 0,
  // which real customers carry when they have no default, is refused as "not greater than 0".
  refuseZero(read, 'maturity_date_id');
  refuseZero(read, 'payment_method_id');
  const maturityDateId = read.id(
    'maturity_date_id',
    (id) => state.maturityDates.get(id)?.company_id === company.company_id,
  );
  const paymentDay = read.number('payment_day', { min: 0, max: 31 });
  const discount = read.number('discount', { min: 0, max: 100 });
  const creditLimit = read.number('credit_limit', { min: 0 });
  const paymentMethodId = read.id(
    'payment_method_id',
    (id) => state.paymentMethods.get(id)?.company_id === company.company_id,
  );
  const deliveryMethodId = toInteger(ctx.params.delivery_method_id) ?? 0;
  const fieldNotes = read.text('field_notes');
  read.errors.throwIfAny();

  // Once a customer is on a document, Moloni silently keeps its VAT and number (reference §3).
  const frozen = existing !== undefined && onDocuments(state, existing.customer_id);
  return {
    company_id: company.company_id,
    number: frozen && existing ? existing.number : number,
    name,
    vat: frozen && existing ? existing.vat : vat,
    language_id: languageId,
    address,
    city,
    zip_code: zip,
    country_id: country,
    email,
    website,
    phone,
    fax,
    contact_name: contactName,
    contact_email: contactEmail,
    contact_phone: contactPhone,
    notes,
    salesman_id: salesmanId,
    price_class_id: priceClassId,
    maturity_date_id: maturityDateId,
    payment_day: paymentDay,
    discount,
    credit_limit: creditLimit,
    payment_method_id: paymentMethodId,
    delivery_method_id: deliveryMethodId,
    field_notes: fieldNotes,
  };
}

function refuseZero(read: FieldReader, field: string): void {
  const raw = read.params[field];
  if (!isBlank(raw) && toNumber(raw) === 0) read.errors.add(2, field, ['1', '0']);
}

function requireCustomer(ctx: CallContext, company: Company): Customer {
  const raw = ctx.params.customer_id;
  if (isBlank(raw)) reject(1, 'customer_id');
  const customer = ctx.state.customers.get(toInteger(raw) ?? -1);
  if (!customer || customer.company_id !== company.company_id) reject(2, 'customer_id');
  return customer;
}

export const customerHandlers: HandlerMap = {
  'customers/getAll': (ctx) => {
    const company = requireCompany(ctx);
    return page(customersOf(ctx, company), ctx.params).map((customer) => customerView(customer, ctx.state));
  },
  'customers/count': (ctx) => ({ count: String(customersOf(ctx, requireCompany(ctx)).length) }),
  'customers/getOne': (ctx) => {
    const company = requireCompany(ctx);
    const customer = ctx.state.customers.get(toInteger(ctx.params.customer_id) ?? -1);
    // Not found is an empty array, not an error array (PHP's `[]`).
    return customer && customer.company_id === company.company_id ? customerView(customer, ctx.state) : [];
  },
  'customers/getByVat': lookup('vat', ['vat']),
  'customers/getByNumber': lookup('number', ['number']),
  'customers/getByEmail': lookup('email', ['email'], true),
  'customers/getByName': lookup('name', ['name']),
  'customers/getBySearch': lookup('search', ['name', 'vat', 'number', 'email']),
  'customers/getNextNumber': (ctx) => ({
    number: nextNumber(ctx.state.ofCompany(ctx.state.customers, requireCompany(ctx).company_id)),
  }),
  'customers/getLastNumber': (ctx) => {
    const customers = ctx.state.ofCompany(ctx.state.customers, requireCompany(ctx).company_id);
    return { number: customers.at(-1)?.number ?? '0' };
  },
  'customers/insert': (ctx) => {
    const company = requireCompany(ctx);
    const fields = readCustomer(ctx, company, undefined);
    const customer: Customer = { customer_id: ctx.state.nextId('customer'), ...fields };
    ctx.state.customers.set(customer.customer_id, customer);
    return { valid: 1, customer_id: customer.customer_id };
  },
  'customers/update': (ctx) => {
    const company = requireCompany(ctx);
    const existing = requireCustomer(ctx, company);
    const fields = readCustomer(ctx, company, existing);
    ctx.state.customers.set(existing.customer_id, { customer_id: existing.customer_id, ...fields });
    return { valid: 1, customer_id: existing.customer_id };
  },
  'customers/delete': (ctx) => {
    const company = requireCompany(ctx);
    const customer = requireCustomer(ctx, company);
    if (onDocuments(ctx.state, customer.customer_id)) {
      reject(2, 'customer_id', [], 'The customer has documents and cannot be deleted.');
    }
    ctx.state.customers.delete(customer.customer_id);
    return { valid: 1 };
  },
};
