import { BASE_ID_PATTERN } from '@faturador/airtable-web';
import { createRoute, z } from '@hono/zod-openapi';
import { API_SECURITY, errorResponse, jsonResponse } from '../invoices/schema.ts';

export const AIRTABLE_BASE_PATH = '/api/v1/airtable/bases/{base_id}';

const baseIdParam = z.object({
  base_id: z
    .string()
    .regex(BASE_ID_PATTERN, 'must be an Airtable base id (app…)')
    .meta({
      description: 'The Airtable base.',
      example: 'appFaturadorDemo1',
      param: { name: 'base_id', in: 'path' },
    }),
});

const EXAMPLE_SETTINGS = {
  table_id: 'tblBookings000001',
  fields: {
    customer_name: 'Hóspede',
    customer_nif: 'NIF',
    gross_amount: 'Valor bruto',
    status: 'Estado',
    number: 'Nº fatura',
  },
  amount_mode: 'net_of_commission',
};

// The settings' own fields are validated by `@faturador/airtable-web`'s schema (apps/airtable/README.md
// lists them); the spec describes the envelope around them.
const settingsObject = z.record(z.string(), z.unknown()).meta({
  description:
    'The base settings: `table_id`, `fields` (the mapping of roles to field names or ids), `amount_mode`, `status_values`, `location_rules`… as apps/airtable/README.md lists them. Never the token.',
  example: {
    ...EXAMPLE_SETTINGS,
    base_id: 'appFaturadorDemo1',
    client_id: 'bookings_ops',
    updated_at: '2026-12-02T10:00:00.000Z',
  },
});

export const baseSettingsBodySchema = z.record(z.string(), z.unknown()).meta({
  id: 'AirtableBaseSettingsInput',
  description:
    'The settings to save. `base_id` is the path, `client_id` the caller. `pat` (a personal access token with data.records:read and :write on this base) is required the first time; left out, the stored one is kept.',
  example: { ...EXAMPLE_SETTINGS, pat: 'patXXXXXXXXXXXXXX.0123456789abcdef' },
});

const settingsAnswer = z
  .strictObject({
    success: z.literal(true).meta({ description: 'Always true here.', example: true }),
    settings: settingsObject,
    checks: z
      .strictObject({
        read: z.literal('ok').meta({
          description: 'The token read the table, and every mapped field exists in it.',
          example: 'ok',
        }),
        write: z.enum(['ok', 'unverified']).meta({
          description:
            '`ok`: the token lists data.records:write. `unverified`: a personal access token does not list its scopes; the first result written shows it.',
          example: 'unverified',
        }),
      })
      .nullable()
      .meta({
        description: 'What was checked against Airtable when saving (null when reading).',
        example: null,
      }),
  })
  .meta({ id: 'AirtableBaseSettings', description: 'A base as the server holds it: the one mapping.' });

export const getBaseSettingsRoute = createRoute({
  method: 'get',
  path: AIRTABLE_BASE_PATH,
  operationId: 'getAirtableBaseSettings',
  tags: ['Airtable bases'],
  security: API_SECURITY,
  summary: "A base's settings (the field mapping), without its token",
  description:
    "The server holds the one mapping of a base; the extension reads it here instead of keeping a copy. A key with `airtable-bases:write`, or the base's record-trigger key, may read it.",
  request: { params: baseIdParam },
  responses: {
    200: jsonResponse('The settings.', settingsAnswer),
    401: errorResponse('AUTH_ERROR: bad credentials, or a key with neither scope.'),
    404: errorResponse('NOT_FOUND: the base is not set up for this client (or this key).'),
  },
});

export const putBaseSettingsRoute = createRoute({
  method: 'put',
  path: AIRTABLE_BASE_PATH,
  operationId: 'saveAirtableBaseSettings',
  tags: ['Airtable bases'],
  security: API_SECURITY,
  summary: "Save a base's settings, checked against Airtable first",
  description:
    'With an admin key of the client (scope `airtable-bases:write`, never kept in the base). Before saving, the token must read the table and every mapped field must exist; where the token lists its scopes, it must be allowed to write. Nothing is saved otherwise.',
  request: {
    params: baseIdParam,
    body: {
      description: 'The settings.',
      content: { 'application/json': { schema: baseSettingsBodySchema } },
      required: true,
    },
  },
  responses: {
    200: jsonResponse('Saved.', settingsAnswer),
    400: errorResponse('VALIDATION_ERROR: settings that do not parse, naming each field.'),
    401: errorResponse('AUTH_ERROR: bad credentials, or a key without `airtable-bases:write`.'),
    404: errorResponse("NOT_FOUND: the base is another client's."),
    422: errorResponse('CONNECTION_NOT_CONFIGURED: Airtable refused the token, the table or a mapped field.'),
  },
});
