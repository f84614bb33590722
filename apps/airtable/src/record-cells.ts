import type { Record as AirtableRecord, Field, Table } from '@airtable/blocks/models';
import { type ActionOutcome, actionOutcomeFields } from '@faturador/airtable-web/action-fields';
import type { ExtensionConfig, FieldRole } from './config.ts';
import type { RecordSnapshot, RunDeps } from './run.ts';

function fieldOf(table: Table, config: ExtensionConfig, role: FieldRole): Field | null {
  const id = config.fields[role];
  return id ? table.getFieldByIdIfExists(id) : null;
}

export function snapshotOf(record: AirtableRecord, table: Table, config: ExtensionConfig): RecordSnapshot {
  const read = (role: FieldRole) => {
    const field = fieldOf(table, config, role);
    return field ? record.getCellValueAsString(field).trim() : '';
  };
  return {
    id: record.id,
    name: read('customerName') || record.name,
    status: read('status'),
    number: read('number'),
    error: read('error'),
    issuedAt: rawText(record, fieldOf(table, config, 'issuedAt')),
    requestId: read('requestId'),
  };
}

/** A date field's value as stored (ISO, UTC), or a text field's text. */
function rawText(record: AirtableRecord, field: Field | null): string {
  if (!field) return '';
  const value = record.getCellValue(field);
  return typeof value === 'string' ? value.trim() : '';
}

/** The zone a date-time field shows its values in, when it names one (else null: Lisbon's). */
export function issuedAtTimeZone(table: Table, config: ExtensionConfig): string | null {
  const field = fieldOf(table, config, 'issuedAt');
  const zone = field?.type === 'dateTime' ? (field.options as { timeZone?: unknown } | null)?.timeZone : null;
  return typeof zone === 'string' ? zone : null;
}

/** Fields the main screen needs loaded. */
export function watchedFields(table: Table, config: ExtensionConfig): Field[] {
  // Everything the preview reads too, so that it shows the record as it is now.
  const roles: FieldRole[] = [
    'customerName',
    'nif',
    'email',
    'address',
    'description',
    'grossAmount',
    'vatRate',
    'location',
    'documentType',
    'checkIn',
    'checkOut',
    'commission',
    'status',
    'number',
    'error',
    'issuedAt',
    'requestId',
  ];
  return roles.flatMap((role) => fieldOf(table, config, role) ?? []);
}

/**
 * Cell values in the SDK's write format: a select takes `{name}` and only an existing choice (an
 * extension cannot create options), text takes a string. A value a field cannot take is skipped:
 * the backend writes the same state through the Web API anyway.
 */
function cellFor(field: Field | null, value: string | number | null): [string, unknown] | null {
  if (!field) return null;
  if (value === null) return [field.id, null];
  if (typeof value === 'number') {
    return field.type === 'number' || field.type === 'currency'
      ? [field.id, value]
      : cellFor(field, String(value));
  }
  if (field.type === 'singleSelect') {
    const choices = (field.options?.choices ?? []) as Array<{ name: string }>;
    return choices.some((choice) => choice.name === value) ? [field.id, { name: value }] : null;
  }
  if (field.type === 'singleLineText') return [field.id, value.replace(/\s*\n\s*/g, ' ')];
  if (field.type === 'multilineText') return [field.id, value];
  return null;
}

export function outcomeCells(table: Table, config: ExtensionConfig): RunDeps['cells'] {
  return (outcome) => {
    const status = fieldOf(table, config, 'status');
    const error = fieldOf(table, config, 'error');
    const entries =
      outcome.kind === 'issuing'
        ? [cellFor(status, config.statuses.issuing), cellFor(error, null)]
        : [cellFor(status, config.statuses.failed), cellFor(error, outcome.message)];
    return Object.fromEntries(entries.filter((entry): entry is [string, unknown] => entry !== null));
  };
}

/**
 * The cells of a credit note or a receipt, as the server's mapping words them (airtable-web's
 * actionOutcomeFields, by field id), in the SDK's write format.
 */
export function actionCells(table: Table, config: ExtensionConfig, outcome: ActionOutcome) {
  const ids = {
    status: config.fields.status ?? '',
    credit_note_number: config.fields.creditNoteNumber,
    receipt_number: config.fields.receiptNumber,
    open_amount: config.fields.openAmount,
    error: config.fields.error,
  };
  const fields = Object.fromEntries(Object.entries(ids).filter(([, id]) => id)) as Record<string, string>;
  const values = actionOutcomeFields(
    { fields, status_values: { credited: config.statuses.credited, paid: config.statuses.paid } },
    outcome,
  );
  const entries = Object.entries(values).map(([id, value]) =>
    cellFor(table.getFieldByIdIfExists(id), value as string | number | null),
  );
  return Object.fromEntries(entries.filter((entry): entry is [string, unknown] => entry !== null));
}
