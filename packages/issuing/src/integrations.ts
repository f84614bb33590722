import {
  type AirtableBaseSettingsStore,
  type AirtableClientFactory,
  createAirtableBaseSettingsStore,
  createAirtableClientFactory,
  createRedisRateLimiter,
} from '@faturador/airtable-web';
import { createPdfLinkSigner, type PdfLinkSigner } from './pdf-links.ts';
import type { Runtime } from './runtime.ts';

/** Where callers reach the API when PUBLIC_URL is not set (the API's and the worker's default). */
export const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:8787';

/** 127.0.0.0/8, ::1 and localhost: a process bound or connected there runs on one machine only. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/**
 * PUBLIC_URL may be left out only on one machine: every PDF link written to a Slack thread or an
 * Airtable record would otherwise point at 127.0.0.1, which nobody else can open.
 */
export function publicUrlProblem(publicUrl: string | undefined, deployedOn: string | null): string | null {
  if (publicUrl || deployedOn === null) return null;
  return `is required outside loopback (${deployedOn}): it is how people reach the API — PDF links in Slack threads and Airtable records point there (e.g. https://faturas.example.pt)`;
}

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
  options: { publicUrl: string },
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
      masterKey: runtime.masterKey,
      redis: runtime.redis,
      prefix: runtime.prefix,
    }),
  };
}
