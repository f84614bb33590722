import { DOCUMENT_STATUSES, DOCUMENT_TYPES } from '@faturador/core/invoice-request';
import { FISCAL_ZONES, isRateOf } from '@faturador/core/vat';
import { z } from 'zod';

export const AIRTABLE_API_URL = 'https://api.airtable.com/v0/';

export const BASE_ID_PATTERN = /^app[A-Za-z0-9]{14}$/;
export const TABLE_ID_PATTERN = /^tbl[A-Za-z0-9]{14}$/;
export const RECORD_ID_PATTERN = /^rec[A-Za-z0-9]{14}$/;
export const FIELD_ID_PATTERN = /^fld[A-Za-z0-9]{14}$/;

/** A field of the table, by id (`fld…`, survives renames) or by its name. */
const fieldRef = z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters');

/** Where each part of an invoice is read from, and where each part of the result is written to. */
export const fieldMappingSchema = z.strictObject({
  customer_name: fieldRef,
  customer_nif: fieldRef.optional(),
  customer_email: fieldRef.optional(),
  customer_address: fieldRef.optional(),
  description: fieldRef.optional(),
  gross_amount: fieldRef,
  vat_rate: fieldRef.optional(),
  /** `PT`, `PT-MA`, `PT-AC` or words such as "Madeira": an explicit zone for the record. */
  fiscal_zone: fieldRef.optional(),
  /** The property's location; the location rules turn it into a zone and a rate. */
  location: fieldRef.optional(),
  document_type: fieldRef.optional(),
  check_in: fieldRef.optional(),
  check_out: fieldRef.optional(),
  commission: fieldRef.optional(),
  status: fieldRef,
  number: fieldRef.optional(),
  pdf_url: fieldRef.optional(),
  error: fieldRef.optional(),
  issued_at: fieldRef.optional(),
  /** The Faturador request's id (`req_…`): what the API's finalize, credit and receipt calls take. */
  request_id: fieldRef.optional(),
  /** The document's id in Moloni, written for a draft too (which has no number until it is closed). */
  document_id: fieldRef.optional(),
  /** After a cancellation: the credit note's number (`NC M/1`). */
  credit_note_number: fieldRef.optional(),
  /** After a payment: the receipt's number (`RC M/1`). */
  receipt_number: fieldRef.optional(),
  /** After a payment: what is still to pay on the invoice, in euros (a number or currency field). */
  open_amount: fieldRef.optional(),
});
export type FieldMapping = z.output<typeof fieldMappingSchema>;
export type FieldRole = keyof FieldMapping;

export const locationRuleSchema = z
  .strictObject({
    /** Words matched in the location, case- and accent-insensitively ("madeira", "funchal"). */
    match: z.array(z.string().trim().min(1).max(60)).min(1).max(50),
    fiscal_zone: z.enum(FISCAL_ZONES),
    vat_rate: z.number(),
  })
  .refine((rule) => isRateOf(rule.fiscal_zone, rule.vat_rate), {
    message: 'vat_rate must be a VAT rate of the rule fiscal_zone',
    path: ['vat_rate'],
  });
export type LocationRule = z.output<typeof locationRuleSchema>;

/**
 * Accommodation is taxed at the reduced rate: 6% on the mainland, 4% in Madeira and the Azores
 * (CIVA list I, item 2.17; the regional reduced rates). Bases with other goods override these.
 */
export const DEFAULT_LOCATION_RULES: LocationRule[] = [
  { match: ['madeira', 'funchal', 'porto santo', 'PT-MA'], fiscal_zone: 'PT-MA', vat_rate: 4 },
  {
    match: ['acores', 'azores', 'ponta delgada', 'sao miguel', 'terceira', 'angra do heroismo', 'PT-AC'],
    fiscal_zone: 'PT-AC',
    vat_rate: 4,
  },
];

export const statusValuesSchema = z.strictObject({
  issuing: z.string().trim().min(1).max(100).default('A emitir'),
  issued: z.string().trim().min(1).max(100).default('Emitido'),
  draft: z.string().trim().min(1).max(100).default('Rascunho'),
  failed: z.string().trim().min(1).max(100).default('Erro'),
  /** Cancelled by a credit note of everything it still had. */
  credited: z.string().trim().min(1).max(100).default('Anulado'),
  /** An invoice (FT) whose open amount a receipt brought to 0. */
  paid: z.string().trim().min(1).max(100).default('Pago'),
});
export type StatusValues = z.output<typeof statusValuesSchema>;

