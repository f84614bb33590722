import { type ValidationIssue, validationError } from '@faturador/core';
import { REQUEST_STATES, type RequestFilter } from '@faturador/store';

/** The filters of a list of requests, as the API, the backoffice and the CLI take them (strings). */
export interface ListQuery {
  reference?: string | undefined;
  state?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit?: string | undefined;
  cursor?: string | undefined;
  client?: string | undefined;
  origin?: string | undefined;
  type?: string | undefined;
  nif?: string | undefined;
  number?: string | undefined;
  name?: string | undefined;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ORIGINS = ['api', 'slack', 'airtable'];
const TYPES = ['invoice_receipt', 'invoice', 'simplified_invoice'];

/** `2026-05-18` is the whole day, in UTC (close enough to Lisbon for a list filter). */
function parseInstant(value: string, end: boolean): number | null {
  if (DATE.test(value)) {
    const start = Date.parse(`${value}T00:00:00.000Z`);
    return Number.isNaN(start) ? null : end ? start + 86_399_999 : start;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function oneOf(
  issues: ValidationIssue[],
  path: string,
  value: string | undefined,
  allowed: readonly string[],
): string | undefined {
  if (!value) return undefined;
  if (allowed.includes(value)) return value;
  issues.push({ path, reason: `must be one of ${allowed.join(', ')}` });
  return undefined;
}

/** Validates a list's query; throws VALIDATION_ERROR naming every bad parameter. */
export function parseListQuery(query: ListQuery): {
  filter: RequestFilter;
  limit: number;
  cursor: string | null;
} {
  const issues: ValidationIssue[] = [];
  const filter: RequestFilter = {};
  if (query.reference) filter.reference = query.reference;
  if (query.client) filter.clientId = query.client;
  if (query.nif) filter.nif = query.nif.replace(/\s+/g, '');
  if (query.number) filter.documentNumber = query.number;
  if (query.name !== undefined && query.name !== '') filter.name = query.name;
  const state = oneOf(issues, 'state', query.state, REQUEST_STATES);
  if (state) filter.state = state as RequestFilter['state'];
  const origin = oneOf(issues, 'origin', query.origin, ORIGINS);
  if (origin) filter.origin = origin;
  const type = oneOf(issues, 'type', query.type, TYPES);
  if (type) filter.documentType = type;
  for (const [name, end] of [
    ['from', false],
    ['to', true],
  ] as const) {
    const value = query[name];
    if (!value) continue;
    const ms = parseInstant(value, end);
    if (ms === null) issues.push({ path: name, reason: 'must be an ISO date (2026-05-18) or date-time' });
    else if (name === 'from') filter.fromMs = ms;
    else filter.toMs = ms;
  }
  const limit = query.limit === undefined || query.limit === '' ? 50 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    issues.push({ path: 'limit', reason: 'must be an integer from 1 to 200' });
  if (issues.length > 0) throw validationError(issues);
  return { filter, limit, cursor: query.cursor || null };
}
