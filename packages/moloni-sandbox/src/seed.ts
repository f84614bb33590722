// The reference data a fresh Moloni account has. Ids and shapes follow the anonymised real
// responses quoted in the reference (company 240211, tax 2564343, payment method 1753478, …).
import type {
  CalcMethodId,
  Company,
  Country,
  DocumentSet,
  MaturityDate,
  MeasurementUnit,
  PaymentMethod,
  ProductCategory,
  Tax,
  TaxExemption,
} from './types.ts';

export interface SeedOptions {
  companyId: number;
  /** Whether companies/getAll also lists Moloni's demo company (id 5), as real accounts may. */
  demoCompany?: boolean;
  /** Name of the default series (`active_by_default`). */
  documentSetName: string;
  /** The company's calculation method; `document` (Moloni's default for new companies) if absent. */
  calcMethod?: CalcMethod;
}

export type CalcMethod = 'document' | 'line';
export const CALC_METHOD_IDS: Record<CalcMethod, CalcMethodId> = { document: 1, line: 2 };

export function calcMethodOfId(id: CalcMethodId): CalcMethod {
  return id === 2 ? 'line' : 'document';
}

export const DEFAULT_COMPANY_ID = 240211;
export const DEFAULT_DOCUMENT_SET_ID = 884384;
export const SECONDARY_DOCUMENT_SET_ID = 884385;
/** Numerário, the cash method (`is_numerary: 1`); the lowest id, so the first one created. */
export const CASH_PAYMENT_METHOD_ID = 1753478;
/** Listed first by a real account, though it is not its default. */
export const CHEQUE_PAYMENT_METHOD_ID = 1753483;
export const DEFAULT_UNIT_ID = 2156443;
export const DEFAULT_CATEGORY_ID = 3125141;
export const DEFAULT_MATURITY_DATE_ID = 1421690;

export const COUNTRIES: readonly Country[] = [
  { country_id: 1, name: 'Portugal', iso_3166_1: 'pt', language_id: 1 },
  { country_id: 70, name: 'Espanha', iso_3166_1: 'es', language_id: 2 },
  { country_id: 75, name: 'França', iso_3166_1: 'fr', language_id: 2 },
  { country_id: 83, name: 'Alemanha', iso_3166_1: 'de', language_id: 2 },
  { country_id: 233, name: 'Reino Unido', iso_3166_1: 'gb', language_id: 2 },
  { country_id: 234, name: 'Estados Unidos', iso_3166_1: 'us', language_id: 2 },
  { country_id: 31, name: 'Brasil', iso_3166_1: 'br', language_id: 1 },
];

export const LANGUAGES = [
  { language_id: 1, code: 'pt', name: 'Português' },
  { language_id: 2, code: 'en', name: 'English' },
  { language_id: 3, code: 'es', name: 'Español' },
] as const;

export const FISCAL_ZONES = [
  { fiscal_zone_id: 1, country_id: 1, name: 'Portugal Continental', code: 'PT' },
  { fiscal_zone_id: 2, country_id: 1, name: 'Açores', code: 'PT-AC' },
  { fiscal_zone_id: 3, country_id: 1, name: 'Madeira', code: 'PT-MA' },
] as const;

