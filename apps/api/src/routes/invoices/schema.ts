import {
  DOCUMENT_STATUSES,
  DOCUMENT_TYPES,
  ERROR_CODES,
  invoiceRequestBodySchema,
  originSchema,
} from '@faturador/core';
import { createRoute, z } from '@hono/zod-openapi';

const authHeaders = z.object({
  'x-client-id': z.string().openapi({ example: 'airtable_ops_prod' }),
  'x-api-key': z.string().openapi({ example: 'ak_demo_9f83b7d1a5c40c22' }),
  'x-api-secret': z.string().optional().openapi({ description: 'Plain mode. Omit in signed mode.' }),
  'x-timestamp': z.string().optional().openapi({ description: 'Signed mode: unix seconds, within ±300 s.' }),
  'x-nonce': z
    .string()
    .optional()
    .openapi({ description: 'Signed mode: single use, 16–128 of [A-Za-z0-9_-].' }),
  'x-signature': z.string().optional().openapi({
    description:
      'Signed mode: hex HMAC-SHA256 with the secret over METHOD\\npath\\ntimestamp\\nnonce\\nsha256hex(body).',
  }),
});

const documentSchema = z
  .object({
    type: z.enum(DOCUMENT_TYPES),
    status: z.enum(DOCUMENT_STATUSES),
    moloni_document_id: z.number().int(),
    number: z.string().nullable().openapi({ example: 'FR M/32' }),
    series: z.string().openapi({ example: 'M' }),
    total_gross: z.number().openapi({ example: 10 }),
    currency: z.literal('EUR'),
    pdf_url: z
      .string()
      .nullable()
      .openapi({ description: 'Signed, expiring link through this API; null for drafts.' }),
    created_at: z.string().openapi({ example: '2026-05-18T15:07:21Z' }),
  })
  .openapi('Document');

export const successSchema = z
  .object({
    success: z.literal(true),
    request_id: z.string().openapi({ example: 'req_4ad9b2ec1d9f3a71' }),
    reference: z.string(),
    document: documentSchema,
  })
  .openapi('InvoiceIssued');

export const errorSchema = z
  .object({
    success: z.literal(false),
    request_id: z.string().openapi({ example: 'req_62d03a9dabc7e8f4' }),
    error: z.object({
      code: z.enum(ERROR_CODES as [string, ...string[]]),
      message: z
        .string()
        .openapi({ example: 'items[0].vat_rate is invalid: must be one of 0, 4, 6, 9, 12, 13, 16, 22, 23.' }),
      details: z.record(z.string(), z.unknown()).nullable(),
    }),
  })
  .openapi('Error');

const acceptedSchema = z
  .object({
    success: z.literal(true),
    request_id: z.string(),
    reference: z.string(),
    state: z.enum(['queued', 'issuing', 'issued', 'failed']),
    status_url: z.string(),
  })
  .openapi('InvoiceAccepted');

export const statusSchema = z
  .object({
    success: z.literal(true),
    request_id: z.string(),
    reference: z.string(),
    state: z.enum(['queued', 'issuing', 'issued', 'failed']),
    document: documentSchema.nullable(),
    error: errorSchema.shape.error.nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    attempts: z.number().int().openapi({ description: 'Attempts of the issue job so far.' }),
    next_attempt_at: z
      .string()
      .nullable()
      .openapi({ description: 'While the job waits to retry: when the next attempt runs.' }),
    last_error: errorSchema.shape.error
      .nullable()
      .openapi({ description: 'Why the last attempt failed (also while it is still retrying).' }),
  })
  .openapi('InvoiceStatus');

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorSchema } },
});

export const createInvoiceRoute = createRoute({
  method: 'post',
  path: '/api/v1/invoices/',
  summary: 'Issue a document in Moloni (synchronous, exactly once per Idempotency-Key)',
  description:
    'Validates, claims the Idempotency-Key, issues through the queue and answers with the final result within the ' +
    'synchronous budget (10 s). `Prefer: respond-async` answers 202 at once with a status URL. The result goes ' +
    'back to the caller; it is posted elsewhere only for clients an operator allowed (see `origin`). Text must ' +
    'be valid Unicode: a lone surrogate or a control character (other than tab and line breaks) is refused ' +
    'with 400 naming the field.',
  request: {
    headers: authHeaders.extend({
      'idempotency-key': z.string().openapi({ example: '2878e76a-6654-4e52-a11b-dcc525eef985' }),
      prefer: z.string().optional().openapi({ example: 'respond-async' }),
    }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: invoiceRequestBodySchema.extend({
            origin: originSchema.optional().openapi({
              description:
                'Where the result is delivered besides the answer. The server decides it: leave it out. Only a client ' +
                'an operator bound to a Slack workspace (capability `slack:<team id>`, the Slack bot) may name a thread ' +
                'of that workspace (`kind: "slack"` with its `team_id`). Any other origin, or an origin from any other ' +
                'client, is refused with 400 VALIDATION_ERROR naming `origin`. Airtable records are set only by ' +
                '`POST /api/v1/record-triggers/airtable`, for bases set up for the calling client.',
            }),
          }),
        },
      },
    },
  },
  responses: {
    201: { description: 'Document issued.', content: { 'application/json': { schema: successSchema } } },
    202: {
      description: 'Accepted (Prefer: respond-async).',
      content: { 'application/json': { schema: acceptedSchema } },
    },
    400: errorResponse('VALIDATION_ERROR: invalid payload or missing Idempotency-Key.'),
    401: errorResponse('AUTH_ERROR: invalid credentials, signature, timestamp or nonce.'),
    403: errorResponse('IP_NOT_ALLOWED: source IP outside the key allowlist.'),
    409: errorResponse('IDEMPOTENCY_CONFLICT or REFERENCE_ALREADY_ISSUED.'),
    413: errorResponse('PAYLOAD_TOO_LARGE.'),
    422: errorResponse(
      'MOLONI_BUSINESS_ERROR, CUSTOMER_AMBIGUOUS, TOTAL_MISMATCH, TOTAL_UNREACHABLE or CONNECTION_NOT_CONFIGURED.',
    ),
    502: errorResponse('MOLONI_BAD_GATEWAY.'),
    503: errorResponse('MOLONI_UNAVAILABLE or SERVICE_UNAVAILABLE.'),
    504: errorResponse('MOLONI_TIMEOUT: still processing; retry with the same Idempotency-Key.'),
  },
});

export const getInvoiceRoute = createRoute({
  method: 'get',
  path: '/api/v1/invoices/{request_id}',
  summary: 'State and result of a request (same client only)',
  request: {
    headers: authHeaders,
    params: z.object({ request_id: z.string().openapi({ example: 'req_4ad9b2ec1d9f3a71' }) }),
  },
  responses: {
    200: { description: 'The request.', content: { 'application/json': { schema: statusSchema } } },
    401: errorResponse('AUTH_ERROR.'),
    404: errorResponse('NOT_FOUND.'),
  },
});

export const getPdfRoute = createRoute({
  method: 'get',
  path: '/api/v1/invoices/{request_id}/pdf',
  summary: "The document's PDF, fetched from Moloni on demand (signed, expiring link)",
  request: {
    params: z.object({ request_id: z.string() }),
    query: z.object({ expires: z.string(), signature: z.string() }),
  },
  responses: {
    200: {
      description: 'The PDF.',
      content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
    },
    401: errorResponse('Bad or expired link.'),
    404: errorResponse('No final document for this request.'),
  },
});
