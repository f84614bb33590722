import { invoiceListBodySchema, REQUEST_STATES } from '@faturador/core';
import { type Operations, type PdfLinkSigner, parseListQuery } from '@faturador/issuing';
import type { Authenticator } from '@faturador/store';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { statusAnswer } from '../../answers.ts';
import type { AppEnv } from '../../context.ts';
import { authenticate } from '../../middleware/auth.ts';
import { openapiRoute } from '../../openapi.ts';
import { API_SECURITY, errorResponse, jsonResponse } from './schema.ts';

export interface ListRouteDeps {
  authenticator: Authenticator;
  operations: Operations;
  pdfLinks: PdfLinkSigner;
}

const querySchema = z.object({
  reference: z
    .string()
    .max(60)
    .optional()
    .meta({ description: 'Only the request of this reference.', example: 'TI-2026-05-18-0007' }),
  // Plain strings for the spec: parseListQuery checks the filters together, naming every bad one.
  state: z
    .string()
    .optional()
    .meta({ description: `Only requests in this state: ${REQUEST_STATES.join(', ')}.`, example: 'failed' }),
  from: z
    .string()
    .optional()
    .meta({ description: 'Created at or after (ISO date or date-time, UTC).', example: '2026-05-01' }),
  to: z.string().optional().meta({
    description: 'Created at or before (an ISO date means the whole day, UTC).',
    example: '2026-05-31',
  }),
  limit: z
    .string()
    .optional()
    .meta({ description: 'How many per page: 1–200, 50 by default.', example: '50' }),
  cursor: z.string().optional().meta({
    description: 'The `next_cursor` of the previous page.',
    example: '1779117441000:req_4ad9b2ec1d9f3a71',
  }),
});

export const listInvoicesRoute = createRoute({
  method: 'get',
  path: '/api/v1/invoices/',
  operationId: 'listInvoices',
  tags: ['Invoices'],
  security: API_SECURITY,
  summary: "The client's own requests, newest first (cursor pagination)",
  description: 'Every request of the calling client, filtered; another client’s requests are never listed.',
  request: { query: querySchema },
  responses: {
    200: jsonResponse('One page.', invoiceListBodySchema),
    400: errorResponse('VALIDATION_ERROR: a filter is invalid (named in `details.issues`).'),
    401: errorResponse('AUTH_ERROR.'),
    403: errorResponse('IP_NOT_ALLOWED.'),
    503: errorResponse('SERVICE_UNAVAILABLE.'),
  },
});

export function registerListRoute(app: OpenAPIHono<AppEnv>, deps: ListRouteDeps): void {
  openapiRoute(
    app,
    { ...listInvoicesRoute, middleware: [authenticate(deps.authenticator, 'invoices:read')] },
    async (c) => {
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
    },
  );
}
