// Shapes of Moloni's records as far as the client reads them. Moloni is loose with types (ids as
// numbers, some numbers as strings, `vat` and customer `number` always strings), so anything that
// is compared numerically goes through Number() at the point of use.

export type Numeric = number | string;

export interface MoloniCompany {
  company_id: number;
  name: string;
  vat?: string;
  /** Only in `companies/getOne`: the calculation method (see calc-method.ts). */
  calc_method_id?: Numeric;
}

export interface MoloniDocumentSet {
  document_set_id: number;
  name: string;
  active_by_default?: Numeric;
  is_invisible?: Numeric;
}

export interface MoloniTax {
  tax_id: number;
  name: string;
  value: Numeric;
  type: Numeric;
  saft_type: Numeric;
  fiscal_zone: string;
  active_by_default?: Numeric;
}

export interface MoloniPaymentMethod {
  payment_method_id: number;
  name: string;
  is_numerary?: Numeric;
}

export interface MoloniUnit {
  unit_id: number;
  name: string;
  short_name?: string;
}

export interface MoloniCategory {
  category_id: number;
  name: string;
  parent_id?: Numeric;
}

export interface MoloniMaturityDate {
  maturity_date_id: number;
  name: string;
  days?: Numeric;
}

export interface MoloniTaxExemption {
  code: string;
  name: string;
  description?: string;
}

export interface MoloniCountry {
  country_id: number;
  iso_3166_1: string;
  language_id?: Numeric;
}

export interface MoloniCustomer {
  customer_id: number;
  number: string;
  name: string;
  vat: string;
  email?: string;
  address?: string;
  city?: string;
  zip_code?: string;
  country_id?: Numeric;
  language_id?: Numeric;
  maturity_date_id?: Numeric;
  payment_method_id?: Numeric;
  [field: string]: unknown;
}

export interface MoloniProduct {
  product_id: number;
  name: string;
  reference: string;
  visibility_id?: Numeric;
}

export interface MoloniDocumentSummary {
  document_id: number;
  document_type_id?: Numeric;
  document_type?: { document_type_id?: Numeric; saft_code?: string };
  document_set_id?: number;
  document_set_name?: string;
  document_set?: { name?: string };
  number?: Numeric;
  date?: string;
  year?: Numeric;
  status?: Numeric;
  our_reference?: string;
  net_value?: Numeric;
}

export interface MoloniDocument extends MoloniDocumentSummary {
  gross_value?: Numeric;
  taxes_value?: Numeric;
  comercial_discount_value?: Numeric;
  customer_id?: number;
  entity_name?: string;
  atcud?: string;
}
