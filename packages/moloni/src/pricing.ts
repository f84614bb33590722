import {
  type CalcMethod,
  type Cents,
  FaturadorError,
  formatEuros,
  type InvoiceLine,
  type InvoiceRequest,
  isLineGrossReachable,
  lineBaseCents,
  moloniDocumentTotals,
  moloniLineRoundedTotals,
  NET_PRICE_DECIMALS,
  netUnitPrice,
  type PricedLine,
} from '@faturador/core';
import type { MoloniCompany } from './moloni-types.ts';

/**
 * The company's calculation method from `companies/getOne`'s `calc_method_id`. Real documents
 * carry the same id in `document_calc_method`: the anonymised answers in machinagod/moloni-client-ts
 * all say 2, and their totals are rounded per line (17 of 50 invoices differ from per-document
 * rounding), so 2 is per line and 1, the only other id, per document. Anything else is unknown:
 * null, and prices must then satisfy both methods.
 */
export function calcMethodOf(company: MoloniCompany | null): CalcMethod | null {
  const id = Number(company?.calc_method_id);
  if (id === 1) return 'document';
  if (id === 2) return 'line';
  return null;
}

const METHOD_WORDS: Record<CalcMethod | 'unknown', string> = {
  document: 'rounds VAT once per document',
  line: 'rounds VAT on each line',
  unknown: 'has an unknown calculation method (Faturador requires a total both methods reach)',
};

function roundPrice(value: number): number {
  const factor = 10 ** NET_PRICE_DECIMALS;
  return Math.round(Number((value * factor).toPrecision(15))) / factor;
}

/** Per line, the line's base must be a whole cent whose rounded VAT gives the gross exactly. */
function linePrice(line: InvoiceLine): number | null {
  const base = lineBaseCents(line.lineGrossCents, line.vatRate);
  return base === null ? null : roundPrice(base / 100 / line.quantity);
}

function pricedLines(request: InvoiceRequest, prices: readonly number[]): PricedLine[] {
  return request.lines.map((line, index) => ({
    quantity: line.quantity,
    price: prices[index] ?? 0,
    vatRatePercent: line.vatRate,
  }));
}

/** The nearest unit gross prices (cents) of one line, below and above, that `reachable` accepts. */
function nearestUnitPrices(
  unitGrossCents: Cents,
  reachable: (unitCents: Cents) => boolean,
): { below: Cents | null; above: Cents | null } {
  const LIMIT = 1000;
  let below: Cents | null = null;
  for (let k = 1; k <= LIMIT && below === null && unitGrossCents - k > 0; k++) {
    if (reachable(unitGrossCents - k)) below = unitGrossCents - k;
  }
  let above: Cents | null = null;
  for (let k = 1; k <= LIMIT && above === null; k++) {
    if (reachable(unitGrossCents + k)) above = unitGrossCents + k;
  }
  return { below, above };
}

function unreachable(
  method: CalcMethod | null,
  request: InvoiceRequest,
  index: number,
  nearest: { below: Cents | null; above: Cents | null },
  scope: 'line' | 'document',
): FaturadorError {
  const line = request.lines[index];
  const path = `items[${index}].gross_price`;
  const euros = (cents: Cents | null) => (cents === null ? null : formatEuros(cents));
  const options = [nearest.below, nearest.above].filter((cents) => cents !== null).map(formatEuros);
  const what =
    scope === 'line'
      ? `items[${index}] cannot total ${formatEuros(line?.lineGrossCents ?? 0)} EUR at ${line?.vatRate}% VAT`
      : `the VAT of this document falls on exactly half a cent, so it cannot total ${formatEuros(request.totalGrossCents)} EUR`;
  return new FaturadorError(
    'TOTAL_UNREACHABLE',
    `This Moloni company ${METHOD_WORDS[method ?? 'unknown']}: ${what}. The nearest ${path} Moloni can reach: ${options.join(' or ')} EUR. Nothing was issued.`,
    {
      path,
      line: index,
      calc_method: method ?? 'unknown',
      scope,
      requested: euros(line?.unitGrossCents ?? null),
      nearest: { below: euros(nearest.below), above: euros(nearest.above) },
      requested_total: formatEuros(request.totalGrossCents),
    },
  );
}

function withUnitGross(request: InvoiceRequest, index: number, unitGrossCents: Cents): InvoiceRequest {
  const lines = request.lines.map((line, at) =>
    at === index
      ? { ...line, unitGrossCents, lineGrossCents: Math.round(unitGrossCents * line.quantity) }
      : line,
  );
  return { ...request, lines, totalGrossCents: lines.reduce((sum, line) => sum + line.lineGrossCents, 0) };
}

/** Prices and whether Moloni, by `method` (both when unknown), would total them as requested. */
function attempt(
  request: InvoiceRequest,
  method: CalcMethod | null,
): { prices: number[] | null; ok: boolean } {
  if (method === 'document') {
    const prices = request.lines.map((line) =>
      netUnitPrice(line.unitGrossCents, line.vatRate, line.quantity),
    );
    return {
      prices,
      ok: moloniDocumentTotals(pricedLines(request, prices)).netValueCents === request.totalGrossCents,
    };
  }
  const prices = request.lines.map(linePrice);
  if (prices.some((price) => price === null)) return { prices: null, ok: false };
  const priced = pricedLines(request, prices as number[]);
  const lineOk = moloniLineRoundedTotals(priced).netValueCents === request.totalGrossCents;
  const documentOk =
    method === 'line' || moloniDocumentTotals(priced).netValueCents === request.totalGrossCents;
  return { prices: prices as number[], ok: lineOk && documentOk };
}

/**
 * The net unit prices to send so that Moloni's total, by the company's method, is the requested
 * gross to the cent — or TOTAL_UNREACHABLE, before anything is written, naming the line to change
 * and the nearest gross prices that work. Per line, about one gross in five has no price at all
 * (README of moloni-sandbox); per document, only a VAT sum on exactly half a cent fails.
 */
export function planNetPrices(request: InvoiceRequest, method: CalcMethod | null): number[] {
  const planned = attempt(request, method);
  if (planned.ok && planned.prices) return planned.prices;
  const lines = request.lines;
  if (method !== 'document') {
    const index = lines.findIndex((line) => !isLineGrossReachable(line.lineGrossCents, line.vatRate));
    const line = lines[index];
    if (line) {
      const nearest = nearestUnitPrices(line.unitGrossCents, (unit) =>
        isLineGrossReachable(Math.round(unit * line.quantity), line.vatRate),
      );
      throw unreachable(method, request, index, nearest, 'line');
    }
  }
  // The document as a whole misses (its VAT sum on a half cent): changing any taxed line moves it.
  const index = Math.max(
    0,
    lines.findLastIndex((line) => line.vatRate !== 0),
  );
  const unit = lines[index]?.unitGrossCents ?? 0;
  const nearest = nearestUnitPrices(
    unit,
    (candidate) => attempt(withUnitGross(request, index, candidate), method).ok,
  );
  throw unreachable(method, request, index, nearest, 'document');
}
