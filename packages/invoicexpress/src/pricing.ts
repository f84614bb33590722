/**
 * InvoiceXpress's arithmetic, so a total can be checked — and an unreachable one refused — before
 * anything is written. Unit prices are net of VAT; each line keeps its subtotal and tax unrounded,
 * and the document rounds `before_taxes`, `taxes` and `total` once, to the cent (reference §6, from
 * a captured change-state answer: subtotal 2.0244, tax 0.465612, total 2.49).
 */
export interface PricedLine {
  unitPrice: number;
  quantity: number;
  /** Percent. */
  discount?: number;
  /** VAT rate, percent. */
  rate: number;
}

export interface IxTotals {
  beforeTaxes: number;
  taxes: number;
  total: number;
}

const cents = (value: number) => Math.round((value + Number.EPSILON) * 100) / 100;

export function documentTotals(lines: readonly PricedLine[]): IxTotals {
  let subtotal = 0;
  let taxes = 0;
  for (const line of lines) {
    const net = line.quantity * line.unitPrice * (1 - (line.discount ?? 0) / 100);
    subtotal += net;
    taxes += (net * line.rate) / 100;
  }
  return { beforeTaxes: cents(subtotal), taxes: cents(taxes), total: cents(subtotal + taxes) };
}

/**
 * The net unit price to send for a VAT-inclusive amount: InvoiceXpress has no gross-price flag, so
 * the gross is divided by the rate and kept to `decimals` places (prices are stored with more
 * precision than the two decimals they are echoed with).
 */
export function netUnitPrice(grossUnitPrice: number, rate: number, decimals = 6): number {
  const factor = 10 ** decimals;
  return Math.round((grossUnitPrice / (1 + rate / 100)) * factor) / factor;
}
