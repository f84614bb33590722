import { z } from 'zod';

/**
 * Where a request came from, so the result can go back there: the HTTP caller only, a Slack
 * message (the result goes to its thread), or an Airtable record (the result is written to it).
 */
export const originSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('api') }),
  z.strictObject({
    kind: z.literal('slack'),
    team_id: z.string().max(32).optional(),
    channel: z.string().regex(/^[CDG][A-Z0-9]{2,20}$/, 'must be a Slack channel id'),
    /** The parent message the bot posted; results go to its thread. */
    message_ts: z.string().regex(/^\d+\.\d+$/, 'must be a Slack message ts'),
    user_id: z.string().max(32).optional(),
    locale: z.enum(['pt', 'en']).optional(),
  }),
  z.strictObject({
    kind: z.literal('airtable'),
    base_id: z.string().regex(/^app[A-Za-z0-9]{14}$/, 'must be an Airtable base id'),
    table_id: z.string().regex(/^tbl[A-Za-z0-9]{14}$/, 'must be an Airtable table id'),
    record_id: z.string().regex(/^rec[A-Za-z0-9]{14}$/, 'must be an Airtable record id'),
  }),
]);

export type Origin = z.output<typeof originSchema>;
export type SlackOrigin = Extract<Origin, { kind: 'slack' }>;
export type AirtableOrigin = Extract<Origin, { kind: 'airtable' }>;