// A subset of the AT exemption codes (SAF-T PT, TaxExemptionCode).
export const TAX_EXEMPTIONS: readonly TaxExemption[] = [
  ['M01', 'Artigo 16.º, n.º 6 do CIVA', 'Artigo 16.º, n.º 6, alíneas a) a d) do CIVA'],
  ['M02', 'Artigo 6.º do Decreto-Lei n.º 198/90', 'Artigo 6.º do Decreto-Lei n.º 198/90, de 19 de junho'],
  ['M04', 'Isento artigo 13.º do CIVA', 'Isento ao abrigo do artigo 13.º do CIVA'],
  ['M05', 'Isento artigo 14.º do CIVA', 'Isento ao abrigo do artigo 14.º do CIVA'],
  ['M06', 'Isento artigo 15.º do CIVA', 'Isento ao abrigo do artigo 15.º do CIVA'],
  ['M07', 'Isento artigo 9.º do CIVA', 'Isento ao abrigo do artigo 9.º do CIVA'],
  ['M09', 'IVA - não confere direito a dedução', 'Artigo 62.º alínea b) do CIVA'],
  ['M10', 'IVA - regime de isenção', 'Isento ao abrigo do artigo 53.º do CIVA'],
  ['M11', 'Regime particular do tabaco', 'Decreto-Lei n.º 346/85, de 23 de agosto'],
  ['M12', 'Regime da margem de lucro - Agências de viagens', 'Decreto-Lei n.º 221/85, de 3 de julho'],
  ['M13', 'Regime da margem de lucro - Bens em segunda mão', 'Decreto-Lei n.º 199/96, de 18 de outubro'],
  ['M14', 'Regime da margem de lucro - Objetos de arte', 'Decreto-Lei n.º 199/96, de 18 de outubro'],
  ['M15', 'Regime da margem de lucro - Objetos de coleção e antiguidades', 'Decreto-Lei n.º 199/96'],
  ['M16', 'Isento artigo 14.º do RITI', 'Isento ao abrigo do artigo 14.º do RITI'],
  ['M19', 'Outras isenções', 'Isenções temporárias determinadas em diploma próprio'],
  ['M20', 'IVA - regime forfetário', 'Artigo 59.º-D n.º 2 do CIVA'],
  ['M21', 'IVA - não confere direito à dedução', 'Artigo 72.º n.º 4 do CIVA'],
  ['M25', 'Mercadorias à consignação', 'Artigo 38.º n.º 1 alínea a) do CIVA'],
  ['M30', 'IVA - autoliquidação', 'Artigo 2.º n.º 1 alínea i) do CIVA'],
  ['M31', 'IVA - autoliquidação', 'Artigo 2.º n.º 1 alínea j) do CIVA'],
  ['M32', 'IVA - autoliquidação', 'Artigo 2.º n.º 1 alínea l) do CIVA'],
  ['M33', 'IVA - autoliquidação', 'Artigo 2.º n.º 1 alínea m) do CIVA'],
  ['M34', 'IVA - autoliquidação', 'Artigo 2.º n.º 1 alínea n) do CIVA'],
  ['M40', 'IVA - autoliquidação', 'Artigo 6.º n.º 6 alínea a) do CIVA, a contrário'],
  ['M41', 'IVA - autoliquidação', 'Artigo 8.º n.º 3 do RITI'],
  ['M42', 'IVA - autoliquidação', 'Decreto-Lei n.º 21/2007, de 29 de janeiro'],
  ['M43', 'IVA - autoliquidação', 'Decreto-Lei n.º 362/99, de 16 de setembro'],
  // Added to the AT's table in 2025.
  ['M44', 'IVA - regras específicas', 'Artigo 6.º do CIVA'],
  ['M45', 'IVA - regime transfronteiriço de isenção', 'Artigo 58.º-A do CIVA'],
  ['M46', 'IVA - e-TaxFree', 'Decreto-Lei n.º 19/2017, de 14 de fevereiro'],
  ['M99', 'Não sujeito ou não tributado', 'Outras situações de não liquidação do imposto'],
].map(([code = '', name = '', description = '']) => ({ code, name, description }));

export const EXEMPTION_CODES: ReadonlySet<string> = new Set(TAX_EXEMPTIONS.map((item) => item.code));

export function seedCompany(options: SeedOptions): Company {
  return {
    company_id: options.companyId,
    name: 'Faturador Demo, Lda.',
    vat: '514000007',
    email: 'faturacao@faturador.test',
    address: 'Avenida da Liberdade 100',
    city: 'Lisboa',
    zip_code: '1250-145',
    country_id: 1,
    currency_id: 1,
    fiscal_zone: 'PT',
    calc_method_id: CALC_METHOD_IDS[options.calcMethod ?? 'document'],
  };
}

/**
 * Moloni's demonstration company, which real accounts may list in companies/getAll; both official
 * plugins drop company_id 5 (moloni-pt/woocommerce src/Start.php; moloni-pt/magento2
 * Libraries/MoloniLibrary/Classes/Companies.php, which names it "Empresa de Demonstração"). Its
 * NIF and address here are placeholders. It has no series, so nothing can be issued in it.
 */
export const DEMO_COMPANY_ID = 5;

export function seedDemoCompany(): Company {
  return {
    company_id: DEMO_COMPANY_ID,
    name: 'Empresa de Demonstração',
    vat: '999999990',
    email: '',
    address: 'Desconhecido',
    city: 'Desconhecido',
    zip_code: '0000-000',
    country_id: 1,
    currency_id: 1,
    fiscal_zone: 'PT',
    calc_method_id: CALC_METHOD_IDS.document,
  };
}

export function seedDocumentSets(options: SeedOptions): DocumentSet[] {
  const base = {
    company_id: options.companyId,
    cash_vat_scheme_indicator: 0,
    template_id: 0,
    eac_id: 701219,
  } as const;
  return [
    {
      ...base,
      document_set_id: DEFAULT_DOCUMENT_SET_ID,
      name: options.documentSetName,
      active_by_default: 1,
      is_invisible: 0,
      at_codes: { 1: 'JFT5ZMXX', 20: 'JFS5ZMX7', 27: 'JFR5ZMXG' },
    },
    {
      ...base,
      document_set_id: SECONDARY_DOCUMENT_SET_ID,
      name: 'LOJA',
      active_by_default: 0,
      is_invisible: 0,
      at_codes: { 1: 'JLT5ZMXX', 20: 'JLS5ZMX7', 27: 'JLR5ZMXG' },
    },
  ];
}

