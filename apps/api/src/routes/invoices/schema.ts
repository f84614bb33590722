import {
  acceptedBodySchema,
  errorEnvelopeSchema,
  invoiceRequestBodySchema,
  originSchema,
  statusBodySchema,
  successEnvelopeSchema,
} from '@faturador/core';
import { createRoute, z } from '@hono/zod-openapi';

/**
 * The routes of the billing API, for the spec and for `openapiRoute`. The answers are core's
 * response schemas (the one contract); what is here is HTTP: paths, headers, statuses. A new
 * status of an operation goes in its `responses`, with the codes it carries in the description.
 */

/** Either credential mode (see `securitySchemes` in docs.ts): all the headers of one entry. */
export const API_SECURITY: Array<Record<string, string[]>> = [
  { clientId: [], apiKey: [], apiSecret: [] },
  { clientId: [], apiKey: [], timestamp: [], nonce: [], signature: [] },
];

const requestIdHeader = {
  'X-Request-Id': {
    description: 'The id of the request this answer is about (the same as `request_id` in the body).',
    schema: { type: 'string' as const, example: 'req_4ad9b2ec1d9f3a71' },
  },
};

export const errorResponse = (description: string, headers: Record<string, object> = {}) => ({
  description,
  headers: { ...requestIdHeader, ...headers },
  content: { 'application/json': { schema: errorEnvelopeSchema } },
});

/** The PDF route's errors: the envelope for programs, a short Portuguese page for browsers. */
const withHtmlPage = (response: ReturnType<typeof errorResponse>) => ({
  ...response,
  content: {
    ...response.content,
    'text/html': {
      schema: z.string().meta({
        description: 'A short page in Portuguese (with an English line) saying what went wrong.',
        example: '<!doctype html><html lang="pt-PT">…<h1>Esta ligação não é válida</h1>…</html>',
      }),
    },
  },
});

export const jsonResponse = (description: string, schema: z.ZodType) => ({
  description,
  headers: requestIdHeader,
  content: { 'application/json': { schema } },
});

const idempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9_\-:.]{8,128}$/)
  .meta({
    description:
      'Required. A UUID, or 8–128 characters of `A-Z a-z 0-9 _ - : .`. The same key with the same body ' +
      'gets the same answer for 30 days; with another body, 409 IDEMPOTENCY_CONFLICT.',
    example: '2878e76a-6654-4e52-a11b-dcc525eef985',
  });

const prefer = z
  .string()
  .optional()
  .meta({ description: '`respond-async` answers 202 at once with a status URL.', example: 'respond-async' });

const requestIdParam = z.object({
  request_id: z.string().meta({
    description: 'The `request_id` of an earlier answer.',
    example: 'req_4ad9b2ec1d9f3a71',
  }),
});

export const createInvoiceRoute = createRoute({
  method: 'post',
  path: '/api/v1/invoices/',
  operationId: 'issueInvoice',
  tags: ['Invoices'],
  security: API_SECURITY,
  summary: 'Issue a document in Moloni (synchronous, exactly once per Idempotency-Key)',
  description:
    'Validates, claims the Idempotency-Key, issues through the queue and answers with the final result within the ' +
    'synchronous budget (10 s). `Prefer: respond-async` answers 202 at once with a status URL. The result goes ' +
    'back to the caller; it is posted elsewhere only for clients an operator allowed (see `origin`). Text must ' +
    'be valid Unicode: a lone surrogate or a control character (other than tab and line breaks) is refused ' +
    'with 400 naming the field.',
  request: {
    headers: z.object({ 'idempotency-key': idempotencyKey, prefer }),
    body: {
      required: true,
      description: 'The seed contract, plus optional extensions.',
      content: {
        'application/json': {
          schema: invoiceRequestBodySchema
            .extend({
              origin: originSchema.optional().meta({
                description:
                  'Where the result is delivered besides the answer. The server decides it: leave it out. Only a client ' +
                  'an operator bound to a Slack workspace (capability `slack:<team id>`, the Slack bot) may name a thread ' +
                  'of that workspace (`kind: "slack"` with its `team_id`). Any other origin, or an origin from any other ' +
                  'client, is refused with 400 VALIDATION_ERROR naming `origin`. Airtable records are set only by ' +
                  '`POST /api/v1/record-triggers/airtable`, for bases set up for the calling client.',
              }),
            })
            .meta({ id: 'InvoiceRequest', description: 'What to issue.' }),
        },
      },
    },
  },
  responses: {
    201: jsonResponse('Document issued (or issued before, for this key).', successEnvelopeSchema),
    202: jsonResponse('Accepted (Prefer: respond-async).', acceptedBodySchema),
    400: errorResponse('VALIDATION_ERROR: invalid payload or missing Idempotency-Key.'),
    401: errorResponse('AUTH_ERROR: invalid credentials, signature, timestamp or nonce.'),
    403: errorResponse('IP_NOT_ALLOWED: source IP outside the key allowlist.'),
    409: errorResponse(
      'IDEMPOTENCY_CONFLICT, REFERENCE_ALREADY_ISSUED or DUPLICATE_DOCUMENTS (an incident).',
    ),
    413: errorResponse('PAYLOAD_TOO_LARGE.'),
    415: errorResponse('UNSUPPORTED_MEDIA_TYPE: the body must be application/json.'),
    422: errorResponse(
      'MOLONI_BUSINESS_ERROR, CUSTOMER_AMBIGUOUS, TOTAL_MISMATCH, TOTAL_UNREACHABLE or CONNECTION_NOT_CONFIGURED.',
    ),
    500: errorResponse('INTERNAL_ERROR: quote the request id when reporting it.'),
    502: errorResponse('MOLONI_BAD_GATEWAY.'),
    503: errorResponse('MOLONI_UNAVAILABLE or SERVICE_UNAVAILABLE.'),
    504: errorResponse('MOLONI_TIMEOUT: still processing; retry with the same Idempotency-Key.'),
  },
});

