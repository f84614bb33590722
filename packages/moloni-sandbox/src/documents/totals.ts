// Moloni's two calculation methods, chosen per company (Settings > Company > Documents > 2.8
// "Método de cálculo"; changelog of 2021-12-16, support page "Como funciona o método de cálculo nos
// valores dos documentos"; evidence in the README):
// - per document (`document`): every amount at full precision, the document's sums rounded to cents
//   at the end — Moloni's default for new companies;
// - per line (`line`): each line's taxable amount and each line's tax rounded to cents, the document
//   summing the rounded values, so the lines add up to the total — every account from 2021-09-30
//   until the option appeared, and what the real documents in machinagod/moloni-client-ts show.
import { round2 } from '../params.ts';
import { type CalcMethod, calcMethodOfId } from '../seed.ts';
import type { SandboxState } from '../state.ts';
import type { DocumentLine, SandboxDocument, Tax } from '../types.ts';

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
  /** Taxable amount after line and financial discounts (in cents under line rounding). */
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
  method: CalcMethod = 'document',
): LineTotals {
  const round = method === 'line' ? round2 : (value: number) => value;
  const gross = round(line.qty * line.price);
  const discount = round((line.qty * line.price * line.discount) / 100);
  const afterDiscount = line.qty * line.price * (1 - line.discount / 100);
  const financialDiscount = round((afterDiscount * financialDiscountPercent) / 100);
  const base = round(afterDiscount * (1 - financialDiscountPercent / 100));
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
      amount = round((incidence * rate) / 100);
    } else {
      rate = tax.type === 2 ? tax.value : entry.value;
      amount = round(rate * line.qty);
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
  method: CalcMethod = 'document',
): DocumentTotals {
  const perLine = lines.map((line) => lineTotals(line, financialDiscountPercent, taxOf, method));
  let gross = 0;
  let discount = 0;
  let financial = 0;
  let base = 0;
  let taxes = 0;
  for (const line of perLine) {
    gross += line.gross;
    discount += line.discount;
    financial += line.financialDiscount;
    base += line.base;
    for (const tax of line.taxes) taxes += tax.amount;
  }
  const taxesValue = round2(taxes);
  return {
    gross_value: round2(gross),
    comercial_discount_value: round2(discount),
    financial_discount_value: round2(financial),
    taxes_value: taxesValue,
    deduction_value: 0,
    // Per line, the total is the sum of the rounded lines; per document, the rounded sums.
    net_value: method === 'line' ? round2(base + taxes) : round2(gross - discount - financial + taxesValue),
    lines: perLine,
  };
}

/** A stored document's totals, by the method it was inserted with. */
export function totalsOfDocument(document: SandboxDocument, state: SandboxState): DocumentTotals {
  return documentTotals(
    document.lines,
    document.financial_discount,
    (id) => state.taxes.get(id),
    calcMethodOfId(document.calc_method_id),
  );
}
