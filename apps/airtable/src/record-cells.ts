import type { Record as AirtableRecord, Field, Table } from '@airtable/blocks/models';
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
  };
}

/** Fields the main screen needs loaded. */
export function watchedFields(table: Table, config: ExtensionConfig): Field[] {
  const roles: FieldRole[] = ['customerName', 'status', 'number', 'error'];
  return roles.flatMap((role) => fieldOf(table, config, role) ?? []);
}

/**
 * Cell values in the SDK's write format: a select takes `{name}` and only an existing choice (an
 * extension cannot create options), text takes a string. A value a field cannot take is skipped:
 * the backend writes the same state through the Web API anyway.
 */
function cellFor(field: Field | null, value: string | null): [string, unknown] | null {
  if (!field) return null;
  if (value === null) return [field.id, null];
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
