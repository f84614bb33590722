import { type FiscalZone, netUnitPrice, sha256Hex } from '@faturador/core';
import { normalizeName } from './customers.ts';
import { hasFieldError, localBusinessError } from './errors.ts';
import type { MoloniProduct, MoloniTax } from './moloni-types.ts';
import type { ReferenceData } from './reference-data.ts';
import type { ResolutionCache } from './resolution-cache.ts';
import { type MoloniSession, PAGE_SIZE } from './session.ts';

export const CATEGORY_NAME = 'Faturador';
/** Services: no stock, so no AT product category is required (reference §3, Products). */
const SERVICE = 2;
const MAX_REFERENCE_LENGTH = 30;

/**
 * The product reference we give a product name: a stable, ASCII slug, so that the same name finds
 * the same product in every process. Long names keep a hash suffix to stay unique.
 */
export function productReference(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const base = slug || 'produto';
  if (base.length <= MAX_REFERENCE_LENGTH) return base;
  return `${base.slice(0, MAX_REFERENCE_LENGTH - 9).replace(/-+$/, '')}-${sha256Hex(base).slice(0, 8)}`;
}

/**
 * The VAT tax of a rate in a fiscal zone (rates differ in the Azores and Madeira, so the zone is
 * part of the key). Missing rates are a configuration problem of the Moloni account: we do not
 * create taxes in someone's fiscal setup behind their back.
 */
export function pickVatTax(taxes: MoloniTax[], zone: FiscalZone, rate: number): MoloniTax {
  const matches = taxes
    .filter(
      (tax) =>
        String(tax.fiscal_zone).toUpperCase() === zone &&
        Number(tax.saft_type) === 1 &&
        Number(tax.type) === 1 &&
        Number(tax.value) === rate,
    )
    .sort((a, b) => Number(b.active_by_default ?? 0) - Number(a.active_by_default ?? 0));
  const [tax] = matches;
  if (!tax) {
    throw localBusinessError(
      'taxes/getAll',
      'taxes',
      `Moloni has no VAT tax of ${rate}% for fiscal zone ${zone}: create it in Moloni's settings.`,
      { fiscalZone: zone, rate },
    );
  }
  return tax;
}

export interface LineTax {
  tax_id: number;
  value: number;
  order: number;
  cumulative: 0;
}

/** The `taxes` of a document line or product: one VAT, or none at 0% (with an exemption reason). */
export async function lineTaxes(
  referenceData: ReferenceData,
  companyId: number,
  zone: FiscalZone,
  rate: number,
): Promise<LineTax[]> {
  if (rate === 0) return [];
  const tax = pickVatTax(await referenceData.taxes(companyId), zone, rate);
  return [{ tax_id: tax.tax_id, value: rate, order: 0, cumulative: 0 }];
}

export interface ProductLine {
  name: string;
  unitGrossCents: number;
  vatRate: number;
  exemptionReason: string | undefined;
  fiscalZone: FiscalZone;
}

const visible = (product: MoloniProduct) => Number(product.visibility_id ?? 1) !== 0;

/** Finds products by our reference, then by name, and creates missing ones as services. */
export class ProductCatalog {
  private readonly categories = new Map<number, Promise<number>>();

  constructor(
    private readonly session: MoloniSession,
    private readonly referenceData: ReferenceData,
    /** What each product resolved to (see ResolutionCache); none: every line is looked up. */
    private readonly cache?: ResolutionCache,
  ) {}

  async resolve(companyId: number, line: ProductLine): Promise<number> {
    const reference = productReference(line.name);
    const key = `${companyId}:${reference}`;
    const cached = this.cache?.get(key);
    if (cached !== undefined) return cached;
    const id = await this.lookUpOrCreate(companyId, line, reference);
    this.cache?.set(key, id);
    return id;
  }

  private async lookUpOrCreate(companyId: number, line: ProductLine, reference: string): Promise<number> {
    // Both lookups at once: a product made by hand in Moloni is found by name, ours by reference.
    const [byReference, byName] = await Promise.all([
      this.byReference(companyId, reference),
      this.byName(companyId, line.name),
    ]);
    const found = byReference ?? byName;
    if (found) return found.product_id;
    try {
      return await this.insert(companyId, line, reference);
    } catch (error) {
      // Another process created it between our lookup and insert.
      if (!hasFieldError(error, 4, 'reference')) throw error;
      const winner = await this.byReference(companyId, reference);
      if (!winner) throw error;
      return winner.product_id;
    }
  }

  private async byReference(companyId: number, reference: string): Promise<MoloniProduct | undefined> {
    const found = await this.session.list<MoloniProduct>('products/getByReference', {
      company_id: companyId,
      reference,
      exact: 1,
      qty: PAGE_SIZE,
      offset: 0,
    });
    // Invisible products must not be invoiced (reference pitfall 9).
    return found.find((item) => visible(item) && String(item.reference).toLowerCase() === reference);
  }

  private async byName(companyId: number, name: string): Promise<MoloniProduct | undefined> {
    const found = await this.session.list<MoloniProduct>('products/getBySearch', {
      company_id: companyId,
      search: name,
      qty: PAGE_SIZE,
      offset: 0,
    });
    const wanted = normalizeName(name);
    return found.find((item) => visible(item) && normalizeName(String(item.name)) === wanted);
  }

  private async insert(companyId: number, line: ProductLine, reference: string): Promise<number> {
    const [categoryId, unitId, taxes] = await Promise.all([
      this.category(companyId),
      this.unit(companyId),
      lineTaxes(this.referenceData, companyId, line.fiscalZone, line.vatRate),
    ]);
    return this.session.insert(
      'products/insert',
      {
        company_id: companyId,
        category_id: categoryId,
        type: SERVICE,
        name: line.name,
        summary: '',
        reference,
        ean: '',
        price: netUnitPrice(line.unitGrossCents, line.vatRate),
        unit_id: unitId,
        has_stock: 0,
        stock: 0,
        exemption_reason: line.vatRate === 0 ? (line.exemptionReason ?? '') : '',
        taxes,
      },
      'product_id',
    );
  }

  private async unit(companyId: number): Promise<number | ''> {
    const units = await this.referenceData.measurementUnits(companyId);
    const unit = units.find((item) => normalizeName(item.name) === 'unidade') ?? units[0];
    return unit ? unit.unit_id : '';
  }

  /**
   * Our category if it exists, else the account's first one; created once when there is none.
   * Concurrent product inserts in this process share one lookup, so they cannot create two.
   */
  private category(companyId: number): Promise<number> {
    let pending = this.categories.get(companyId);
    if (!pending) {
      pending = this.findOrCreateCategory(companyId).finally(() => this.categories.delete(companyId));
      this.categories.set(companyId, pending);
    }
    return pending;
  }

  private async findOrCreateCategory(companyId: number): Promise<number> {
    const categories = await this.referenceData.productCategories(companyId);
    const ours = categories.find((item) => normalizeName(item.name) === normalizeName(CATEGORY_NAME));
    const chosen = ours ?? categories[0];
    if (chosen) return chosen.category_id;
    const id = await this.session.insert(
      'productCategories/insert',
      { company_id: companyId, parent_id: 0, name: CATEGORY_NAME, description: '', pos_enabled: 0 },
      'category_id',
    );
    this.referenceData.invalidate('productCategories', companyId);
    return id;
  }
}
