import { type CallContext, FieldReader, type HandlerMap, requireCompany } from '../context.ts';
import { reject } from '../errors.ts';
import { isBlank, likeMatcher, page, round, toFlag, toInteger, toList, toRecord, toText } from '../params.ts';
import { EXEMPTION_CODES } from '../seed.ts';
import type { SandboxState } from '../state.ts';
import type { Company, Product, ProductTax } from '../types.ts';
import { taxView } from './reference.ts';

const AT_PRODUCT_CATEGORIES = ['M', 'P', 'A', 'S', 'T', 'B'];

export function productView(product: Product, state: SandboxState): Record<string, unknown> {
  const { company_id: _company, ...rest } = product;
  const category = state.categories.get(product.category_id);
  const unit = state.units.get(product.unit_id);
  return {
    ...rest,
    composition_type: 0,
    child_products: [],
    category: category ? { category_id: category.category_id, name: category.name } : null,
    measurement_unit: unit ? { unit_id: unit.unit_id, name: unit.name, short_name: unit.short_name } : null,
    taxes: product.taxes.map((line) => {
      const tax = state.taxes.get(line.tax_id);
      return { ...line, tax: tax ? taxView(tax) : null };
    }),
  };
}

function lookup(param: string, fields: ReadonlyArray<'name' | 'reference' | 'ean'>) {
  return (ctx: CallContext): unknown => {
    const company = requireCompany(ctx);
    const value = toText(ctx.params[param]);
    if (value === undefined || value === '') reject(1, param);
    const matches = likeMatcher(value, toFlag(ctx.params.exact));
    const withInvisible = toFlag(ctx.params.with_invisible);
    const found = ctx.state
      .ofCompany(ctx.state.products, company.company_id)
      .filter((product) => withInvisible || product.visibility_id === 1)
      .filter((product) => fields.some((field) => matches(product[field])));
    return page(found, ctx.params).map((product) => productView(product, ctx.state));
  };
}

function readTaxes(ctx: CallContext, company: Company, price: number, read: FieldReader): ProductTax[] {
  const result: ProductTax[] = [];
  toList(ctx.params.taxes).forEach((raw, index) => {
    const line = new FieldReader(toRecord(raw), read.errors, `taxes[${index}]`);
    const taxId = line.id('tax_id', (id) => ctx.state.taxes.get(id)?.company_id === company.company_id, {
      required: true,
    });
    const order = line.number('order', { fallback: index });
    const cumulative = line.flag('cumulative');
    const tax = ctx.state.taxes.get(taxId);
    // The stored value is the tax amount on the unit price (canned: 2.58 at 23% → 0.5934).
    const value = tax?.type === 1 ? round((price * tax.value) / 100, 4) : line.number('value', { min: 0 });
    if (tax) result.push({ tax_id: taxId, value, order, cumulative });
  });
  return result;
}

