// Settings every issuance reads (and clients cache): companies, series, taxes, payment methods,
// units, categories, maturity dates, exemptions, fiscal zones, countries, languages.
import { type CallContext, FieldReader, type HandlerMap, requireCompany } from '../context.ts';
import { DOCUMENT_TYPES } from '../documents/document-types.ts';
import { isBlank, toFlag, toInteger, toNumber, toText } from '../params.ts';
import { EXEMPTION_CODES, FISCAL_ZONES, LANGUAGES, TAX_EXEMPTIONS } from '../seed.ts';
import type { SandboxState } from '../state.ts';
import type { Company, DocumentSet, Tax } from '../types.ts';

export function companyView(company: Company, state: SandboxState): Record<string, unknown> {
  const country = state.countries.get(company.country_id);
  return {
    ...company,
    country: country
      ? { country_id: country.country_id, name: country.name, iso_3166_1: country.iso_3166_1 }
      : null,
    currency: { currency_id: 1, iso4217: 'EUR', symbol: '€' },
  };
}

export function documentSetView(set: DocumentSet): Record<string, unknown> {
  const { at_codes, company_id: _company, ...rest } = set;
  const typeIds = Object.values(DOCUMENT_TYPES).map((type) => type.document_type_id);
  return {
    ...rest,
    image: '',
    eac: { eac_id: set.eac_id, description: 'Atividades de programação informática' },
    document_types_numbers: typeIds.map((document_type_id) => ({
      document_set_id: set.document_set_id,
      document_type_id,
      initial_number: 1,
    })),
    document_set_at_codes: Object.entries(at_codes).map(([typeId, code]) => ({
      document_set_id: set.document_set_id,
      document_type_id: Number(typeId),
      initial_num: 1,
      document_set_at_code: code,
      document_set_state: 0,
    })),
  };
}

export function taxView(tax: Tax): Record<string, unknown> {
  const { company_id: _company, ...rest } = tax;
  return rest;
}

function withoutCompany<T extends { company_id: number }>(item: T): Omit<T, 'company_id'> {
  const { company_id: _company, ...rest } = item;
  return rest;
}

function taxesGetAll(ctx: CallContext): unknown {
  const company = requireCompany(ctx);
  const { params } = ctx;
  const zone = toText(params.fiscal_zone);
  const value = toNumber(params.value);
  const type = toInteger(params.type);
  const byDefault = isBlank(params.active_by_default) ? undefined : toFlag(params.active_by_default);
  return ctx.state
    .ofCompany(ctx.state.taxes, company.company_id)
    .filter((tax) => !zone || tax.fiscal_zone.toUpperCase() === zone.toUpperCase())
    .filter((tax) => value === undefined || isBlank(params.value) || tax.value === value)
    .filter((tax) => type === undefined || type === 0 || tax.type === type)
    .filter((tax) => byDefault === undefined || tax.active_by_default === (byDefault ? 1 : 0))
    .map(taxView);
}

function taxesInsert(ctx: CallContext): unknown {
  const company = requireCompany(ctx);
  const read = new FieldReader(ctx.params);
  const name = read.text('name', { required: true, max: 64 });
  const value = read.number('value', { required: true, min: 0 });
  const type = read.number('type', { required: true });
  if (![1, 2, 3].includes(type)) read.errors.add(5, 'type', ['[1,2,3]']);
  const saftType = read.number('saft_type', { required: true });
  if (![1, 2, 3].includes(saftType)) read.errors.add(5, 'saft_type', ['[1,2,3]']);
  const vatType = read.text('vat_type');
  const exemption = read.text('exemption_reason');
  if (exemption && !EXEMPTION_CODES.has(exemption)) read.errors.add(5, 'exemption_reason');
  const zone = read.text('fiscal_zone', { required: true });
  if (zone && !FISCAL_ZONES.some((item) => item.code === zone)) read.errors.add(5, 'fiscal_zone');
  const activeByDefault = read.flag('active_by_default');
  read.errors.throwIfAny();
  const tax: Tax = {
    tax_id: ctx.state.nextId('tax'),
    company_id: company.company_id,
    name,
    value,
    type: type as Tax['type'],
    saft_type: saftType as Tax['saft_type'],
    vat_type: vatType,
    stamp_tax: read.text('stamp_tax'),
    exemption_reason: exemption,
    fiscal_zone: zone,
    active_by_default: activeByDefault,
  };
  ctx.state.taxes.set(tax.tax_id, tax);
  return { valid: 1, tax_id: tax.tax_id };
}

