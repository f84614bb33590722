/** Fiscal zones of Portugal as Moloni names them: the mainland, the Azores and Madeira. */
export const FISCAL_ZONES = ['PT', 'PT-AC', 'PT-MA'] as const;
export type FiscalZone = (typeof FISCAL_ZONES)[number];

export type VatRateKind = 'normal' | 'intermediate' | 'reduced' | 'exempt';
export type VatRates = Record<VatRateKind, number>;

/** `YYYY-MM-DD`; compared as strings, which orders them as dates. */
export type IsoDate = string;

interface DatedRates {
  /** First day these rates apply (inclusive). */
  from: IsoDate;
  rates: VatRates;
}

/**
 * The rates of each zone over time, oldest first. Sources:
 * - mainland: CIVA art. 18 n.º 1 as worded by Lei n.º 55-A/2010 (23 %, 13 %, 6 % from 2011-01-01);
 * - Madeira: Lei n.º 14-A/2012 (22 %, 12 %, 5 % from 2012-04-01); Decreto Legislativo Regional
 *   n.º 6/2024/M (Orçamento da RAM para 2024) lowered the reduced rate to 4 % from 2024-10-01,
 *   as the AT's Ofício Circulado n.º 25045/2024 (DSIVA) lists;
 * - Azores: Lei n.º 63-A/2015 (4 %, 9 %, 18 % from 2015-07-01, the first day of the quarter after
 *   its publication); Decreto Legislativo Regional n.º 15-A/2021/A (16 % normal from 2021-07-01).
 * Earlier dates are not modelled: a document dated before a zone's first entry is refused.
 */
export const VAT_RATE_HISTORY: Record<FiscalZone, readonly DatedRates[]> = {
  PT: [{ from: '2011-01-01', rates: { normal: 23, intermediate: 13, reduced: 6, exempt: 0 } }],
  'PT-MA': [
    { from: '2012-04-01', rates: { normal: 22, intermediate: 12, reduced: 5, exempt: 0 } },
    { from: '2024-10-01', rates: { normal: 22, intermediate: 12, reduced: 4, exempt: 0 } },
  ],
  'PT-AC': [
    { from: '2015-07-01', rates: { normal: 18, intermediate: 9, reduced: 4, exempt: 0 } },
    { from: '2021-07-01', rates: { normal: 16, intermediate: 9, reduced: 4, exempt: 0 } },
  ],
};

function latest(zone: FiscalZone): VatRates {
  const history = VAT_RATE_HISTORY[zone];
  const last = history[history.length - 1];
  if (!last) throw new Error(`no VAT rates for ${zone}`);
  return last.rates;
}

/**
 * The rates in force now (the latest entry of each zone), for the bot's and Airtable's menus.
 * Moloni's own tax table is the authority at issue time; a request is checked against the rates
 * of its own date (`vatRatesOn`).
 */
export const VAT_RATES: Record<FiscalZone, VatRates> = {
  PT: latest('PT'),
  'PT-MA': latest('PT-MA'),
  'PT-AC': latest('PT-AC'),
};

/** The rates of `zone` on `date`, or null before the first date modelled for that zone. */
export function vatRatesOn(zone: FiscalZone, date: IsoDate): VatRates | null {
  let found: VatRates | null = null;
  for (const entry of VAT_RATE_HISTORY[zone]) if (entry.from <= date) found = entry.rates;
  return found;
}

/** The zone's rates on `date` (default: the current ones), ascending. */
export function ratesOf(zone: FiscalZone, date?: IsoDate): number[] {
  const rates = date === undefined ? VAT_RATES[zone] : vatRatesOn(zone, date);
  return rates ? Object.values(rates).sort((a, b) => a - b) : [];
}

export function isRateOf(zone: FiscalZone, rate: number, date?: IsoDate): boolean {
  return ratesOf(zone, date).includes(rate);
}

/** The first date whose rates are modelled for `zone`. */
export function firstRatesDate(zone: FiscalZone): IsoDate {
  return VAT_RATE_HISTORY[zone][0]?.from ?? '9999-12-31';
}

