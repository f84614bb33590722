import { z } from 'zod';

/**
 * Where a request came from, so the result can go back there: the HTTP caller only, a Slack
 * message (the result goes to its thread), or an Airtable record (the result is written to it).
 */
export const originSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('api').meta({ description: 'The HTTP caller only.', example: 'api' }) }),
  z.strictObject({
    kind: z.literal('slack').meta({ description: 'A Slack thread.', example: 'slack' }),
    team_id: z.string().max(32).optional().meta({
      description: "The workspace; it must be the client's own (`slack:<team id>`).",
      example: 'T0123ABCD',
    }),
    channel: z
      .string()
      .regex(/^[CDG][A-Z0-9]{2,20}$/, 'must be a Slack channel id')
      .meta({ description: 'The channel id.', example: 'C0123ABCD' }),
    /** The parent message the bot posted; results go to its thread. */
    message_ts: z
      .string()
      .regex(/^\d+\.\d+$/, 'must be a Slack message ts')
      .meta({
        description: 'The parent message; the result goes to its thread.',
        example: '1779116841.000100',
      }),
    user_id: z.string().max(32).optional().meta({ description: 'Who asked.', example: 'U0123ABCD' }),
    locale: z
      .enum(['pt', 'en'])
      .optional()
      .meta({ description: 'The language of the reply.', example: 'pt' }),
  }),
  z.strictObject({
    kind: z
      .literal('airtable')
      .meta({ description: 'An Airtable record (set by the server only).', example: 'airtable' }),
    base_id: z
      .string()
      .regex(/^app[A-Za-z0-9]{14}$/, 'must be an Airtable base id')
      .meta({ description: 'The base.', example: 'appFaturadorDemo1' }),
    table_id: z
      .string()
      .regex(/^tbl[A-Za-z0-9]{14}$/, 'must be an Airtable table id')
      .meta({ description: 'The table.', example: 'tblBookings000001' }),
    record_id: z
      .string()
      .regex(/^rec[A-Za-z0-9]{14}$/, 'must be an Airtable record id')
      .meta({ description: 'The record.', example: 'recBooking0000001' }),
  }),
]);

export type Origin = z.output<typeof originSchema>;
export type SlackOrigin = Extract<Origin, { kind: 'slack' }>;
export type AirtableOrigin = Extract<Origin, { kind: 'airtable' }>;