function categoriesGetAll(ctx: CallContext): unknown {
  const company = requireCompany(ctx);
  const parentId = toInteger(ctx.params.parent_id) ?? 0;
  const categories = ctx.state.ofCompany(ctx.state.categories, company.company_id);
  const products = ctx.state.ofCompany(ctx.state.products, company.company_id);
  return categories
    .filter((category) => category.parent_id === parentId)
    .map((category) => ({
      ...withoutCompany(category),
      num_categories: categories.filter((child) => child.parent_id === category.category_id).length,
      num_products: products.filter((product) => product.category_id === category.category_id).length,
    }));
}

function categoriesInsert(ctx: CallContext): unknown {
  const company = requireCompany(ctx);
  const read = new FieldReader(ctx.params);
  if (isBlank(ctx.params.parent_id)) read.errors.add(1, 'parent_id');
  const parentId = read.id(
    'parent_id',
    (id) => ctx.state.categories.get(id)?.company_id === company.company_id,
  );
  const name = read.text('name', { required: true, max: 100 });
  const description = read.text('description');
  const posEnabled = read.flag('pos_enabled');
  read.errors.throwIfAny();
  const category = {
    category_id: ctx.state.nextId('category'),
    company_id: company.company_id,
    parent_id: parentId,
    name,
    description,
    pos_enabled: posEnabled,
  };
  ctx.state.categories.set(category.category_id, category);
  return { valid: 1, category_id: category.category_id };
}

/** A `getAll` over one company's records of a kind. */
function companyList<T extends { company_id: number }>(pick: (state: SandboxState) => Map<number, T>) {
  return (ctx: CallContext): unknown => {
    const company = requireCompany(ctx);
    return ctx.state.ofCompany(pick(ctx.state), company.company_id).map(withoutCompany);
  };
}

export const referenceHandlers: HandlerMap = {
  // The method is a company setting read with getOne (machinagod/moloni-client-ts types it there);
  // the canned getAll answer has no such field.
  'companies/getAll': (ctx) =>
    [...ctx.state.companies.values()].map((company) => {
      const { calc_method_id: _method, ...view } = companyView(company, ctx.state);
      return view;
    }),
  'companies/getOne': (ctx) => companyView(requireCompany(ctx), ctx.state),
  'documentSets/getAll': (ctx) => {
    const company = requireCompany(ctx);
    return ctx.state.ofCompany(ctx.state.documentSets, company.company_id).map(documentSetView);
  },
  'taxes/getAll': taxesGetAll,
  'taxes/insert': taxesInsert,
  'taxExemptions/getAll': () => TAX_EXEMPTIONS.map((item) => ({ ...item, at_code: item.code })),
  'paymentMethods/getAll': companyList((state) => state.paymentMethods),
  'measurementUnits/getAll': companyList((state) => state.units),
  'maturityDates/getAll': companyList((state) => state.maturityDates),
  'productCategories/getAll': categoriesGetAll,
  'productCategories/insert': categoriesInsert,
  'fiscalZones/getAll': (ctx) => {
    const countryId = toInteger(ctx.params.country_id);
    return FISCAL_ZONES.filter((zone) => !countryId || zone.country_id === countryId);
  },
  'countries/getAll': (ctx) => [...ctx.state.countries.values()],
  'languages/getAll': () => [...LANGUAGES],
  'currencies/getAll': () => [{ currency_id: 1, iso4217: 'EUR', symbol: '€', name: 'Euro' }],
  'documents/getAllDocumentTypes': () =>
    Object.values(DOCUMENT_TYPES).map(({ document_type_id, saft_code, title }) => ({
      document_type_id,
      saft_code,
      title,
    })),
};