/** Every rate of every zone at any modelled date, for the shape check of a request. */
export const ALL_VAT_RATES: readonly number[] = [
  ...new Set(FISCAL_ZONES.flatMap((zone) => VAT_RATE_HISTORY[zone].flatMap((e) => Object.values(e.rates)))),
].sort((a, b) => a - b);

interface ExemptionReason {
  /** The legal basis, as the AT's table names it. */
  law: string;
  /** First day the code may be used (inclusive); always when absent. */
  from?: IsoDate;
  /** Last day the code may be used (inclusive); still valid when absent. */
  until?: IsoDate;
}

/**
 * Exemption reasons (the AT's SAF-T `TaxExemptionCode` table) a 0 % line must carry, with the
 * dates each may be used. Moloni reads the same codes from `taxExemptions/getAll`.
 * - M08 (autoliquidação) was split into M30–M43 from 2023-01-01;
 * - M26 (cabaz alimentar, Lei n.º 17/2023) applied from 2023-04-18; Lei n.º 60-A/2023 extended it
 *   to 2023-12-31 and the government then moved the end to 2024-01-04 (as reported by the press;
 *   that act was not found), the date used here;
 * - M44, M45 and M46 were added to the table in 2025 (operations not located in Portugal under
 *   CIVA art. 6, the cross-border exemption scheme of CIVA art. 58.º-A, e-TaxFree sales); their
 *   first day is taken as 2025-01-01, when the cross-border scheme began.
 */
export const EXEMPTION_TABLE = {
  M01: { law: 'Artigo 16.º, n.º 6 do CIVA' },
  M02: { law: 'Artigo 6.º do Decreto-Lei n.º 198/90, de 19 de junho' },
  M04: { law: 'Artigo 13.º do CIVA' },
  M05: { law: 'Artigo 14.º do CIVA' },
  M06: { law: 'Artigo 15.º do CIVA' },
  M07: { law: 'Artigo 9.º do CIVA' },
  M08: { law: 'IVA – autoliquidação', until: '2022-12-31' },
  M09: { law: 'Artigo 62.º alínea b) do CIVA' },
  M10: { law: 'Artigo 57.º do CIVA (regime de isenção)' },
  M11: { law: 'Regime particular do tabaco' },
  M12: { law: 'Regime da margem de lucro – Agências de viagens' },
  M13: { law: 'Regime da margem de lucro – Bens em segunda mão' },
  M14: { law: 'Regime da margem de lucro – Objetos de arte' },
  M15: { law: 'Regime da margem de lucro – Objetos de coleção e antiguidades' },
  M16: { law: 'Artigo 14.º do RITI' },
  M19: { law: 'Outras isenções' },
  M20: { law: 'IVA – regime forfetário' },
  M21: { law: 'IVA – não confere direito a dedução' },
  M25: { law: 'Mercadorias à consignação' },
  M26: {
    law: 'Isenção de IVA com direito à dedução no cabaz alimentar',
    from: '2023-04-18',
    until: '2024-01-04',
  },
  M30: { law: 'IVA – autoliquidação (artigo 2.º, n.º 1, alínea i) do CIVA)', from: '2023-01-01' },
  M31: { law: 'IVA – autoliquidação (artigo 2.º, n.º 1, alínea j) do CIVA)', from: '2023-01-01' },
  M32: { law: 'IVA – autoliquidação (artigo 2.º, n.º 1, alínea l) do CIVA)', from: '2023-01-01' },
  M33: { law: 'IVA – autoliquidação (artigo 2.º, n.º 1, alínea m) do CIVA)', from: '2023-01-01' },
  M34: { law: 'IVA – autoliquidação (artigo 2.º, n.º 1, alínea n) do CIVA)', from: '2023-01-01' },
  M40: {
    law: 'IVA – autoliquidação (artigo 6.º, n.º 6, alínea a) do CIVA, a contrario)',
    from: '2023-01-01',
  },
  M41: { law: 'IVA – autoliquidação (artigo 8.º, n.º 3 do RITI)', from: '2023-01-01' },
  M42: { law: 'IVA – autoliquidação (Decreto-Lei n.º 21/2007, de 29 de janeiro)', from: '2023-01-01' },
  M43: { law: 'IVA – autoliquidação (Decreto-Lei n.º 362/99, de 16 de setembro)', from: '2023-01-01' },
  M44: { law: 'Artigo 6.º do CIVA (operação não localizada em Portugal)', from: '2025-01-01' },
  M45: { law: 'Artigo 58.º-A do CIVA (regime transfronteiriço de isenção)', from: '2025-01-01' },
  M46: { law: 'Decreto-Lei n.º 19/2017, de 14 de fevereiro (e-TaxFree)', from: '2025-01-01' },
  M99: { law: 'Não sujeito ou não tributado' },
} as const satisfies Record<string, ExemptionReason>;