const settingsFields = {
  base_id: z.string().regex(BASE_ID_PATTERN, 'must be an Airtable base id (app…)'),
  table_id: z.string().regex(TABLE_ID_PATTERN, 'must be an Airtable table id (tbl…)'),
  /** The API client the base issues as: only its keys may trigger this base's records. */
  client_id: z.string().regex(/^[a-z][a-z0-9_-]{2,63}$/, 'must be an API client id'),
  api_url: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .transform((url) => (url.endsWith('/') ? url : `${url}/`))
    .default(AIRTABLE_API_URL),
  fields: fieldMappingSchema,
  /** The item's product name in Moloni. */
  product: z.string().trim().min(1).max(100).default('Alojamento'),
  amount_mode: z.enum(['gross', 'net_of_commission']).default('gross'),
  /** How the commission field reads: an amount in euros, or a percentage of the gross. */
  commission_kind: z.enum(['amount', 'percent']).default('amount'),
  default_document_type: z.enum(DOCUMENT_TYPES).default('invoice_receipt'),
  /**
   * `draft` leaves each record's document open for review in the platform, as FaturaSync's booking
   * drafts (seed 003); `final` closes it with its number.
   */
  document_status: z.enum(DOCUMENT_STATUSES).default('final'),
  default_fiscal_zone: z.enum(FISCAL_ZONES).default('PT'),
  default_vat_rate: z.number().default(6),
  location_rules: z.array(locationRuleSchema).max(50).default(DEFAULT_LOCATION_RULES),
  status_values: statusValuesSchema.default({
    issuing: 'A emitir',
    issued: 'Emitido',
    draft: 'Rascunho',
    failed: 'Erro',
    credited: 'Anulado',
    paid: 'Pago',
  }),
  /** Lets Airtable create a missing select option ("A emitir") instead of refusing the write. */
  typecast: z.boolean().default(true),
  /**
   * How the issue time is written: `iso` for a date-time field (Airtable shows it in the field's
   * own time zone), `text` for a text field ("18/05/2026, 16:07" in `time_zone`).
   */
  issued_at_format: z.enum(['iso', 'text']).default('iso'),
  /** The base's time zone (IANA), for `issued_at_format: text`. */
  time_zone: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone such as Europe/Lisbon')
    .default('Europe/Lisbon'),
};

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('pt-PT', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function mappingIsConsistent(fields: FieldMapping): boolean {
  const refs = Object.values(fields).filter((ref): ref is string => typeof ref === 'string');
  const ids = refs.filter((ref) => FIELD_ID_PATTERN.test(ref)).length;
  return ids === 0 || ids === refs.length;
}

/** What an operator saves; `pat` may be left out to keep the stored one. */
export const baseSettingsInputSchema = z
  .strictObject({
    ...settingsFields,
    pat: z
      .string()
      .trim()
      .regex(/^\S{10,512}$/, 'must be an Airtable personal access token')
      .optional(),
  })
  .refine((settings) => isRateOf(settings.default_fiscal_zone, settings.default_vat_rate), {
    message: 'must be a VAT rate of default_fiscal_zone',
    path: ['default_vat_rate'],
  })
  .refine((settings) => mappingIsConsistent(settings.fields), {
    message: 'must name every field by id (fld…) or every field by name, not a mix',
    path: ['fields'],
  });
export type AirtableBaseSettingsInput = z.input<typeof baseSettingsInputSchema>;

/** The stored settings of a base, without the token. */
export const baseSettingsSchema = z.strictObject({
  ...settingsFields,
  updated_at: z.string(),
});
export type AirtableBaseSettings = z.output<typeof baseSettingsSchema>;

/** True when the mapping names fields by id: records are then read with `returnFieldsByFieldId`. */
export function usesFieldIds(settings: Pick<AirtableBaseSettings, 'fields'>): boolean {
  return FIELD_ID_PATTERN.test(settings.fields.customer_name);
}
