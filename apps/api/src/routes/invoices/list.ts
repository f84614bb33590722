import { type Operations, type PdfLinkSigner, parseListQuery, statusAnswer } from '@faturador/issuing';
import { type Authenticator, REQUEST_STATES } from '@faturador/store';
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

export function registerListRoute(app: OpenAPIHono<AppEnv>, deps: ListRouteDeps): void {
  app.openAPIRegistry.registerPath(listInvoicesRoute);
  app.get('/api/v1/invoices', authenticate(deps.authenticator, 'invoices:read'), async (c) => {
    const query = c.req.query();
    // The API's list takes the documented filters only (the backoffice's take more).
    const { filter, limit, cursor } = parseListQuery({
      reference: query.reference,
      state: query.state,
      from: query.from,
      to: query.to,
      limit: query.limit,
      cursor: query.cursor,
    });
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
