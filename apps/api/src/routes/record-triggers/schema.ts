import { BASE_ID_PATTERN, RECORD_ID_PATTERN, TABLE_ID_PATTERN } from '@faturador/airtable-web';
import { recordTriggerAcceptedSchema, recordTriggerIssuedSchema } from '@faturador/core';
import { createRoute, z } from '@hono/zod-openapi';
import { API_SECURITY, errorResponse, jsonResponse } from '../invoices/schema.ts';

export const AIRTABLE_TRIGGER_PATH = '/api/v1/record-triggers/airtable';

export const airtableTriggerBodySchema = z
  .strictObject({
    base_id: z.string().regex(BASE_ID_PATTERN, 'must be an Airtable base id (app…)').meta({
      description: 'The Airtable base, set up for the calling client.',
      example: 'appFaturadorDemo1',
    }),
    table_id: z.string().regex(TABLE_ID_PATTERN, 'must be an Airtable table id (tbl…)').meta({
      description: "The table of the record, as the base's settings name it.",
      example: 'tblBookings000001',
    }),
    record_id: z.string().regex(RECORD_ID_PATTERN, 'must be an Airtable record id (rec…)').meta({
      description: 'The record to invoice; the server reads it itself.',
      example: 'recBooking0000001',
    }),
  })
  .meta({ id: 'AirtableRecordTrigger', description: 'Which record to invoice.' });

/** The body is declared for the spec; the handler validates it with the same schema (see openapiRoute). */
export const airtableTriggerRoute = createRoute({
  method: 'post',
  path: AIRTABLE_TRIGGER_PATH,
  operationId: 'triggerAirtableRecord',
  tags: ['Record triggers'],
  security: API_SECURITY,
  summary: 'Issue the invoice of an Airtable record',
  description:
    'Called by the Airtable extension and by automation scripts with a record-trigger key (scope ' +
    '`record-triggers:write`). The server reads the record itself with the base token it holds, builds ' +
    'the invoice from the base field mapping, issues it once per record (reference `AT-<record_id>`) ' +
    'and writes status, number, PDF link or the error back to the record. `?wait=sync` answers with ' +
    'the result (within the 10 s budget); the default answers 202 at once.',
  request: {
    query: z.object({
      wait: z.enum(['sync', 'async'], 'must be sync or async').optional().meta({
        description: '`sync` waits for the result (10 s budget); `async` (default) answers 202.',
        example: 'sync',
      }),
    }),
    body: {
      description: 'The record to invoice.',
      content: { 'application/json': { schema: airtableTriggerBodySchema } },
      required: true,
    },
  },
  responses: {
    201: jsonResponse('Issued (`wait=sync`, or issued before).', recordTriggerIssuedSchema),
    202: jsonResponse('Accepted: the result is written to the record.', recordTriggerAcceptedSchema),
    400: errorResponse(
      'VALIDATION_ERROR: a bad trigger, or a record that cannot be invoiced (also written to its error field).',
    ),
    401: errorResponse('AUTH_ERROR: bad credentials, or a key without `record-triggers:write`.'),
    403: errorResponse('IP_NOT_ALLOWED: source IP outside the key allowlist.'),
    404: errorResponse('NOT_FOUND: the base is not set up for this client, or the record does not exist.'),
    409: errorResponse(
      'REFERENCE_ALREADY_ISSUED: the record says it was invoiced (details carry the number).',
    ),
    422: errorResponse(
      'CONNECTION_NOT_CONFIGURED: Airtable refused the base token; or a Moloni rejection (`wait=sync`).',
    ),
    429: errorResponse('RATE_LIMITED: Airtable asked us to slow down for this base; see Retry-After.', {
      'Retry-After': {
        description: 'Seconds to wait before triggering this base again.',
        schema: { type: 'integer', example: 30 },
      },
    }),
    413: errorResponse('PAYLOAD_TOO_LARGE.'),
    500: errorResponse('INTERNAL_ERROR: quote the request id when reporting it.'),
    502: errorResponse('MOLONI_BAD_GATEWAY (`wait=sync`).'),
    503: errorResponse('SERVICE_UNAVAILABLE: Airtable did not answer; or MOLONI_UNAVAILABLE (`wait=sync`).'),
    504: errorResponse('MOLONI_TIMEOUT (`wait=sync`): still processing; trigger again for the result.'),
  },
});
