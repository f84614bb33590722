// Form bodies carry only strings and JSON bodies carry typed values; Moloni accepts both for the
// same field, so every read goes through these coercions.

export type Params = Record<string, unknown>;

/** Moloni treats absent, null and "" alike for optional fields. */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value))
    return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return undefined;
}

export function toInteger(value: unknown): number | undefined {
  const n = toNumber(value);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

export function toText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** `1`, `"1"`, `true`, `"true"` — the spellings clients use for PHP truthy flags. */
export function toFlag(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 'true';
}

/** A PHP list: an array, or an object keyed by indexes (JSON clients sometimes send those). */
export function toList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .filter(([key]) => /^\d+$/.test(key))
      .sort((a, b) => Number(a[0]) - Number(b[0]))
      .map(([, item]) => item);
  }
  return [];
}

export function toRecord(value: unknown): Params {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Params;
  return {};
}

export function textOr(value: unknown, fallback: string): string {
  return toText(value) ?? fallback;
}

export function numberOr(value: unknown, fallback: number): number {
  return toNumber(value) ?? fallback;
}

/** `qty` (default 50, at most 50 — Moloni's documented cap) and `offset`. */
export function page<T>(items: readonly T[], params: Params): T[] {
  const qty = Math.min(Math.max(toInteger(params.qty) ?? 50, 1), 50);
  const offset = Math.max(toInteger(params.offset) ?? 0, 0);
  return items.slice(offset, offset + qty);
}

export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const magnitude = Math.abs(value);
  // Half away from zero, like PHP's round(); the epsilon keeps 1.005 (stored as 1.00499…) from
  // rounding down.
  const rounded = Math.round(magnitude * (1 + Number.EPSILON) * factor) / factor;
  return value < 0 ? -rounded : rounded;
}

export function round2(value: number): number {
  return round(value, 2);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date in `YYYY-MM-DD` (Moloni error 9 otherwise). */
export function isIsoDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.toISOString().slice(0, 10) === value;
}

/** Moloni's response date format: `2026-01-29T00:00:00+0000`. */
export function moloniDate(isoDate: string): string {
  return `${isoDate}T00:00:00+0000`;
}

export function moloniTimestamp(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}+0000`;
}

/**
 * Moloni's `getBy…` lookups behave like SQL `LIKE` on a case-insensitive collation: with
 * `exact=1` the value is the whole pattern (the official plugin sends `PREFIX%` with `exact: 1`),
 * without it the value may appear anywhere.
 */
export function likeMatcher(value: string, exact: boolean): (candidate: string) => boolean {
  const body = value
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  const pattern = new RegExp(exact ? `^${body}$` : body, 'i');
  return (candidate) => pattern.test(candidate);
}
