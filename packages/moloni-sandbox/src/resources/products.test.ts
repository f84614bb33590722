import { describe, expect, it } from 'vitest';
import { sandbox } from '../test/http.ts';

const service = {
  category_id: 3125141,
  type: 2,
  name: 'Mensalidade TheInventors',
  reference: 'MENSALIDADE',
  price: 2.58,
  unit_id: 2156443,
  has_stock: 0,
  taxes: [{ tax_id: 2564343, value: 23, order: 0, cumulative: 0 }],
};

describe('products', () => {
  it('insert stores the per-unit tax value at 4 decimals and getOne returns it', async () => {
    const test = await sandbox();
    const inserted = await test.call('products/insert', service);
    expect(inserted.body).toEqual({ valid: 1, product_id: expect.any(Number) });
    const one = await test.call('products/getOne', { product_id: inserted.body.product_id });
    expect(one.body).toMatchObject({
      reference: 'MENSALIDADE',
      price: 2.58,
      visibility_id: 1,
      taxes: [
        { tax_id: 2564343, value: 0.5934, order: 0, cumulative: 0, tax: { value: 23, fiscal_zone: 'PT' } },
      ],
    });
  });

  it('accepts a PHP form body with nested taxes', async () => {
    const test = await sandbox();
    const inserted = await test.call('products/insert', service, { mode: 'form' });
    expect(inserted.body.valid).toBe(1);
    const stored = test.running.sandbox.state.products.get(inserted.body.product_id);
    expect(stored?.taxes).toEqual([{ tax_id: 2564343, value: 0.5934, order: 0, cumulative: 0 }]);
    expect(stored?.price).toBe(2.58);
  });

  it('requires an exemption reason without VAT or at 0% VAT', async () => {
    const test = await sandbox();
    const exempt = { ...service, reference: 'ISENTO', taxes: [{ tax_id: 2564346 }] };
    expect((await test.call('products/insert', exempt)).body).toEqual(['1 exemption_reason']);
    expect((await test.call('products/insert', { ...exempt, taxes: [] })).body).toEqual([
      '1 exemption_reason',
    ]);
    expect((await test.call('products/insert', { ...exempt, exemption_reason: 'X1' })).body).toEqual([
      '5 exemption_reason',
    ]);
    expect((await test.call('products/insert', { ...exempt, exemption_reason: 'M07' })).body.valid).toBe(1);
  });

  it('rejects two VATs, a duplicate reference and unknown ids', async () => {
    const test = await sandbox();
    await test.call('products/insert', service);
    expect((await test.call('products/insert', service)).body).toEqual(['4 reference']);
    const twoVats = { ...service, reference: 'B', taxes: [{ tax_id: 2564343 }, { tax_id: 2564344 }] };
    expect((await test.call('products/insert', twoVats)).body).toEqual(['15 taxes']);
    const badTax = { ...service, reference: 'C', taxes: [{ tax_id: 1 }] };
    expect((await test.call('products/insert', badTax)).body).toEqual(['1 exemption_reason']);
    const badUnit = { ...service, reference: 'D', unit_id: 5, category_id: 9 };
    expect((await test.call('products/insert', badUnit)).body).toEqual(['2 category_id', '2 unit_id']);
  });

  it('getByReference matches anywhere unless exact=1', async () => {
    const test = await sandbox();
    await test.call('products/insert', service);
    await test.call('products/insert', { ...service, reference: 'MENSALIDADE-2' });
    expect((await test.call('products/getByReference', { reference: 'MENSALIDADE' })).body).toHaveLength(2);
    const exact = await test.call('products/getByReference', { reference: 'mensalidade', exact: 1 });
    expect(exact.body.map((p: { reference: string }) => p.reference)).toEqual(['MENSALIDADE']);
    expect((await test.call('products/getBySearch', { search: 'theinventors' })).body).toHaveLength(2);
  });
});

describe('reference data', () => {
  it("has one company besides Moloni's demo one, the default series M, and VAT rates per fiscal zone", async () => {
    const test = await sandbox();
    const companies = (await test.call('companies/getAll')).body;
    expect(companies).toEqual([
      expect.objectContaining({ company_id: 5 }),
      expect.objectContaining({ company_id: 240211, country_id: 1 }),
    ]);
    const sets = (await test.call('documentSets/getAll')).body;
    expect(sets.filter((set: { active_by_default: number }) => set.active_by_default === 1)).toEqual([
      expect.objectContaining({ document_set_id: 884384, name: 'M', is_invisible: 0 }),
    ]);
    const rates = async (zone: string) =>
      (await test.call('taxes/getAll', { fiscal_zone: zone })).body.map(
        (tax: { value: number }) => tax.value,
      );
    expect(await rates('PT')).toEqual([23, 13, 6, 0]);
    expect(await rates('PT-MA')).toEqual([22, 12, 4, 0, 5]);
    expect(await rates('PT-AC')).toEqual([16, 9, 4, 0, 18]);
    const exemptions = (await test.call('taxExemptions/getAll')).body.map(
      (item: { code: string }) => item.code,
    );
    expect(exemptions).toEqual(expect.arrayContaining(['M07', 'M10', 'M16', 'M99']));
  });

  it('inserts product categories under a parent', async () => {
    const test = await sandbox();
    const inserted = await test.call('productCategories/insert', { parent_id: 0, name: 'Serviços' });
    expect(inserted.body).toEqual({ valid: 1, category_id: expect.any(Number) });
    const root = (await test.call('productCategories/getAll', { parent_id: 0 })).body;
    expect(root.map((category: { name: string }) => category.name)).toEqual(['Geral', 'Serviços']);
    expect((await test.call('productCategories/insert', { parent_id: 1, name: '' })).body).toEqual([
      '2 parent_id',
      '1 name',
    ]);
  });
});
