import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seedTaxes } from '../seed.ts';
import type { DocumentLine, Tax } from '../types.ts';
import { documentTotals } from './totals.ts';

const taxes = new Map<number, Tax>(
  seedTaxes({ companyId: 1, documentSetName: 'M' }).map((tax) => [tax.tax_id, tax]),
);
const taxOf = (id: number) => taxes.get(id);
const vat = (zone: string, value: number) => {
  const tax = [...taxes.values()].find((item) => item.fiscal_zone === zone && item.value === value);
  if (!tax) throw new Error(`no ${value}% tax in ${zone}`);
  return tax.tax_id;
};

function line(price: number, qty = 1, taxId = vat('PT', 23), discount = 0): DocumentLine {
  return {
    product_id: 1,
    name: 'x',
    summary: '',
    qty,
    price,
    discount,
    order: 0,
    exemption_reason: '',
    taxes: [{ tax_id: taxId, value: 0, order: 0, cumulative: 0 }],
  };
}

describe('documentTotals', () => {
  it('10.00 gross at 23% with a 10-decimal price totals exactly 10.00', () => {
    const totals = documentTotals([line(8.1300813008)], 0, taxOf);
    expect(totals).toMatchObject({ gross_value: 8.13, taxes_value: 1.87, net_value: 10 });
  });

  it('loses a cent with 2-decimal prices, as the reference warns (12.49 → 12.48, 0.99 → 0.98)', () => {
    expect(documentTotals([line(10.15)], 0, taxOf).net_value).toBe(12.48);
    expect(documentTotals([line(0.8)], 0, taxOf).net_value).toBe(0.98);
  });

  it('reproduces the real FR of the reference: 25.2 gross, 3.78 discount, 4.93 VAT, 26.35 payable', () => {
    const totals = documentTotals([line(8.4, 3, vat('PT', 23), 15)], 0, taxOf);
    expect(totals).toMatchObject({
      gross_value: 25.2,
      comercial_discount_value: 3.78,
      taxes_value: 4.93,
      net_value: 26.35,
    });
  });

  it('uses the rate of each fiscal zone and 0% for exempt lines', () => {
    const totals = documentTotals(
      [line(100, 1, vat('PT-AC', 16)), line(100, 1, vat('PT-MA', 22)), line(50, 2, vat('PT', 0))],
      0,
      taxOf,
    );
    expect(totals).toMatchObject({ gross_value: 300, taxes_value: 38, net_value: 338 });
    expect(totals.lines[1]?.taxes[0]).toMatchObject({ rate: 22, incidence: 100, amount: 22 });
  });

  it('applies the financial discount to the taxable base', () => {
    const totals = documentTotals([line(100)], 10, taxOf);
    expect(totals).toMatchObject({ financial_discount_value: 10, taxes_value: 20.7, net_value: 110.7 });
  });

  // Holds for 23/13/6/22/16/9 %. Not for 12 % and 4 %: there qty × price can land VAT on an exact
  // half cent (next test), so clients must compare net_value before closing.
  it('any gross price 0.01–50.00 × qty ≤ 10 is reproduced to the cent from a 10-decimal net price', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 10 }),
        fc.constantFrom(['PT', 23], ['PT', 13], ['PT', 6], ['PT-MA', 22], ['PT-AC', 16], ['PT-AC', 9]),
        (cents, qty, [zone, rate]) => {
          const price = Number((cents / 100 / (1 + Number(rate) / 100)).toFixed(10));
          const totals = documentTotals([line(price, qty, vat(String(zone), Number(rate)))], 0, taxOf);
          expect(Math.round(totals.net_value * 100)).toBe(cents * qty);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('rounds a half-cent VAT up, so 0.13 at 4% cannot be reproduced from a net price (0.14)', () => {
    const totals = documentTotals([line(0.125, 1, vat('PT-AC', 4))], 0, taxOf);
    expect(totals).toMatchObject({ taxes_value: 0.01, net_value: 0.14 });
  });
});

describe('the two calculation methods', () => {
  // Moloni's support page "Como funciona o método de cálculo nos valores dos documentos": three
  // articles of 2.37 at 23 %.
  const threeArticles = [line(2.37), line(2.37), line(2.37)];

  it('per document: VAT on the summed base, rounded once (7.11 + 1.64 = 8.75)', () => {
    expect(documentTotals(threeArticles, 0, taxOf, 'document')).toMatchObject({
      gross_value: 7.11,
      taxes_value: 1.64,
      net_value: 8.75,
    });
  });

  it('per line: VAT rounded on each line, then summed (7.11 + 3 × 0.55 = 8.76)', () => {
    expect(documentTotals(threeArticles, 0, taxOf, 'line')).toMatchObject({
      gross_value: 7.11,
      taxes_value: 1.65,
      net_value: 8.76,
    });
  });

  it('per line, a full-precision price is rounded to the cent before its VAT', () => {
    // 9.92 at 23 % has no 2-decimal base: 8.0650406504 rounds to 8.07, whose VAT 1.8561 → 1.86.
    expect(documentTotals([line(8.0650406504)], 0, taxOf, 'line').net_value).toBe(9.93);
    expect(documentTotals([line(8.0650406504)], 0, taxOf, 'document').net_value).toBe(9.92);
  });
});
