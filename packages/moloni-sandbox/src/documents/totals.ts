// The reference's simulator model (§4 "Money, VAT and rounding"). Moloni's own stored precision and
// per-line vs per-document rounding are undocumented; this model keeps full precision per line and
// rounds the document sums to cents, which reproduces the real totals quoted in the reference.
import { round2 } from '../params.ts';
import type { DocumentLine, Tax } from '../types.ts';

export interface LineTaxTotal {
  tax_id: number;
  /** The percentage (type 1) or the amount per unit (types 2 and 3). */
  rate: number;
  incidence: number;
  amount: number;
}

export interface LineTotals {
  gross: number;
  discount: number;
  financialDiscount: number;
  /** Taxable amount after line and financial discounts. */
  base: number;
  taxes: LineTaxTotal[];
}

export interface DocumentTotals {
  gross_value: number;
  comercial_discount_value: number;
  financial_discount_value: number;
  taxes_value: number;
  deduction_value: number;
  /** The amount payable, VAT included (Moloni's "net" is not the English net). */
  net_value: number;
  lines: LineTotals[];
}

export function lineTotals(
  line: DocumentLine,
  financialDiscountPercent: number,
  taxOf: (id: number) => Tax | undefined,
): LineTotals {
  const gross = line.qty * line.price;
  const discount = (gross * line.discount) / 100;
  const afterDiscount = gross - discount;
  const financialDiscount = (afterDiscount * financialDiscountPercent) / 100;
  const base = afterDiscount - financialDiscount;
  const taxes: LineTaxTotal[] = [];
  let running = base;
  for (const entry of [...line.taxes].sort((a, b) => a.order - b.order)) {
    const tax = taxOf(entry.tax_id);
    if (!tax) continue;
    const incidence = entry.cumulative === 1 ? running : base;
    let rate: number;
    let amount: number;
    if (tax.type === 1) {
      rate = tax.value;
      amount = (incidence * rate) / 100;
    } else {
      rate = tax.type === 2 ? tax.value : entry.value;
      amount = rate * line.qty;
    }
    taxes.push({ tax_id: tax.tax_id, rate, incidence, amount });
    running += amount;
  }
  return { gross, discount, financialDiscount, base, taxes };
}

export function documentTotals(
  lines: readonly DocumentLine[],
  financialDiscountPercent: number,
  taxOf: (id: number) => Tax | undefined,
): DocumentTotals {
  const perLine = lines.map((line) => lineTotals(line, financialDiscountPercent, taxOf));
  let gross = 0;
  let discount = 0;
  let financial = 0;
  let taxes = 0;
  for (const line of perLine) {
    gross += line.gross;
    discount += line.discount;
    financial += line.financialDiscount;
    for (const tax of line.taxes) taxes += tax.amount;
  }
  const taxesValue = round2(taxes);
  return {
    gross_value: round2(gross),
    comercial_discount_value: round2(discount),
    financial_discount_value: round2(financial),
    taxes_value: taxesValue,
    deduction_value: 0,
    net_value: round2(gross - discount - financial + taxesValue),
    lines: perLine,
  };
}
