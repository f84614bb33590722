// What a credit note may take from each line of the original: never more units than remain, never
// a higher unit price than sold, and two items naming one line share what remains of it.
import { parseCreditInput } from '@faturador/core';
import type { DetailedDocument, UnrelatedLine } from '@faturador/moloni';
import { describe, expect, it } from 'vitest';
import { creditLines } from './process-action.ts';

// A line as documents/getUnrelatedProducts lists it: 3 units at 8.13008130 net + 23% (10.00 gross).
const line = (qty: number, discount = 0): UnrelatedLine => ({
  document_product_id: 501,
  product_id: 77,
  name: 'consultoria',
  qty,
  price: 8.1300813008,
  discount,
  taxes: [{ tax_id: 1, value: 23 }],
});
const original = {
  document_id: 900,
  products: [{ document_product_id: 501 }],
} as unknown as DetailedDocument;
const credit = (items: unknown[]) => parseCreditInput({ reason: 'Devolução', items });
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as { code: string; details: Record<string, unknown> };
  }
  throw new Error('expected a refusal');
};

describe('creditLines', () => {
  it('credits some units at a lower gross price, as a net price that gives that gross', () => {
    const [taken] = creditLines(original, [line(3)], credit([{ line: 1, quantity: 2, gross_price: 4 }]));
    expect(taken?.qty).toBe(2);
    expect(Math.round((taken?.price ?? 0) * 1.23 * 100)).toBe(400);
  });

  it('refuses a price above what the line was sold at', () => {
    const error = refusal(() => creditLines(original, [line(3)], credit([{ line: 1, gross_price: 10.01 }])));
    expect(error).toMatchObject({ code: 'CREDIT_EXCEEDS_REMAINING', details: { line: 1, gross_price: 10 } });
  });

  it('never takes more units than remain, even split over items naming the same line at a lower price', () => {
    const split = credit([
      { line: 1, quantity: 2, gross_price: 4 },
      { line: 1, quantity: 2, gross_price: 4 },
    ]);
    const error = refusal(() => creditLines(original, [line(3)], split));
    expect(error).toMatchObject({
      code: 'CREDIT_EXCEEDS_REMAINING',
      details: { line: 1, remaining_quantity: 1, quantity: 2 },
    });
    // What does fit is credited: 2 + 1 units of the 3.
    const fits = credit([
      { line: 1, quantity: 2, gross_price: 4 },
      { line: 1, quantity: 1 },
    ]);
    expect(creditLines(original, [line(3)], fits).map((taken) => taken.qty)).toEqual([2, 1]);
  });

  it('a line already credited in full has nothing left, whatever the price', () => {
    const error = refusal(() =>
      creditLines(original, [], credit([{ line: 1, quantity: 1, gross_price: 0.01 }])),
    );
    expect(error).toMatchObject({ code: 'CREDIT_EXCEEDS_REMAINING', details: { remaining_quantity: 0 } });
  });

  it('with a discount, the price credited is the discounted one at most', () => {
    // 10.00 gross less 10%: sold at 9.00 a unit.
    const error = refusal(() =>
      creditLines(original, [line(1, 10)], credit([{ line: 1, gross_price: 9.01 }])),
    );
    expect(error).toMatchObject({ code: 'CREDIT_EXCEEDS_REMAINING', details: { gross_price: 9 } });
    const [taken] = creditLines(original, [line(1, 10)], credit([{ line: 1, gross_price: 9 }]));
    expect(Math.round((taken?.price ?? 0) * 0.9 * 1.23 * 100)).toBe(900);
  });
});