export type ExemptionReasonCode = keyof typeof EXEMPTION_TABLE;

/** Every code the AT's table has had → its legal basis (see `exemptionReasonsOn` for a date). */
export const EXEMPTION_REASONS: Record<ExemptionReasonCode, string> = Object.fromEntries(
  Object.entries(EXEMPTION_TABLE).map(([code, reason]) => [code, reason.law]),
) as Record<ExemptionReasonCode, string>;

export function isExemptionReason(value: string): value is ExemptionReasonCode {
  return Object.hasOwn(EXEMPTION_TABLE, value);
}

function validOn(reason: ExemptionReason, date: IsoDate): boolean {
  return (
    (reason.from === undefined || reason.from <= date) && (reason.until === undefined || date <= reason.until)
  );
}

/** Code → legal basis of the codes that may be used on `date`. */
export function exemptionReasonsOn(date: IsoDate): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [code, reason] of Object.entries(EXEMPTION_TABLE) as [string, ExemptionReason][]) {
    if (validOn(reason, date)) out[code] = reason.law;
  }
  return out;
}

/** Why `code` cannot be used on `date` (null when it can): not yet in force, or ended. */
export function exemptionProblemOn(
  code: ExemptionReasonCode,
  date: IsoDate,
): { kind: 'not_yet'; from: IsoDate } | { kind: 'ended'; until: IsoDate } | null {
  const reason: ExemptionReason = EXEMPTION_TABLE[code];
  if (validOn(reason, date)) return null;
  if (reason.from !== undefined && date < reason.from) return { kind: 'not_yet', from: reason.from };
  return { kind: 'ended', until: reason.until ?? date };
}

/**
 * Unidentified buyers. CIVA art. 36 n.º 15 used to spare the buyer's name and address only on
 * invoices under 1,000 EUR to non-taxable persons; Decreto-Lei n.º 28/2019 (in force 2019-07-01)
 * removed that limit, so a private buyer may stay anonymous on an invoice of any value (its
 * preamble: purchases may be made "anonimamente em qualquer caso"; the NIF is shown when the buyer
 * is a taxable person or asks for it). Moloni followed on 2019-06-24: documents above 1,000 EUR
 * take "Desconhecido" / "0000-000" / 999999990 like smaller ones. Returns the limit in cents from
 * which an unidentified buyer is refused on `date`, or null when there is none.
 */
export const DL_28_2019_IN_FORCE: IsoDate = '2019-07-01';
export function unidentifiedBuyerLimitCentsOn(date: IsoDate): number | null {
  return date < DL_28_2019_IN_FORCE ? 100_000 : null;
}

/**
 * Simplified invoices (CIVA art. 40 n.º 1): a) goods sold by retailers or street sellers to
 * non-taxable persons up to 1,000 EUR; b) any other goods or services up to 100 EUR. Which case a
 * sale is depends on the seller and the goods, which a request does not say: no FS may exceed
 * 1,000 EUR, and above 100 EUR the caller vouches that case a) applies.
 */
export const SIMPLIFIED_INVOICE_LIMIT_CENTS = 100_000;
export const SIMPLIFIED_INVOICE_OTHER_LIMIT_CENTS = 10_000;

/** Today in Portugal: a document dated in UTC would be a day off around midnight. */
// One formatter for the process: building one per call costs more than the rest of a document's CPU.
const LISBON_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Lisbon',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

export function lisbonDate(time: number): IsoDate {
  return LISBON_DAY.format(time);
}
