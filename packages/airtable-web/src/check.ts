import { FaturadorError } from '@faturador/core';
import { AirtableApiError, type AirtableWebClient } from './client.ts';
import type { AirtableBaseSettings } from './settings-schema.ts';

/** What was proven about a base's token and mapping before its settings were saved. */
export interface BaseAccessCheck {
  /** The token reads the table, and every mapped field exists in it. */
  read: 'ok';
  /**
   * `ok`: the token lists `data.records:write` (OAuth tokens do). `unverified`: a personal access
   * token does not list its scopes, and a test write would change the base; the first result
   * written shows it (a refused write is a failed delivery, never a lost document).
   */
  write: 'ok' | 'unverified';
}

function refused(message: string, details: Record<string, unknown>): FaturadorError {
  return new FaturadorError('CONNECTION_NOT_CONFIGURED', message, details);
}

/**
 * Checks a base's settings against Airtable itself: the token reads the table, the fields the
 * mapping names exist (one GET of one record asking for exactly those fields), and — where the token
 * says so — it may write. Throws CONNECTION_NOT_CONFIGURED naming what is wrong; never the token.
 */
export async function checkBaseAccess(
  settings: Pick<AirtableBaseSettings, 'base_id' | 'table_id' | 'fields'>,
  client: Pick<AirtableWebClient, 'listRecords' | 'whoami'>,
): Promise<BaseAccessCheck> {
  const fields = [...new Set(Object.values(settings.fields).filter((ref): ref is string => Boolean(ref)))];
  const byId = fields.length > 0 && fields.every((ref) => /^fld[A-Za-z0-9]{14}$/.test(ref));
  try {
    await client.listRecords(settings.table_id, { maxRecords: 1, fields, fieldsById: byId });
  } catch (error) {
    if (!(error instanceof AirtableApiError)) throw error;
    if (error.status === 401)
      throw refused('Airtable refused the token: it is wrong, expired or revoked.', { airtable: error.type });
    if (error.status === 403 || (error.status === 404 && error.type !== 'UNKNOWN_FIELD_NAME'))
      throw refused(
        `The token cannot read table ${settings.table_id} of base ${settings.base_id}: give it data.records:read and access to this base, and check the table id.`,
        { airtable: error.type },
      );
    if (error.type === 'UNKNOWN_FIELD_NAME') {
      const unknown = /"([^"]+)"/.exec(error.message)?.[1] ?? null;
      throw refused(
        `Table ${settings.table_id} has no field ${unknown ? `"${unknown}"` : 'of those the mapping names'}: rename it in the mapping or in Airtable.`,
        { airtable: error.type, field: unknown },
      );
    }
    throw error;
  }
  const { scopes } = await client.whoami();
  if (scopes === null) return { read: 'ok', write: 'unverified' };
  if (!scopes.includes('data.records:write'))
    throw refused('The token may read but not write records: give it the data.records:write scope.', {
      scopes,
    });
  return { read: 'ok', write: 'ok' };
}
