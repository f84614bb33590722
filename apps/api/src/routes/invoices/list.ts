import { type ValidationIssue, validationError } from '@faturador/core';
import { type Operations, type PdfLinkSigner, statusAnswer } from '@faturador/issuing';
import { type Authenticator, REQUEST_STATES, type RequestFilter } from '@faturador/store';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { authenticate } from '../../middleware/auth.ts';
import { errorSchema, statusSchema } from './schema.ts';

export interface ListRouteDeps {
  authenticator: Authenticator;
  operations: Operations;
  pdfLinks: PdfLinkSigner;
}

const querySchema = z.object({
  reference: z.string().max(60).optional(),
  state: z.enum(REQUEST_STATES as [string, ...string[]]).optional(),
  from: z.string().optional().openapi({ description: 'Created at or after (ISO date or date-time).' }),
  to: z.string().optional().openapi({ description: 'Created at or before (ISO date: the whole day).' }),
  limit: z.string().optional().openapi({ description: '1–200, 50 by default.' }),
  cursor: z.string().optional().openapi({ description: 'The `next_cursor` of the previous page.' }),
});

const listSchema = z
  .object({
    success: z.literal(true),
    data: z.array(statusSchema),
    next_cursor: z.string().nullable().openapi({ description: 'Null on the last page.' }),
  })
  .openapi('InvoiceList');

export const listInvoicesRoute = createRoute({
  method: 'get',
  path: '/api/v1/invoices/',
  summary: "The client's own requests, newest first (cursor pagination)",
  request: { query: querySchema },
  responses: {
    200: { description: 'One page.', content: { 'application/json': { schema: listSchema } } },
    400: { description: 'VALIDATION_ERROR.', content: { 'application/json': { schema: errorSchema } } },
    401: { description: 'AUTH_ERROR.', content: { 'application/json': { schema: errorSchema } } },
  },
});

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `2026-05-18` is the whole day (Lisbon and UTC agree closely enough for a list filter: UTC). */
function parseInstant(value: string, end: boolean): number | null {
  if (DATE.test(value)) {
    const start = Date.parse(`${value}T00:00:00.000Z`);
    return Number.isNaN(start) ? null : end ? start + 86_399_999 : start;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** The query of a list, as the API and the backoffice accept it; throws VALIDATION_ERROR. */
export function parseListQuery(query: Record<string, string | undefined>): {
  filter: RequestFilter;
  limit: number;
  cursor: string | null;
} {
  const issues: ValidationIssue[] = [];
  const filter: RequestFilter = {};
  if (query.reference) filter.reference = query.reference;
  if (query.state) {
    if ((REQUEST_STATES as readonly string[]).includes(query.state))
      filter.state = query.state as RequestFilter['state'];
    else issues.push({ path: 'state', reason: `must be one of ${REQUEST_STATES.join(', ')}` });
  }
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

export function registerListRoute(app: OpenAPIHono<AppEnv>, deps: ListRouteDeps): void {
  app.openAPIRegistry.registerPath(listInvoicesRoute);
  app.get('/api/v1/invoices', authenticate(deps.authenticator, 'invoices:read'), async (c) => {
    const { filter, limit, cursor } = parseListQuery(c.req.query());
    // A client sees its own requests only, whatever the query says.
    const page = await deps.operations.list(
      { ...filter, clientId: c.get('client').clientId },
      { limit, cursor },
    );
    return c.json(
      {
        success: true as const,
        data: page.entries.map((entry) => statusAnswer(entry, deps.pdfLinks).body),
        next_cursor: page.nextCursor,
      },
      200,
    );
  });
}
