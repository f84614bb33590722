// Records as the sandbox stores them. Field names follow Moloni's JSON so that most records can be
// returned as they are.

export interface Country {
  country_id: number;
  name: string;
  iso_3166_1: string;
  language_id: number;
}

export interface Company {
  company_id: number;
  name: string;
  vat: string;
  email: string;
  address: string;
  city: string;
  zip_code: string;
  country_id: number;
  currency_id: number;
  fiscal_zone: string;
  /** Moloni's calculation method (see documents/totals.ts): 1 per document, 2 per line. */
  calc_method_id: CalcMethodId;
}

/** 1: rounding per document; 2: rounding per line (the id real line-rounding documents carry). */
export type CalcMethodId = 1 | 2;

export interface DocumentSet {
  document_set_id: number;
  company_id: number;
  name: string;
  active_by_default: 0 | 1;
  is_invisible: 0 | 1;
  cash_vat_scheme_indicator: 0 | 1;
  template_id: number;
  eac_id: number;
  /** AT validation code per document type; the ATCUD is `<code>-<number>`. */
  at_codes: Record<number, string>;
}

export interface Tax {
  tax_id: number;
  company_id: number;
  name: string;
  value: number;
  /** 1 percentage, 2 fixed amount, 3 per-product value. */
  type: 1 | 2 | 3;
  /** 1 VAT, 2 stamp duty, 3 other. */
  saft_type: 1 | 2 | 3;
  vat_type: string;
  stamp_tax: string;
  exemption_reason: string;
  fiscal_zone: string;
  active_by_default: 0 | 1;
}

export interface TaxExemption {
  code: string;
  name: string;
  description: string;
}

export interface PaymentMethod {
  payment_method_id: number;
  company_id: number;
  name: string;
  is_numerary: 0 | 1;
  is_mb: 0 | 1;
  is_tpa: 0 | 1;
  is_credit: 0 | 1;
}

export interface MeasurementUnit {
  unit_id: number;
  company_id: number;
  name: string;
  short_name: string;
}

export interface MaturityDate {
  maturity_date_id: number;
  company_id: number;
  name: string;
  days: number;
  associated_discount: number;
}

export interface ProductCategory {
  category_id: number;
  company_id: number;
  parent_id: number;
  name: string;
  description: string;
  pos_enabled: 0 | 1;
}

export interface Customer {
  customer_id: number;
  company_id: number;
  number: string;
  name: string;
  vat: string;
  language_id: number;
  address: string;
  city: string;
  zip_code: string;
  country_id: number;
  email: string;
  website: string;
  phone: string;
  fax: string;
  contact_name: string;
  contact_email: string;
  contact_phone: string;
  notes: string;
  salesman_id: number;
  price_class_id: number;
  maturity_date_id: number;
  payment_day: number;
  discount: number;
  credit_limit: number;
  payment_method_id: number;
  delivery_method_id: number;
  field_notes: string;
}

export interface ProductTax {
  tax_id: number;
  value: number;
  order: number;
  cumulative: 0 | 1;
}

export interface Product {
  product_id: number;
  company_id: number;
  category_id: number;
  type: number;
  name: string;
  summary: string;
  reference: string;
  ean: string;
  price: number;
  unit_id: number;
  has_stock: 0 | 1;
  stock: number;
  pos_favorite: 0 | 1;
  at_product_category: string;
  exemption_reason: string;
  visibility_id: 0 | 1;
  taxes: ProductTax[];
}

export interface DocumentLineTax {
  tax_id: number;
  /** Only meaningful for per-product taxes (type 3); percentages come from the tax record. */
  value: number;
  order: number;
  cumulative: 0 | 1;
}

export interface DocumentLine {
  /** The line's own id (`document_product_id`): what a credit note's `related_id` points at. */
  document_product_id?: number;
  /** On a credit note: the `document_product_id` of the line it credits (0: none). */
  related_id?: number;
  product_id: number;
  name: string;
  summary: string;
  qty: number;
  price: number;
  discount: number;
  order: number;
  exemption_reason: string;
  taxes: DocumentLineTax[];
}

export interface DocumentPayment {
  payment_method_id: number;
  date: string;
  value: number;
  notes: string;
}

/** The customer data copied onto a document; frozen once the document is closed. */
export interface DocumentEntity {
  number: string;
  name: string;
  vat: string;
  address: string;
  city: string;
  zip_code: string;
  country_id: number;
}

export interface SandboxDocument {
  document_id: number;
  company_id: number;
  document_type_id: number;
  document_set_id: number;
  customer_id: number;
  /** 0 while a draft; assigned in sequence when closed. */
  number: number;
  date: string;
  expiration_date: string | null;
  maturity_date_id: number;
  our_reference: string;
  your_reference: string;
  financial_discount: number;
  notes: string;
  status: 0 | 1 | 2;
  salesman_id: number;
  eac_id: number;
  entity: DocumentEntity;
  lines: DocumentLine[];
  /** null: Moloni adds one payment for the full total (FR/FS without `payments`). */
  payments: DocumentPayment[] | null;
  atcud: string;
  rsa_hash: string;
  created_at: number;
  lastmodified: number;
  /** `associated_documents`: what a credit note corrects or a receipt settles, with the value. */
  associated?: DocumentAssociation[];
  /** A receipt's `net_value` as sent (it has no lines to sum). */
  declared_net_value?: number;
  /** The merged request fields; a draft update re-validates them with the changes applied. */
  source: Record<string, unknown>;
  /** The company's calculation method when the document was inserted; it keeps it. */
  calc_method_id: CalcMethodId;
}

export interface DocumentAssociation {
  associated_id: number;
  value: number;
}
