import { randomBytes } from 'node:crypto';

/** The field types the fake knows; `formula` stands for every computed field (read-only). */
export type FakeFieldType =
  | 'singleLineText'
  | 'multilineText'
  | 'email'
  | 'url'
  | 'phoneNumber'
  | 'number'
  | 'currency'
  | 'percent'
  | 'date'
  | 'dateTime'
  | 'singleSelect'
  | 'checkbox'
  | 'formula';

export interface FakeFieldSeed {
  id?: string;
  name: string;
  type: FakeFieldType;
  options?: { choices?: string[] };
}

export interface FakeRecordSeed {
  id?: string;
  /** By field name. */
  fields: Record<string, unknown>;
}

export interface FakeTableSeed {
  id?: string;
  name: string;
  fields: FakeFieldSeed[];
  records?: FakeRecordSeed[];
}

export interface FakeBaseSeed {
  id: string;
  tables: FakeTableSeed[];
}

export interface FakeField {
  id: string;
  name: string;
  type: FakeFieldType;
  choices: string[];
}

export interface FakeRecord {
  id: string;
  createdTime: string;
  /** By field id. */
  cells: Map<string, unknown>;
}

export interface FakeTable {
  id: string;
  name: string;
  fields: FakeField[];
  records: Map<string, FakeRecord>;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `rec` + 14 characters, the shape of Airtable's ids. */
export function fakeId(prefix: 'app' | 'tbl' | 'fld' | 'rec'): string {
  const bytes = randomBytes(14);
  return prefix + Array.from(bytes, (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('');
}

export class WriteError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const TEXT_TYPES = new Set<FakeFieldType>(['singleLineText', 'multilineText', 'email', 'url', 'phoneNumber']);
const NUMBER_TYPES = new Set<FakeFieldType>(['number', 'currency', 'percent']);

/** Converts a written value the way the Web API does, or refuses it with the API's error. */
export function coerceCell(field: FakeField, value: unknown, typecast: boolean): unknown {
  const refuse = () =>
    new WriteError(422, 'INVALID_VALUE_FOR_COLUMN', `Field "${field.name}" cannot accept the provided value`);
  if (field.type === 'formula') {
    throw new WriteError(
      422,
      'INVALID_VALUE_FOR_COLUMN',
      `Field "${field.name}" cannot accept a value because the field is computed`,
    );
  }
  if (value === null || value === undefined) return undefined;
  if (TEXT_TYPES.has(field.type)) {
    if (typeof value === 'string') return value === '' ? undefined : value;
    if (typecast && (typeof value === 'number' || typeof value === 'boolean')) return String(value);
    throw refuse();
  }
  if (NUMBER_TYPES.has(field.type)) {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (typecast && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
      return Number(value);
    throw refuse();
  }
  if (field.type === 'checkbox') {
    if (typeof value === 'boolean') return value || undefined;
    throw refuse();
  }
  if (field.type === 'date' || field.type === 'dateTime') {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw refuse();
    const iso = new Date(value).toISOString();
    return field.type === 'date' ? iso.slice(0, 10) : iso;
  }
  // singleSelect
  if (typeof value !== 'string') throw refuse();
  if (!field.choices.includes(value)) {
    if (!typecast) {
      throw new WriteError(
        422,
        'INVALID_MULTIPLE_CHOICE_OPTIONS',
        `Insufficient permissions to create new select option ""${value}""`,
      );
    }
    field.choices.push(value);
  }
  return value;
}

export function buildTable(seed: FakeTableSeed): FakeTable {
  const fields = seed.fields.map((field) => ({
    id: field.id ?? fakeId('fld'),
    name: field.name,
    type: field.type,
    choices: [...(field.options?.choices ?? [])],
  }));
  const table: FakeTable = { id: seed.id ?? fakeId('tbl'), name: seed.name, fields, records: new Map() };
  for (const record of seed.records ?? []) insertRecord(table, record);
  return table;
}

/** Seeds bypass write rules except types: computed fields may be seeded (they are "computed"). */
export function insertRecord(table: FakeTable, seed: FakeRecordSeed): FakeRecord {
  const record: FakeRecord = {
    id: seed.id ?? fakeId('rec'),
    createdTime: new Date().toISOString(),
    cells: new Map(),
  };
  for (const [name, value] of Object.entries(seed.fields)) {
    const field = findField(table, name);
    if (!field) throw new Error(`fake Airtable: table ${table.name} has no field "${name}"`);
    if (value !== null && value !== undefined && value !== '') record.cells.set(field.id, value);
  }
  table.records.set(record.id, record);
  return record;
}

export function findField(table: FakeTable, ref: string): FakeField | undefined {
  return table.fields.find((field) => field.id === ref || field.name === ref);
}

/** A record as the Web API returns it: empty cells are left out. */
export function recordJson(table: FakeTable, record: FakeRecord, byId: boolean) {
  const fields: Record<string, unknown> = {};
  for (const field of table.fields) {
    const value = record.cells.get(field.id);
    if (value !== undefined) fields[byId ? field.id : field.name] = value;
  }
  return { id: record.id, createdTime: record.createdTime, fields };
}