const RATES: ReadonlyArray<[zone: string, normal: number, intermediate: number, reduced: number]> = [
  ['PT', 23, 13, 6],
  ['PT-MA', 22, 12, 4],
  ['PT-AC', 16, 9, 4],
];

export function seedTaxes(options: SeedOptions): Tax[] {
  const taxes: Tax[] = [];
  let id = 2564343;
  for (const [zone, normal, intermediate, reduced] of RATES) {
    const suffix = zone === 'PT' ? '' : ` (${zone})`;
    const rows: Array<[string, number, string]> = [
      ['IVA Normal', normal, 'NOR'],
      ['IVA Intermédio', intermediate, 'INT'],
      ['IVA Reduzido', reduced, 'RED'],
      ['Isento', 0, 'ISE'],
    ];
    for (const [name, value, vatType] of rows) {
      taxes.push({
        tax_id: id++,
        company_id: options.companyId,
        name: `${name}${suffix}`,
        value,
        type: 1,
        saft_type: 1,
        vat_type: vatType,
        stamp_tax: '',
        exemption_reason: '',
        fiscal_zone: zone,
        active_by_default: zone === 'PT' && value === normal ? 1 : 0,
      });
    }
  }
  // An account older than the last rate changes keeps the former taxes (and needs them for a
  // back-dated document): Madeira's reduced 5 % until 2024-09-30, the Azores' normal 18 % until
  // 2021-06-30. Appended, so the ids above stay those of the reference.
  const former: Array<[string, number, string, string]> = [
    ['IVA Reduzido (PT-MA, até 2024-09-30)', 5, 'RED', 'PT-MA'],
    ['IVA Normal (PT-AC, até 2021-06-30)', 18, 'NOR', 'PT-AC'],
  ];
  for (const [name, value, vatType, zone] of former) {
    taxes.push({
      tax_id: id++,
      company_id: options.companyId,
      name,
      value,
      type: 1,
      saft_type: 1,
      vat_type: vatType,
      stamp_tax: '',
      exemption_reason: '',
      fiscal_zone: zone,
      active_by_default: 0,
    });
  }
  return taxes;
}

/**
 * In the order a real account lists them (machinagod/moloni-client-ts,
 * canned/v1/paymentMethods/getAll/response.json): not by id, not cash first, and with no default
 * flag. Only `is_numerary` tells which one is cash.
 */
export function seedPaymentMethods(options: SeedOptions): PaymentMethod[] {
  const rows: Array<[number, string, 0 | 1, 0 | 1, 0 | 1, 0 | 1]> = [
    [CHEQUE_PAYMENT_METHOD_ID, 'Cheque', 0, 0, 0, 0],
    [1753493, 'Multibanco', 0, 1, 0, 0],
    [CASH_PAYMENT_METHOD_ID, 'Numerário', 1, 0, 0, 0],
    [1753494, 'Cartão de crédito', 0, 0, 1, 0],
    [1753495, 'Transferência bancária', 0, 0, 0, 0],
    [1753496, 'MB WAY', 0, 0, 0, 0],
  ];
  return rows.map(([payment_method_id, name, is_numerary, is_mb, is_tpa, is_credit]) => ({
    payment_method_id,
    company_id: options.companyId,
    name,
    is_numerary,
    is_mb,
    is_tpa,
    is_credit,
  }));
}

export function seedUnits(options: SeedOptions): MeasurementUnit[] {
  return [
    { unit_id: DEFAULT_UNIT_ID, company_id: options.companyId, name: 'Unidade', short_name: 'Uni.' },
    { unit_id: 2156444, company_id: options.companyId, name: 'Hora', short_name: 'h' },
    { unit_id: 2156445, company_id: options.companyId, name: 'Serviço', short_name: 'Serv.' },
  ];
}

export function seedMaturityDates(options: SeedOptions): MaturityDate[] {
  return [
    {
      maturity_date_id: DEFAULT_MATURITY_DATE_ID,
      company_id: options.companyId,
      name: 'Pronto pagamento',
      days: 0,
      associated_discount: 0,
    },
    {
      maturity_date_id: 1421691,
      company_id: options.companyId,
      name: '30 dias',
      days: 30,
      associated_discount: 0,
    },
  ];
}

export function seedCategories(options: SeedOptions): ProductCategory[] {
  return [
    {
      category_id: DEFAULT_CATEGORY_ID,
      company_id: options.companyId,
      parent_id: 0,
      name: 'Geral',
      description: '',
      pos_enabled: 1,
    },
  ];
}
