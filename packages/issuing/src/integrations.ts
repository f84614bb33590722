import {
  type AirtableBaseSettingsStore,
  type AirtableClientFactory,
  createAirtableBaseSettingsStore,
  createAirtableClientFactory,
  createRedisRateLimiter,
} from '@faturador/airtable-web';
import { createPdfLinkSigner, derivePdfLinkKey, type PdfLinkSigner } from './pdf-links.ts';
import type { Runtime } from './runtime.ts';

/** Where callers reach the API when PUBLIC_URL is not set (the API's and the worker's default). */
export const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:8787';

/** What the API and the worker both talk to besides Moloni, built the same way in each. */
export interface Integrations {
  airtableSettings: AirtableBaseSettingsStore;
  /** One limiter in Redis: the API and the workers together keep to 5 requests/s per base. */
  airtable: AirtableClientFactory;
  /** Signed links to the API's PDF route, for answers, threads and records. */
  pdfLinks: PdfLinkSigner;
}

export function createIntegrations(
  runtime: Pick<Runtime, 'redis' | 'prefix' | 'secretBox' | 'masterKey'>,
  options: { publicUrl: string; pdfLinkTtlSeconds: number },
): Integrations {
  const airtableSettings = createAirtableBaseSettingsStore({
    redis: runtime.redis,
    prefix: runtime.prefix,
    secretBox: runtime.secretBox,
  });
  return {
    airtableSettings,
    airtable: createAirtableClientFactory({
      settings: airtableSettings,
      limiter: createRedisRateLimiter({ redis: runtime.redis, prefix: runtime.prefix }),
    }),
    pdfLinks: createPdfLinkSigner({
      publicUrl: options.publicUrl,
      key: derivePdfLinkKey(runtime.masterKey),
      ttlSeconds: options.pdfLinkTtlSeconds,
    }),
  };
}
