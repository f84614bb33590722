/**
 * Money is integer cents in the domain. Only two conversions leave it: amounts read from JSON
 * (euros with at most two decimals) and the net unit price sent to Moloni, which needs more.
 */
export type Cents = number;

/** Decimals of the net unit price sent to Moloni; it accepts full-precision floats. */
export const NET_PRICE_DECIMALS = 10;

/** True when `amount` has at most two decimals (tolerating binary floating-point noise). */
export function hasAtMostTwoDecimals(amount: number): boolean {
  const scaled = amount * 100;
  return Math.abs(scaled - Math.round(scaled)) < 1e-7 * Math.max(1, Math.abs(scaled));
}

export function toCents(euros: number): Cents {
  if (!Number.isFinite(euros) || !hasAtMostTwoDecimals(euros)) {
    throw new RangeError(`${euros} is not an amount in euros with at most two decimals`);
  }
  return Math.round(euros * 100);
}

export function fromCents(cents: Cents): number {
  return cents / 100;
}

/** Half-up rounding to cents of a euro amount, robust to 1.005-style binary representations. */
export function roundToCents(euros: number): Cents {
  return Math.round(Number((euros * 100).toPrecision(12)));
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(Number((value * factor).toPrecision(15))) / factor;
}

/**
 * The net (VAT-exclusive) unit price to send to Moloni for a line whose gross total must be
 * `quantity × unitGrossCents`. Ten decimals keep `qty × price × (1 + rate)` within far less than
 * half a cent of the gross for any realistic quantity, so net + VAT rounds back to the exact gross.
 * Where Moloni rounds the VAT on its own (the reference's document model), a gross whose VAT is
 * exactly half a cent cannot be reached by any price (e.g. 0.14 at 12%): the worker verifies the
 * total and leaves such a document as a draft flagged TOTAL_MISMATCH.
 */
export function netUnitPrice(unitGrossCents: Cents, vatRatePercent: number, quantity = 1): number {
  const lineGross = (unitGrossCents * quantity) / 100;
  const lineNet = lineGross / (1 + vatRatePercent / 100);
  return roundTo(lineNet / quantity, NET_PRICE_DECIMALS);
}

export interface PricedLine {
  quantity: number;
  /** Net unit price as sent to Moloni. */
  price: number;
  vatRatePercent: number;
  /** Line discount in percent (0–100). */
  discountPercent?: number;
}

/** Gross of one line computed without intermediate rounding: `round2(qty·price·(1−d)·(1+rate))`. */
export function lineGrossCents(line: PricedLine): Cents {
  const base = line.quantity * line.price * (1 - (line.discountPercent ?? 0) / 100);
  return roundToCents(base * (1 + line.vatRatePercent / 100));
}

export interface DocumentTotals {
  grossValueCents: Cents;
  discountValueCents: Cents;
  taxesValueCents: Cents;
  /** Moloni's `net_value`: the amount payable, VAT included. */
  netValueCents: Cents;
}

/**
 * A document's totals as the Moloni reference models them (§4): VAT summed over the lines and
 * rounded once, the payable total rounded once more. The worker never trusts this model: it
 * compares the total Moloni returns with the request before closing a document.
 */
export function moloniDocumentTotals(lines: readonly PricedLine[]): DocumentTotals {
  let gross = 0;
  let discount = 0;
  let vat = 0;
  for (const line of lines) {
    const lineGross = line.quantity * line.price;
    const lineDiscount = lineGross * ((line.discountPercent ?? 0) / 100);
    gross += lineGross;
    discount += lineDiscount;
    vat += (lineGross - lineDiscount) * (line.vatRatePercent / 100);
  }
  const taxesValueCents = roundToCents(vat);
  return {
    grossValueCents: roundToCents(gross),
    discountValueCents: roundToCents(discount),
    taxesValueCents,
    netValueCents: roundToCents(gross - discount + taxesValueCents / 100),
  };
}

