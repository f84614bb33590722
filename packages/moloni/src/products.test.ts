import { FaturadorError } from '@faturador/core';
import type { Product } from '@faturador/moloni-sandbox';
import { describe, expect, it } from 'vitest';
import type { MoloniTax } from './moloni-types.ts';
import { CATEGORY_NAME, pickVatTax, productReference } from './products.ts';
import { documentsOf, harness, invoiceRequest } from './test/support.ts';

function products(h: Awaited<ReturnType<typeof harness>>): Product[] {
  return [...h.running.sandbox.state.products.values()];
}

describe('product resolution', () => {
  it('creates a missing product as a service with its VAT, in the first existing category', async () => {
    const h = await harness();
    await h.client().issueDocument({ request: invoiceRequest(), ourReference: 'P-1' });
    const [product, ...others] = products(h);
    expect(others).toEqual([]);
    const normalPt = [...h.running.sandbox.state.taxes.values()].find(
      (tax) => tax.fiscal_zone === 'PT' && tax.value === 23,
    );
    expect(product).toMatchObject({
      name: 'mensalidade TheInventors',
      reference: 'mensalidade-theinventors',
      type: 2,
      has_stock: 0,
      category_id: 3125141, // the seed's "Geral"
      unit_id: 2156443, // "Unidade"
      taxes: [{ tax_id: normalPt?.tax_id }],
    });
    expect(product?.price).toBeCloseTo(8.1300813008, 9);
    expect(documentsOf(h.running)[0]?.lines[0]?.product_id).toBe(product?.product_id);
  });

  it('reuses the product by reference, and by name when someone created it by hand', async () => {
    const h = await harness();
    const client = h.client();
    await client.issueDocument({ request: invoiceRequest(), ourReference: 'P-2' });
    await client.issueDocument({ request: invoiceRequest(), ourReference: 'P-3' });
    expect(products(h)).toHaveLength(1);
    expect(h.calls('products/insert')).toBe(1);

    const { state } = h.running.sandbox;
    state.products.set(42, {
      ...(products(h)[0] as Product),
      product_id: 42,
      name: 'Consultoria',
      reference: 'CONS-01',
    });
    await client.issueDocument({
      request: invoiceRequest({ items: [{ product: 'consultoria', gross_price: 50, vat_rate: 23 }] }),
      ourReference: 'P-4',
    });
    expect(h.calls('products/insert')).toBe(1);
    expect(documentsOf(h.running).at(-1)?.lines[0]?.product_id).toBe(42);
  });

  it('never uses an invisible product', async () => {
    const h = await harness();
    const client = h.client();
    await client.issueDocument({ request: invoiceRequest(), ourReference: 'P-5' });
    const [first] = products(h);
    if (first) first.visibility_id = 0;
    // Hidden in Moloni: this client sees it once its cached resolution expires (or on a restart).
    client.clearCache();
    await expect(
      client.issueDocument({ request: invoiceRequest(), ourReference: 'P-6' }),
    ).rejects.toMatchObject({
      // The hidden product still owns the reference: Moloni refuses a second one.
      code: 'MOLONI_BUSINESS_ERROR',
      details: { endpoint: 'products/insert', errors: [{ code: 4, field: 'reference' }] },
    });
    expect(documentsOf(h.running)).toHaveLength(1);
  });

  it('creates a 0% product with its exemption reason and no VAT', async () => {
    const h = await harness();
    await h.client().issueDocument({
      request: invoiceRequest({
        items: [{ product: 'Formação certificada', gross_price: 120, vat_rate: 0, exemption_reason: 'M07' }],
      }),
      ourReference: 'P-7',
    });
    expect(products(h)[0]).toMatchObject({
      reference: 'formacao-certificada',
      exemption_reason: 'M07',
      taxes: [],
      price: 120,
    });
    expect(documentsOf(h.running)[0]?.lines[0]).toMatchObject({ exemption_reason: 'M07', taxes: [] });
  });

  it('creates the Faturador category once when the account has none', async () => {
    const h = await harness();
    h.running.sandbox.state.categories.clear();
    const client = h.client();
    await Promise.all([
      client.issueDocument({
        request: invoiceRequest({
          items: [
            { product: 'Produto A', gross_price: 1, vat_rate: 23 },
            { product: 'Produto B', gross_price: 2, vat_rate: 13 },
          ],
        }),
        ourReference: 'P-8',
      }),
    ]);
    const categories = [...h.running.sandbox.state.categories.values()];
    expect(categories.map((category) => category.name)).toEqual([CATEGORY_NAME]);
    expect(new Set(products(h).map((product) => product.category_id))).toEqual(
      new Set([categories[0]?.category_id]),
    );
  });
});

describe('productReference', () => {
  it('is a stable ASCII slug within Moloni’s 30 characters', () => {
    expect(productReference('Mensalidade TheInventors')).toBe('mensalidade-theinventors');
    expect(productReference('  Açaí & Pão  ')).toBe('acai-pao');
    expect(productReference('€€€')).toBe('produto');
    const long = productReference('Consultoria de gestão financeira — pacote anual');
    expect(long).toHaveLength(30);
    expect(long).not.toBe(productReference('Consultoria de gestão financeira — pacote mensal'));
    expect(productReference('Consultoria de gestão financeira — pacote anual')).toBe(long);
  });
});

describe('pickVatTax', () => {
  const tax = (fields: Partial<MoloniTax>): MoloniTax => ({
    tax_id: 1,
    name: 'IVA',
    value: 23,
    type: 1,
    saft_type: 1,
    fiscal_zone: 'PT',
    ...fields,
  });

  it('matches rate, zone, VAT and percentage, preferring the default', () => {
    const taxes = [
      tax({ tax_id: 1, value: 22, fiscal_zone: 'PT-MA' }),
      tax({ tax_id: 2, value: 22, fiscal_zone: 'PT-MA', saft_type: 3 }),
      tax({ tax_id: 3, value: '22', fiscal_zone: 'PT-MA', active_by_default: 1 }),
      tax({ tax_id: 4, value: 22, fiscal_zone: 'PT-MA', type: 2 }),
      tax({ tax_id: 5, value: 23, fiscal_zone: 'PT' }),
    ];
    expect(pickVatTax(taxes, 'PT-MA', 22).tax_id).toBe(3);
    expect(pickVatTax(taxes, 'PT', 23).tax_id).toBe(5);
  });

  it('reports a rate the account lacks as a business error', () => {
    const error = (() => {
      try {
        return pickVatTax([tax({})], 'PT-AC', 16);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(FaturadorError);
    expect(error).toMatchObject({
      code: 'MOLONI_BUSINESS_ERROR',
      details: { fiscalZone: 'PT-AC', rate: 16 },
    });
  });
});
