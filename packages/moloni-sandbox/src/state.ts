import type { DocumentOrder } from '@faturador/sandbox-kit';
import {
  COUNTRIES,
  DEFAULT_COMPANY_ID,
  DEMO_COMPANY_ID,
  type SeedOptions,
  seedCategories,
  seedCompany,
  seedDemoCompany,
  seedDocumentSets,
  seedMaturityDates,
  seedPaymentMethods,
  seedTaxes,
  seedUnits,
} from './seed.ts';
import type {
  Company,
  Country,
  Customer,
  DocumentSet,
  MaturityDate,
  MeasurementUnit,
  PaymentMethod,
  Product,
  ProductCategory,
  SandboxDocument,
  Tax,
} from './types.ts';

// Id ranges in the magnitude real accounts show, so clients do not get away with small ints.
const FIRST_IDS = {
  customer: 120003193,
  product: 159975925,
  document: 974989624,
  category: 3125142,
  tax: 2564400,
  documentProduct: 1820114455,
} as const;

type IdKind = keyof typeof FIRST_IDS;

export interface SavedState {
  companies: Array<[number, Company]>;
  documentSets: Array<[number, DocumentSet]>;
  taxes: Array<[number, Tax]>;
  paymentMethods: Array<[number, PaymentMethod]>;
  units: Array<[number, MeasurementUnit]>;
  maturityDates: Array<[number, MaturityDate]>;
  categories: Array<[number, ProductCategory]>;
  countries: Array<[number, Country]>;
  customers: Array<[number, Customer]>;
  products: Array<[number, Product]>;
  documents: Array<[number, SandboxDocument]>;
  numbering: Array<[string, number]>;
  pdfLinks: Array<[string, number]>;
  nextIds: Array<[IdKind, number]>;
}

/** Everything a Moloni account holds, in memory. `reset()` returns it to the seed. */
export class SandboxState {
  readonly companies = new Map<number, Company>();
  readonly documentSets = new Map<number, DocumentSet>();
  readonly taxes = new Map<number, Tax>();
  readonly paymentMethods = new Map<number, PaymentMethod>();
  readonly units = new Map<number, MeasurementUnit>();
  readonly maturityDates = new Map<number, MaturityDate>();
  readonly categories = new Map<number, ProductCategory>();
  readonly countries = new Map<number, Country>();
  readonly customers = new Map<number, Customer>();
  readonly products = new Map<number, Product>();
  readonly documents = new Map<number, SandboxDocument>();
  /** Last number issued per `document_set_id:document_type_id`. */
  readonly numbering = new Map<string, number>();
  /** PDF download hash → document_id. */
  readonly pdfLinks = new Map<string, number>();
  private readonly nextIds = new Map<IdKind, number>();
  /**
   * The order getAll/getOne list documents in. Moloni documents none, so clients must not rely on
   * one: tests flip it (`/_sandbox/documents/order`) to show their choice does not depend on it.
   */
  documentOrder: DocumentOrder = 'newest_first';

  constructor(readonly seed: SeedOptions = { companyId: DEFAULT_COMPANY_ID, documentSetName: 'M' }) {
    this.reset();
  }

  reset(): void {
    for (const map of [
      this.companies,
      this.documentSets,
      this.taxes,
      this.paymentMethods,
      this.units,
      this.maturityDates,
      this.categories,
      this.countries,
      this.customers,
      this.products,
      this.documents,
      this.numbering,
      this.pdfLinks,
      this.nextIds,
    ]) {
      map.clear();
    }
    // Listed first: a client that takes the first company gets the wrong one.
    if (this.seed.demoCompany ?? true) this.companies.set(DEMO_COMPANY_ID, seedDemoCompany());
    const company = seedCompany(this.seed);
    this.documentOrder = 'newest_first';
    this.companies.set(company.company_id, company);
    for (const set of seedDocumentSets(this.seed)) this.documentSets.set(set.document_set_id, set);
    for (const tax of seedTaxes(this.seed)) this.taxes.set(tax.tax_id, tax);
    for (const method of seedPaymentMethods(this.seed))
      this.paymentMethods.set(method.payment_method_id, method);
    for (const unit of seedUnits(this.seed)) this.units.set(unit.unit_id, unit);
    for (const maturity of seedMaturityDates(this.seed))
      this.maturityDates.set(maturity.maturity_date_id, maturity);
    for (const category of seedCategories(this.seed)) this.categories.set(category.category_id, category);
    for (const country of COUNTRIES) this.countries.set(country.country_id, country);
  }

  /** Everything the account holds, as JSON-safe data (see persistence.ts). */
  exportData(): SavedState {
    const entries = <K, V>(map: Map<K, V>) => [...map.entries()];
    return {
      companies: entries(this.companies),
      documentSets: entries(this.documentSets),
      taxes: entries(this.taxes),
      paymentMethods: entries(this.paymentMethods),
      units: entries(this.units),
      maturityDates: entries(this.maturityDates),
      categories: entries(this.categories),
      countries: entries(this.countries),
      customers: entries(this.customers),
      products: entries(this.products),
      documents: entries(this.documents),
      numbering: entries(this.numbering),
      pdfLinks: entries(this.pdfLinks),
      nextIds: entries(this.nextIds),
    };
  }

  /** Replaces everything with saved data. */
  importData(saved: SavedState): void {
    const fill = <K, V>(map: Map<K, V>, rows: Array<[K, V]>) => {
      map.clear();
      for (const [key, value] of rows) map.set(key, value);
    };
    fill(this.companies, saved.companies);
    fill(this.documentSets, saved.documentSets);
    fill(this.taxes, saved.taxes);
    fill(this.paymentMethods, saved.paymentMethods);
    fill(this.units, saved.units);
    fill(this.maturityDates, saved.maturityDates);
    fill(this.categories, saved.categories);
    fill(this.countries, saved.countries);
    fill(this.customers, saved.customers);
    fill(this.products, saved.products);
    fill(this.documents, saved.documents);
    fill(this.numbering, saved.numbering);
    fill(this.pdfLinks, saved.pdfLinks);
    fill(this.nextIds, saved.nextIds);
  }

  nextId(kind: IdKind): number {
    const id = this.nextIds.get(kind) ?? FIRST_IDS[kind];
    // Real ids are not contiguous; a stride keeps clients from computing them.
    this.nextIds.set(kind, id + 7);
    return id;
  }

  /** Records of one company, in insertion order. */
  ofCompany<T extends { company_id: number }>(map: Map<number, T>, companyId: number): T[] {
    return [...map.values()].filter((item) => item.company_id === companyId);
  }

  defaultCompany(): Company | undefined {
    return this.companies.get(this.seed.companyId);
  }
}
