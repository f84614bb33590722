import { deliverToAirtable } from '@faturador/airtable-web';
import { createIntegrations, type Deliverer, type Runtime } from '@faturador/issuing';
import { deliverToSlack } from '@faturador/slack-web';
import type { LedgerEntry } from '@faturador/store';
import type { WorkerEnv } from './env.ts';

/**
 * The deliverers this worker can run. Airtable bases carry their own token and API URL in their
 * settings; Slack needs the bot token of the workspace (one workspace for now).
 */
export function buildDeliverers(
  env: WorkerEnv,
  runtime: Runtime,
): Partial<Record<'slack' | 'airtable', Deliverer>> {
  const {
    airtableSettings: settings,
    airtable,
    pdfLinks: links,
  } = createIntegrations(runtime, { publicUrl: env.PUBLIC_URL, pdfLinkTtlSeconds: env.PDF_LINK_TTL_SECONDS });
  // The ledger keeps no link (Moloni's expire): each delivery signs a fresh one to the API.
  const pdfUrl = (entry: LedgerEntry) =>
    entry.document?.status === 'final' ? links.url(entry.requestId) : null;
  const deliverers: Partial<Record<'slack' | 'airtable', Deliverer>> = {
    airtable: (entry) => deliverToAirtable(entry, { settings, airtable, pdfUrl }),
  };
  const token = env.SLACK_BOT_TOKEN;
  if (token) {
    deliverers.slack = (entry) =>
      deliverToSlack(entry, {
        token,
        locale: env.SLACK_LOCALE,
        redis: runtime.redis,
        prefix: runtime.prefix,
        pdfUrl: pdfUrl(entry),
        ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}),
      });
  }
  return deliverers;
}
