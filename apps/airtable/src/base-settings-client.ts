import type { AirtableBaseSettings } from '@faturador/airtable-web/settings-schema';
import type { ExtensionConfig } from './config.ts';
import { serverSettingsOf } from './preview.ts';
import type { FetchLike } from './trigger-client.ts';

/**
 * The base's settings as the server holds them (`GET /api/v1/airtable/bases/{base_id}`, read with
 * the record-trigger key; never the token): the mapping that decides what is issued. Null when the
 * server cannot be asked (an older server, no answer): the caller falls back to its own picks.
 */
export async function fetchBaseSettings(
  config: Pick<ExtensionConfig, 'backendUrl' | 'clientId' | 'apiKey' | 'apiSecret'>,
  baseId: string,
  fetchImpl: FetchLike = (url, init) => fetch(url, init),
  timeoutMs = 10_000,
): Promise<AirtableBaseSettings | null> {
  try {
    const response = await fetchImpl(
      `${config.backendUrl}/api/v1/airtable/bases/${encodeURIComponent(baseId)}`,
      {
        method: 'GET',
        headers: {
          'X-Client-Id': config.clientId,
          'X-Api-Key': config.apiKey,
          'X-Api-Secret': config.apiSecret,
        },
        signal: AbortSignal.timeout(timeoutMs),
      },
    );
    if (response.status !== 200) return null;
    return serverSettingsOf(await response.json());
  } catch {
    return null;
  }
}
