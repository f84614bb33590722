import type {
  MoloniCategory,
  MoloniCompany,
  MoloniCountry,
  MoloniDocumentSet,
  MoloniMaturityDate,
  MoloniPaymentMethod,
  MoloniTax,
  MoloniTaxExemption,
  MoloniUnit,
} from './moloni-types.ts';
import type { MoloniSession } from './session.ts';

interface Entry {
  expiresAt: number;
  value: Promise<unknown>;
}

/**
 * Settings that change rarely (series, taxes, payment methods…), cached in process per connection
 * and company. The cache holds the promise, so concurrent issuances share one request, and a
 * failed load is forgotten at once instead of being cached. Settings methods take no `qty`/`offset`
 * (reference §3), so each is a single call.
 */
export class ReferenceData {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly session: MoloniSession,
    private readonly connectionId: string,
    private readonly ttlMs: number,
  ) {}

  companies(): Promise<MoloniCompany[]> {
    return this.cached('companies', 0, () => this.session.list('companies/getAll', {}));
  }

  /** `companies/getOne`: the company's settings, which `getAll` leaves out (its calculation method). */
  async company(companyId: number): Promise<MoloniCompany | null> {
    const [company] = await this.cached('company', companyId, async () => {
      const result = (await this.session.read('companies/getOne', {
        company_id: companyId,
      })) as MoloniCompany | null;
      return result && typeof result === 'object' ? [result] : [];
    });
    return company ?? null;
  }

  documentSets(companyId: number): Promise<MoloniDocumentSet[]> {
    return this.cached('documentSets', companyId, () =>
      this.session.list('documentSets/getAll', { company_id: companyId }),
    );
  }

  taxes(companyId: number): Promise<MoloniTax[]> {
    return this.cached('taxes', companyId, () =>
      this.session.list('taxes/getAll', { company_id: companyId }),
    );
  }

  paymentMethods(companyId: number): Promise<MoloniPaymentMethod[]> {
    return this.cached('paymentMethods', companyId, () =>
      this.session.list('paymentMethods/getAll', { company_id: companyId }),
    );
  }

  measurementUnits(companyId: number): Promise<MoloniUnit[]> {
    return this.cached('measurementUnits', companyId, () =>
      this.session.list('measurementUnits/getAll', { company_id: companyId }),
    );
  }

  productCategories(companyId: number): Promise<MoloniCategory[]> {
    return this.cached('productCategories', companyId, () =>
      this.session.list('productCategories/getAll', { company_id: companyId, parent_id: 0 }),
    );
  }

  maturityDates(companyId: number): Promise<MoloniMaturityDate[]> {
    return this.cached('maturityDates', companyId, () =>
      this.session.list('maturityDates/getAll', { company_id: companyId }),
    );
  }

  taxExemptions(): Promise<MoloniTaxExemption[]> {
    return this.cached('taxExemptions', 0, () => this.session.list('taxExemptions/getAll', {}));
  }

  countries(): Promise<MoloniCountry[]> {
    return this.cached('countries', 0, () => this.session.list('countries/getAll', {}));
  }

  /** Forgets one kind of data (after we created a category, say), or everything. */
  invalidate(kind?: string, companyId = 0): void {
    if (kind === undefined) this.entries.clear();
    else this.entries.delete(this.key(kind, companyId));
  }

  private key(kind: string, companyId: number): string {
    return `${this.connectionId}:${companyId}:${kind}`;
  }

  private cached<T>(kind: string, companyId: number, load: () => Promise<T[]>): Promise<T[]> {
    const key = this.key(kind, companyId);
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > Date.now()) return entry.value as Promise<T[]>;
    const value = load();
    this.entries.set(key, { expiresAt: Date.now() + this.ttlMs, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}
