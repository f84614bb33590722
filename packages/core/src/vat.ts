/** Fiscal zones of Portugal as Moloni names them: the mainland, the Azores and Madeira. */
export const FISCAL_ZONES = ['PT', 'PT-AC', 'PT-MA'] as const;
export type FiscalZone = (typeof FISCAL_ZONES)[number];

export type VatRateKind = 'normal' | 'intermediate' | 'reduced' | 'exempt';

/**
 * VAT rates in force per zone (CIVA art. 18; regional rates of the Azores and Madeira). Moloni's
 * own tax table is the authority at issue time: these decide what a request may ask for.
 */
export const VAT_RATES: Record<FiscalZone, Record<VatRateKind, number>> = {
  PT: { normal: 23, intermediate: 13, reduced: 6, exempt: 0 },
  'PT-MA': { normal: 22, intermediate: 12, reduced: 4, exempt: 0 },
  'PT-AC': { normal: 16, intermediate: 9, reduced: 4, exempt: 0 },
};

export function ratesOf(zone: FiscalZone): number[] {
  return Object.values(VAT_RATES[zone]).sort((a, b) => a - b);
}

export function isRateOf(zone: FiscalZone, rate: number): boolean {
  return ratesOf(zone).includes(rate);
}

/** Every rate of every zone, for requests that do not name a zone yet. */
export const ALL_VAT_RATES: readonly number[] = [...new Set(FISCAL_ZONES.flatMap(ratesOf))].sort(
  (a, b) => a - b,
);

/**
 * Exemption reasons (AT's SAF-T codes) a 0% line must carry. The list is AT's; Moloni reads the
 * same codes from `taxExemptions/getAll`.
 */
export const EXEMPTION_REASONS = {
  M01: 'Artigo 16.º, n.º 6 do CIVA',
  M02: 'Artigo 6.º do Decreto-Lei n.º 198/90, de 19 de junho',
  M04: 'Artigo 13.º do CIVA',
  M05: 'Artigo 14.º do CIVA',
  M06: 'Artigo 15.º do CIVA',
  M07: 'Artigo 9.º do CIVA',
  M09: 'Artigo 62.º alínea b) do CIVA',
  M10: 'Artigo 57.º do CIVA (regime de isenção)',
  M11: 'Regime particular do tabaco',
  M12: 'Regime da margem de lucro – Agências de viagens',
  M13: 'Regime da margem de lucro – Bens em segunda mão',
  M14: 'Regime da margem de lucro – Objetos de arte',
  M15: 'Regime da margem de lucro – Objetos de coleção e antiguidades',
  M16: 'Artigo 14.º do RITI',
  M19: 'Outras isenções',
  M20: 'IVA – regime forfetário',
  M21: 'IVA – não confere direito a dedução',
  M25: 'Mercadorias à consignação',
  M26: 'Isenção de IVA com direito à dedução no cabaz alimentar',
  M30: 'IVA – autoliquidação (artigo 2.º, n.º 1, alínea i) do CIVA)',
  M31: 'IVA – autoliquidação (artigo 2.º, n.º 1, alínea j) do CIVA)',
  M32: 'IVA – autoliquidação (artigo 2.º, n.º 1, alínea l) do CIVA)',
  M33: 'IVA – autoliquidação (artigo 2.º, n.º 1, alínea m) do CIVA)',
  M34: 'IVA – autoliquidação (artigo 2.º, n.º 1, alínea n) do CIVA)',
  M40: 'IVA – autoliquidação (artigo 6.º, n.º 6, alínea a) do CIVA, a contrario)',
  M41: 'IVA – autoliquidação (artigo 8.º, n.º 3 do RITI)',
  M42: 'IVA – autoliquidação (Decreto-Lei n.º 21/2007, de 29 de janeiro)',
  M43: 'IVA – autoliquidação (Decreto-Lei n.º 362/99, de 16 de setembro)',
  M99: 'Não sujeito ou não tributado',
} as const;

export type ExemptionReason = keyof typeof EXEMPTION_REASONS;

export function isExemptionReason(value: string): value is ExemptionReason {
  return Object.hasOwn(EXEMPTION_REASONS, value);
}

/**
 * Above this total an invoice to an unidentified buyer is refused (CIVA art. 36 n.º 15; Moloni
 * error 16), and a simplified invoice is not allowed at all (CIVA art. 40).
 */
export const ANONYMOUS_BUYER_LIMIT_CENTS = 100_000;
export const SIMPLIFIED_INVOICE_LIMIT_CENTS = 100_000;