function readProduct(
  ctx: CallContext,
  company: Company,
  existing: Product | undefined,
): Omit<Product, 'product_id'> {
  const { state, params } = ctx;
  const read = new FieldReader(params);
  const categoryId = read.id(
    'category_id',
    (id) => state.categories.get(id)?.company_id === company.company_id,
    {
      required: true,
    },
  );
  const type = read.number('type', { required: true });
  if (read.has('type') && ![1, 2, 3, 4].includes(type)) read.errors.add(5, 'type', ['[1,2,3,4]']);
  const name = read.text('name', { required: true, max: 200 });
  const summary = read.text('summary');
  const reference = read.text('reference', { required: true, max: 30 });
  if (!read.errors.hasField('reference')) {
    const clash = state
      .ofCompany(state.products, company.company_id)
      .some((other) => other.reference.toLowerCase() === reference.toLowerCase() && other !== existing);
    if (clash) read.errors.add(4, 'reference');
  }
  const ean = read.text('ean', { max: 30 });
  const price = read.number('price', { required: true, min: 0 });
  const unitId = read.id('unit_id', (id) => state.units.get(id)?.company_id === company.company_id, {
    required: true,
  });
  const hasStock = read.flag('has_stock');
  const stock = read.number('stock');
  const posFavorite = read.flag('pos_favorite');
  const atCategory = read.text('at_product_category');
  if (hasStock === 1 && atCategory === '') read.errors.add(1, 'at_product_category');
  else if (atCategory !== '' && !AT_PRODUCT_CATEGORIES.includes(atCategory)) {
    read.errors.add(5, 'at_product_category', [JSON.stringify(AT_PRODUCT_CATEGORIES)]);
  }
  const rawTaxes = toList(params.taxes).map(toRecord);
  const vat = rawTaxes
    .map((line) => state.taxes.get(toInteger(line.tax_id) ?? -1))
    .filter((tax) => tax?.saft_type === 1 && tax.company_id === company.company_id);
  const exemption = read.text('exemption_reason');
  if (vat.length === 0 || vat.some((tax) => tax?.value === 0)) {
    if (exemption === '') read.errors.add(1, 'exemption_reason');
    else if (!EXEMPTION_CODES.has(exemption)) read.errors.add(5, 'exemption_reason');
  }
  // Nested errors only show up once the product itself is valid (reference, products/insert).
  read.errors.throwIfAny();
  if (vat.length > 1) read.errors.add(15, 'taxes');
  const taxes = readTaxes(ctx, company, price, read);
  read.errors.throwIfAny();
  return {
    company_id: company.company_id,
    category_id: categoryId,
    type,
    name,
    summary,
    reference,
    ean,
    price,
    unit_id: unitId,
    has_stock: hasStock,
    stock,
    pos_favorite: posFavorite,
    at_product_category: atCategory,
    exemption_reason: vat.length === 0 || vat.some((tax) => tax?.value === 0) ? exemption : '',
    visibility_id: existing?.visibility_id ?? 1,
    taxes,
  };
}

function requireProduct(ctx: CallContext, company: Company): Product {
  if (isBlank(ctx.params.product_id)) reject(1, 'product_id');
  const product = ctx.state.products.get(toInteger(ctx.params.product_id) ?? -1);
  if (!product || product.company_id !== company.company_id) reject(2, 'product_id');
  return product;
}

export const productHandlers: HandlerMap = {
  'products/getAll': (ctx) => {
    const company = requireCompany(ctx);
    const categoryId = toInteger(ctx.params.category_id);
    const found = ctx.state
      .ofCompany(ctx.state.products, company.company_id)
      .filter((product) => !categoryId || product.category_id === categoryId);
    return page(found, ctx.params).map((product) => productView(product, ctx.state));
  },
  'products/count': (ctx) => ({
    count: String(ctx.state.ofCompany(ctx.state.products, requireCompany(ctx).company_id).length),
  }),
  'products/getOne': (ctx) => {
    const company = requireCompany(ctx);
    const product = ctx.state.products.get(toInteger(ctx.params.product_id) ?? -1);
    return product && product.company_id === company.company_id ? productView(product, ctx.state) : [];
  },
  'products/getByReference': lookup('reference', ['reference']),
  'products/getByName': lookup('name', ['name']),
  'products/getByEAN': lookup('ean', ['ean']),
  'products/getBySearch': lookup('search', ['name', 'reference', 'ean']),
  'products/insert': (ctx) => {
    const company = requireCompany(ctx);
    const product: Product = {
      product_id: ctx.state.nextId('product'),
      ...readProduct(ctx, company, undefined),
    };
    ctx.state.products.set(product.product_id, product);
    return { valid: 1, product_id: product.product_id };
  },
  'products/update': (ctx) => {
    const company = requireCompany(ctx);
    const existing = requireProduct(ctx, company);
    ctx.state.products.set(existing.product_id, {
      product_id: existing.product_id,
      ...readProduct(ctx, company, existing),
    });
    return { valid: 1, product_id: existing.product_id };
  },
};
