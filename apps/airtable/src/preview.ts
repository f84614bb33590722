import type { Record as AirtableRecord, Field, Table } from '@airtable/blocks/models';
import { mapRecordToInvoice } from '@faturador/airtable-web/mapping';
import {
  type AirtableBaseSettings,
  baseSettingsSchema,
  DEFAULT_LOCATION_RULES,
  type FieldMapping,
} from '@faturador/airtable-web/settings-schema';
import type { ExtensionConfig, FieldRole } from './config.ts';

/** What the confirmation shows of a record before anything is issued. */
export type RecordPreview =
  | {
      ok: true;
      id: string;
      customer: string;
      nif: string | null;
      /** Euros, VAT included. */
      total: number;
      vat: number;
      vatRate: number;
      fiscalZone: string;
      documentType: string;
    }
  | { ok: false; id: string; customer: string; problems: string };

const ROLE_TO_SETTING: Partial<Record<FieldRole, keyof FieldMapping>> = {
  customerName: 'customer_name',
  nif: 'customer_nif',
  email: 'customer_email',
  address: 'customer_address',
  description: 'description',
  grossAmount: 'gross_amount',
  vatRate: 'vat_rate',
  location: 'location',
  documentType: 'document_type',
  checkIn: 'check_in',
  checkOut: 'check_out',
  commission: 'commission',
  status: 'status',
};

export const DOCUMENT_TYPE_LABELS: Record<string, string> = {
  invoice_receipt: 'Fatura-recibo (FR)',
  invoice: 'Fatura (FT)',
  simplified_invoice: 'Fatura simplificada (FS)',
};

export type MappingSettings = Parameters<typeof mapRecordToInvoice>[1];

/** The server's settings of the base, as `GET /api/v1/airtable/bases/{id}` answers them; null when not. */
export function serverSettingsOf(answer: unknown): AirtableBaseSettings | null {
  const settings = (answer as { settings?: unknown } | null)?.settings;
  const parsed = baseSettingsSchema.safeParse(settings);
  return parsed.success ? parsed.data : null;
}

/**
 * Without the server's settings: the extension's picks as the server's mapping reads them, with
 * the server's defaults (a mapped commission is taken off the gross).
 */
export function settingsOf(table: Table, config: ExtensionConfig): MappingSettings {
  const fields: Record<string, string> = {};
  for (const [role, setting] of Object.entries(ROLE_TO_SETTING) as Array<[FieldRole, keyof FieldMapping]>) {
    const id = config.fields[role];
    if (id) fields[setting] = id;
  }
  const commission = config.fields.commission ? table.getFieldByIdIfExists(config.fields.commission) : null;
  return {
    fields: fields as FieldMapping,
    product: 'Alojamento',
    amount_mode: commission ? ('net_of_commission' as const) : ('gross' as const),
    commission_kind: commission?.type === 'percent' ? ('percent' as const) : ('amount' as const),
    default_document_type: 'invoice_receipt' as const,
    default_fiscal_zone: 'PT' as const,
    default_vat_rate: 6,
    location_rules: DEFAULT_LOCATION_RULES,
  };
}

/** The SDK's cell values in the Web API's shapes where they differ (lookups carry `{value}`). */
function webValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map((item) =>
      item && typeof item === 'object' && 'value' in item ? (item as { value: unknown }).value : item,
    );
  }
  return value;
}

/** The table's fields a mapping names (by id or by name): what the preview must load. */
export function fieldsOf(table: Table, settings: MappingSettings): Field[] {
  const refs = Object.values(settings.fields).filter((ref): ref is string => typeof ref === 'string');
  return refs.flatMap((ref) => table.getFieldByIdIfExists(ref) ?? table.getFieldByNameIfExists(ref) ?? []);
}

/**
 * What the server's mapping code makes of the record: with the server's own settings when the
 * extension could read them (the one mapping), else with the extension's picks.
 */
export function previewOf(
  record: AirtableRecord,
  table: Table,
  config: ExtensionConfig,
  settings: MappingSettings = settingsOf(table, config),
): RecordPreview {
  const cells: Record<string, unknown> = {};
  for (const ref of Object.values(settings.fields)) {
    if (typeof ref !== 'string') continue;
    const field: Field | null = table.getFieldByIdIfExists(ref) ?? table.getFieldByNameIfExists(ref);
    if (!field) continue;
    const value = webValue(record.getCellValue(field));
    if (value !== null && value !== undefined) cells[ref] = value;
  }
  const nameField = config.fields.customerName
    ? table.getFieldByIdIfExists(config.fields.customerName)
    : null;
  const customer =
    (nameField ? record.getCellValueAsString(nameField).trim() : '') || record.name || record.id;
  const mapped = mapRecordToInvoice({ id: record.id, fields: cells }, settings);
  if (!mapped.ok) {
    return {
      ok: false,
      id: record.id,
      customer,
      problems: mapped.issues.map((issue) => issue.reason).join('; '),
    };
  }
  const { body } = mapped;
  const [item] = body.items;
  const totalCents = Math.round((item?.gross_price ?? 0) * 100);
  const vatRate = item?.vat_rate ?? 0;
  return {
    ok: true,
    id: record.id,
    customer: body.customer.name,
    nif: body.customer.vat_number ?? null,
    total: totalCents / 100,
    vat: Math.round((totalCents * vatRate) / (100 + vatRate)) / 100,
    vatRate,
    fiscalZone: body.fiscal_zone ?? 'PT',
    documentType: body.document_type ?? 'invoice_receipt',
  };
}

export const euros = (value: number) =>
  `${value.toLocaleString('pt-PT', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} €`;

/** "1 emitido", "2 emitidos": Portuguese plurals of the summary's words. */
export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * "18/05/2026, 16:07" in the base's time zone: the issue-time field's own zone when it is a date
 * field with one, else Lisbon's (a Portuguese company's legal time).
 */
export function formatIssuedAt(iso: string, timeZone: string | null): string | null {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return null;
  const zone = timeZone && timeZone !== 'client' ? timeZone : 'Europe/Lisbon';
  try {
    return new Intl.DateTimeFormat('pt-PT', {
      timeZone: zone,
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    }).format(time);
  } catch {
    return null;
  }
}
