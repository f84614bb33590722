/**
 * Reading cell values as the Web API returns them. Lookups and rollups come as arrays, selects as
 * names, collaborators as objects, AI fields as `{state, value}`: the mapping should not care which
 * kind of field an operator picked, as long as it reads as the value it needs.
 */
export type CellValue = unknown;

export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(cellText).filter(Boolean).join(', ');
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if (typeof object.name === 'string') return object.name.trim();
    if (typeof object.value === 'string') return object.value.trim();
    if (typeof object.text === 'string') return object.text.trim();
  }
  return '';
}

/** A number from a number/currency field, a formula, a one-value lookup or text such as "1 234,50". */
export function cellNumber(value: CellValue): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.length === 1 ? cellNumber(value[0]) : null;
  const text = cellText(value).replace(/[€\s]/g, '').replace(/EUR$/i, '');
  if (text === '') return null;
  // "1.234,50" and "1234,5" are Portuguese; "1,234.50" and "1234.5" are not.
  const normalized = /,\d{1,2}$/.test(text)
    ? text.replace(/\./g, '').replace(',', '.')
    : text.replace(/,/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(normalized)) return null;
  return Number(normalized);
}

/** `YYYY-MM-DD` from a date field, a date-time field (its UTC date) or a lookup of one. */
export function cellDate(value: CellValue): string | null {
  const text = Array.isArray(value) ? cellText(value[0]) : cellText(value);
  const match = /^(\d{4}-\d{2}-\d{2})/.exec(text);
  if (!match?.[1]) return null;
  const date = new Date(`${match[1]}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || !date.toISOString().startsWith(match[1]) ? null : match[1];
}

/** Lowercase without accents, for matching words such as "Açores" against "acores". */
export function foldText(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .trim();
}
