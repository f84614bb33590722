import {
  creditBodySchema,
  documentActionSchema,
  emailAcceptedSchema,
  emailBodySchema,
  receiptBodySchema,
} from '@faturador/core';
import { createRoute, z } from '@hono/zod-openapi';
import { API_SECURITY, errorResponse, jsonResponse } from '../invoices/schema.ts';

const headers = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9_\-:.]{8,128}$/)
    .meta({
      description:
        'Required, as for issuing: the same key with the same body gets the same answer; with another body, 409 ' +
        'IDEMPOTENCY_CONFLICT.',
      example: '5a0f3c1e-8b7d-4c2a-9e61-0d4b7f2c9a13',
    }),
});

const params = z.object({
  request_id: z
    .string()
    .meta({ description: 'The `request_id` of the issued request.', example: 'req_4ad9b2ec1d9f3a71' }),
});

const common = {
  401: errorResponse('AUTH_ERROR.'),
  403: errorResponse('IP_NOT_ALLOWED.'),
  404: errorResponse('NOT_FOUND: no such request for this client.'),
  422: errorResponse('MOLONI_BUSINESS_ERROR or TOTAL_MISMATCH: Moloni refused; nothing changed.'),
  503: errorResponse('MOLONI_UNAVAILABLE or SERVICE_UNAVAILABLE.'),
  504: errorResponse('MOLONI_TIMEOUT: still running; the same Idempotency-Key returns the final result.'),
};

const jsonBody = (schema: z.ZodType, description: string, required: boolean) => ({
  required,
  description,
  content: { 'application/json': { schema } },
});

export const finalizeRoute = createRoute({
  method: 'post',
  path: '/api/v1/invoices/{request_id}/finalize',
  operationId: 'finalizeInvoice',
  tags: ['Invoices'],
  security: API_SECURITY,
  summary: "Close a draft after checking Moloni's total against the request",
  description: 'The draft gets its certified number; the request then shows the final document.',
  request: { params, headers },
  responses: {
    201: jsonResponse('The document is final.', documentActionSchema),
    400: errorResponse('VALIDATION_ERROR: the body must be empty.'),
    409: errorResponse('DOCUMENT_FINAL (already final), DOCUMENT_NOT_FINAL (deleted), IDEMPOTENCY_CONFLICT.'),
    ...common,
  },
});

export const deleteRoute = createRoute({
  method: 'delete',
  path: '/api/v1/invoices/{request_id}',
  operationId: 'deleteDraft',
  tags: ['Invoices'],
  security: API_SECURITY,
  summary: 'Delete a draft in Moloni',
  description: 'Only drafts can be deleted; a final document is cancelled with a credit note.',
  request: { params, headers },
  responses: {
    200: jsonResponse('The draft is deleted.', documentActionSchema),
    409: errorResponse('DOCUMENT_FINAL: cancel it with a credit note; IDEMPOTENCY_CONFLICT.'),
    ...common,
  },
});

export const creditNoteRoute = createRoute({
  method: 'post',
  path: '/api/v1/invoices/{request_id}/credit-notes',
  operationId: 'creditInvoice',
  tags: ['Invoices'],
  security: API_SECURITY,
  summary: 'Cancel a final document, in full or by line, with a credit note',
  description:
    'Without `items`, everything not yet credited is credited. The credit note names the original as its associated ' +
    'document and relates each line to the original line, as Moloni requires.',
  request: {
    params,
    headers,
    body: jsonBody(
      creditBodySchema.meta({
        id: 'CreditNoteRequest',
        description:
          'Why, and optionally which lines (1-based), how many units and at which gross unit price.',
        example: { reason: 'Erro no NIF do cliente', items: [{ line: 1, quantity: 1 }] },
      }),
      'The reason (required) and the lines.',
      true,
    ),
  },
  responses: {
    201: jsonResponse('The credit note (`NC M/1`).', documentActionSchema),
    400: errorResponse('VALIDATION_ERROR: no reason, or a bad line.'),
    409: errorResponse(
      'CREDIT_EXCEEDS_REMAINING (more than what remains uncredited), DOCUMENT_NOT_FINAL (a draft), IDEMPOTENCY_CONFLICT.',
    ),
    ...common,
  },
});

export const receiptRoute = createRoute({
  method: 'post',
  path: '/api/v1/invoices/{request_id}/receipts',
  operationId: 'recordPayment',
  tags: ['Invoices'],
  security: API_SECURITY,
  summary: 'Record a payment of an invoice (FT) with a receipt',
  description: 'The whole open amount by default; partial payments are allowed up to the open amount.',
  request: {
    params,
    headers,
    body: jsonBody(
      receiptBodySchema.meta({
        id: 'ReceiptRequest',
        description: 'Amount (default: all that is open), Moloni payment method name, and date.',
        example: { amount: 4, payment_method: 'Numerário', date: '2026-05-20' },
      }),
      'Optional; `{}` pays the whole open amount.',
      false,
    ),
  },
  responses: {
    201: jsonResponse('The receipt, and what is still open.', documentActionSchema),
    400: errorResponse('VALIDATION_ERROR.'),
    409: errorResponse(
      'DOCUMENT_ALREADY_PAID (an FR or FS, or nothing open), AMOUNT_EXCEEDS_OPEN, DOCUMENT_NOT_FINAL, IDEMPOTENCY_CONFLICT.',
    ),
    ...common,
  },
});

export const emailRoute = createRoute({
  method: 'post',
  path: '/api/v1/invoices/{request_id}/email',
  operationId: 'emailInvoice',
  tags: ['Invoices'],
  security: API_SECURITY,
  summary: "E-mail the final document's PDF to the customer",
  description:
    "Queues one e-mail with the PDF Moloni serves for the document, to `to` or to the customer's e-mail of the " +
    'request. The outcome (to whom, when, its Message-ID, or the error) shows under `related_documents` of ' +
    "`GET /api/v1/invoices/{request_id}`. An e-mail whose sending ended without the mail server's answer is " +
    '`in_doubt` and never re-sent by itself; a new Idempotency-Key sends another one.',
  request: {
    params,
    headers,
    body: jsonBody(
      emailBodySchema.meta({
        id: 'EmailRequest',
        description: "Where to send it; default: the customer's e-mail.",
        example: { to: 'financeiro@cliente.pt' },
      }),
      "Optional; `{}` sends to the customer's e-mail.",
      false,
    ),
  },
  responses: {
    202: jsonResponse('The e-mail is queued (or, for a repeated key, where it stands).', emailAcceptedSchema),
    400: errorResponse('VALIDATION_ERROR: not an e-mail address, or no `to` and no customer e-mail.'),
    409: errorResponse('DOCUMENT_NOT_FINAL (a draft, deleted or not issued), IDEMPOTENCY_CONFLICT.'),
    ...common,
  },
});