export const getInvoiceRoute = createRoute({
  method: 'get',
  path: '/api/v1/invoices/{request_id}',
  operationId: 'getInvoice',
  tags: ['Invoices'],
  security: API_SECURITY,
  summary: 'State and result of a request (same client only)',
  description: 'What became of a request: its state, the document once issued, or its final error.',
  request: { params: requestIdParam },
  responses: {
    200: jsonResponse('The request.', statusBodySchema),
    401: errorResponse('AUTH_ERROR.'),
    403: errorResponse('IP_NOT_ALLOWED.'),
    404: errorResponse('NOT_FOUND: no such request for this client.'),
    503: errorResponse('SERVICE_UNAVAILABLE.'),
  },
});

export const getPdfRoute = createRoute({
  method: 'get',
  path: '/api/v1/invoices/{request_id}/pdf',
  operationId: 'getInvoicePdf',
  tags: ['Invoices'],
  // The signed link is the credential: it is handed out in `pdf_url`, and opens in a browser.
  security: [],
  summary: "The document's PDF, fetched from Moloni on demand (a signed link bound to the document)",
  description:
    'Follow `document.pdf_url` of an answer. The link is signed for one document and does not expire: it is what Slack threads and Airtable records keep. Rotating the link key (`npm run cli -- pdf-links rotate`) revokes every link; a deleted or replaced document fails on its own. A browser (`Accept: text/html`) gets a short Portuguese page instead of the JSON error.',
  request: {
    params: requestIdParam,
    // Optional for the validator: a link without them is a bad link (401), not a bad request.
    query: z.object({
      document: z
        .string()
        .optional()
        .meta({ description: "Moloni's id of the document the link was signed for.", example: '974989624' }),
      g: z
        .string()
        .optional()
        .meta({ description: 'The generation of the link key that signed it.', example: '1' }),
      signature: z.string().optional().meta({
        description: 'HMAC-SHA256 (base64url) of the request id and the document id, made by the API.',
        example: 'x3cQm1o7Zk2bP9sV4fT8wYj6rN0aHdLuE5gC1iKpQzA',
      }),
      expires: z.string().optional().meta({
        description: 'Links made before document-bound links: Unix seconds after which they stop working.',
        example: '1779117441',
      }),
    }),
  },
  responses: {
    200: {
      description: 'The PDF.',
      content: {
        'application/pdf': { schema: z.string().meta({ format: 'binary', description: 'The PDF file.' }) },
      },
    },
    401: withHtmlPage(errorResponse('AUTH_ERROR: a bad or revoked link.')),
    404: withHtmlPage(errorResponse('NOT_FOUND: no final document for this link.')),
    502: withHtmlPage(errorResponse('MOLONI_BAD_GATEWAY: Moloni did not return the PDF.')),
  },
});