/**
 * Moloni's two calculation methods (support page "Como funciona o método de cálculo nos valores dos
 * documentos"; changelog of 2021-12-16), chosen per company:
 * - `document`: every amount at full precision, the document's sums rounded to cents at the end
 *   (the default for companies created since the option exists);
 * - `line`: each line's total and each line's VAT rounded to cents, the document summing those
 *   (every account from 2021-09-30 until the option appeared, and still any that chose it).
 */
export type CalcMethod = 'document' | 'line';
export const CALC_METHODS: readonly CalcMethod[] = ['document', 'line'];

/** The VAT of a line base in cents under line rounding: half up on the cent. */
export function lineVatCents(baseCents: Cents, vatRatePercent: number): Cents {
  return Math.round(Number(((baseCents * vatRatePercent) / 100).toPrecision(12)));
}

/** A line's gross under line rounding: its 2-decimal base plus that base's rounded VAT. */
export function lineRoundedGrossCents(baseCents: Cents, vatRatePercent: number): Cents {
  return baseCents + lineVatCents(baseCents, vatRatePercent);
}

/**
 * The 2-decimal base whose line-rounded gross is `grossCents`, or null when none is: as the base
 * grows by a cent the gross grows by one or two, so at 23 % about one gross in five is skipped
 * (9.92 has no base: 8.06 + 1.85 = 9.91, 8.07 + 1.86 = 9.93).
 */
export function lineBaseCents(grossCents: Cents, vatRatePercent: number): Cents | null {
  const guess = Math.round((grossCents * 100) / (100 + vatRatePercent));
  for (const base of [guess, guess - 1, guess + 1, guess - 2, guess + 2]) {
    if (base >= 0 && lineRoundedGrossCents(base, vatRatePercent) === grossCents) return base;
  }
  return null;
}

export function isLineGrossReachable(grossCents: Cents, vatRatePercent: number): boolean {
  return lineBaseCents(grossCents, vatRatePercent) !== null;
}

/** The nearest line grosses below and above `grossCents` that line rounding can reach. */
export function nearestLineGrossCents(
  grossCents: Cents,
  vatRatePercent: number,
): { below: Cents | null; above: Cents } {
  let below: Cents | null = null;
  for (let candidate = grossCents - 1; candidate > 0 && below === null; candidate--) {
    if (isLineGrossReachable(candidate, vatRatePercent)) below = candidate;
  }
  let above = grossCents + 1;
  while (!isLineGrossReachable(above, vatRatePercent)) above++;
  return { below, above };
}

/**
 * A document's totals under line rounding: each line's base and VAT rounded to cents, then summed.
 * Like `moloniDocumentTotals`, a prediction: the worker still checks Moloni's own total.
 */
export function moloniLineRoundedTotals(lines: readonly PricedLine[]): DocumentTotals {
  let gross = 0;
  let discount = 0;
  let vat = 0;
  for (const line of lines) {
    const lineGross = line.quantity * line.price;
    const lineDiscount = lineGross * ((line.discountPercent ?? 0) / 100);
    const base = roundToCents(lineGross - lineDiscount);
    gross += roundToCents(lineGross);
    discount += roundToCents(lineDiscount);
    vat += lineVatCents(base, line.vatRatePercent);
  }
  const baseTotal = gross - discount;
  return {
    grossValueCents: gross,
    discountValueCents: discount,
    taxesValueCents: vat,
    netValueCents: baseTotal + vat,
  };
}

export function moloniTotals(method: CalcMethod, lines: readonly PricedLine[]): DocumentTotals {
  return method === 'line' ? moloniLineRoundedTotals(lines) : moloniDocumentTotals(lines);
}

/** `1234` → `12.34`, the form used in messages and in the seed's `total_gross`. */
export function formatEuros(cents: Cents): string {
  return (cents / 100).toFixed(2);
}
