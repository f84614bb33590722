import { BASE_ID_PATTERN, RECORD_ID_PATTERN, TABLE_ID_PATTERN } from '@faturador/airtable-web';
import { createRoute, z } from '@hono/zod-openapi';
import { errorSchema, successSchema } from '../invoices/schema.ts';

export const AIRTABLE_TRIGGER_PATH = '/api/v1/record-triggers/airtable';

export const airtableTriggerBodySchema = z
  .strictObject({
    base_id: z
      .string()
      .regex(BASE_ID_PATTERN, 'must be an Airtable base id (app…)')
      .openapi({ example: 'appFaturadorDemo1' }),
    table_id: z
      .string()
      .regex(TABLE_ID_PATTERN, 'must be an Airtable table id (tbl…)')
      .openapi({ example: 'tblBookings000001' }),
    record_id: z
      .string()
      .regex(RECORD_ID_PATTERN, 'must be an Airtable record id (rec…)')
      .openapi({ example: 'recBooking0000001' }),
  })
  .openapi('AirtableRecordTrigger');

const acceptedSchema = z
  .object({
    success: z.literal(true),
    request_id: z.string(),
    reference: z.string().openapi({ example: 'AT-recBooking0000001' }),
    state: z.enum(['queued', 'issuing', 'issued', 'failed']),
    status_url: z.string(),
  })
  .openapi('RecordTriggerAccepted');

const errors = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorSchema } },
});

/** Declared for the spec only; the handler validates with the same schema and our envelope. */
export const airtableTriggerRoute = createRoute({
  method: 'post',
  path: AIRTABLE_TRIGGER_PATH,
  tags: ['Record triggers'],
  summary: 'Issue the invoice of an Airtable record',
  description:
    'Called by the Airtable extension and by automation scripts with a record-trigger key (scope ' +
    '`record-triggers:write`). The server reads the record itself with the base token it holds, builds ' +
    'the invoice from the base field mapping, issues it once per record (reference `AT-<record_id>`) ' +
    'and writes status, number, PDF link or the error back to the record. `?wait=sync` answers with ' +
    'the result (within the 10 s budget); the default answers 202 at once.',
  request: {
    query: z.object({ wait: z.enum(['sync', 'async']).optional() }),
    body: { content: { 'application/json': { schema: airtableTriggerBodySchema } }, required: true },
  },
  responses: {
    201: {
      description: 'Issued (`wait=sync`, or issued before).',
      content: { 'application/json': { schema: successSchema } },
    },
    202: {
      description: 'Accepted: the result is written to the record.',
      content: { 'application/json': { schema: acceptedSchema } },
    },
    400: errors(
      'VALIDATION_ERROR: a bad trigger, or a record that cannot be invoiced (also written to its error field).',
    ),
    401: errors('AUTH_ERROR: bad credentials, or a key without `record-triggers:write`.'),
    404: errors('NOT_FOUND: the base is not set up for this client, or the record does not exist.'),
    409: errors('REFERENCE_ALREADY_ISSUED: the record says it was invoiced (details carry the number).'),
    422: errors(
      'CONNECTION_NOT_CONFIGURED: Airtable refused the base token; or a Moloni rejection (`wait=sync`).',
    ),
    429: errors('RATE_LIMITED: Airtable asked us to slow down for this base; see Retry-After.'),
    503: errors('SERVICE_UNAVAILABLE: Airtable did not answer.'),
  },
});
