import { deliverActionToAirtable, deliverNoticeToAirtable, deliverToAirtable } from '@faturador/airtable-web';
import {
  type ActionDeliverer,
  createIntegrations,
  type Deliverer,
  type NoticeDeliverer,
  type Runtime,
} from '@faturador/issuing';
import {
  deliverActionToSlack,
  deliverSlackProgress,
  deliverToSlack,
  slackTokens,
} from '@faturador/slack-web';
import { createSlackInstallationStore, type LedgerEntry } from '@faturador/store';
import type { WorkerEnv } from './env.ts';

/**
 * The deliverers this worker can run. Airtable bases carry their own token and API URL in their
 * settings; Slack needs the bot token of the workspace: its installation's (the bot's OAuth
 * mode), else SLACK_BOT_TOKEN.
 */
export interface Deliverers {
  deliverers: Partial<Record<'slack' | 'airtable', Deliverer>>;
  /**
   * An Airtable record shows "A emitir" while issuing, and a trigger's refusal; a Slack thread, that
   * the request is being retried (its "A emitir" is the bot's own parent message).
   */
  notices: Partial<Record<'slack' | 'airtable', NoticeDeliverer>>;
  /** What became of a document after issuing (a credit note, a receipt…), told where it came from. */
  actionDeliverers: Partial<Record<'slack' | 'airtable', ActionDeliverer>>;
}

export function buildDeliverers(env: WorkerEnv, runtime: Runtime): Deliverers {
  const {
    airtableSettings: settings,
    airtable,
    pdfLinks: links,
  } = createIntegrations(runtime, { publicUrl: env.PUBLIC_URL });
  // The ledger keeps no link (Moloni's expire): each delivery signs a fresh one to the API.
  const pdfUrl = (entry: LedgerEntry) =>
    entry.document?.status === 'final' ? links.url(entry.requestId, entry.document.moloni_document_id) : null;
  const deliverers: Partial<Record<'slack' | 'airtable', Deliverer>> = {
    airtable: (entry) => deliverToAirtable(entry, { settings, airtable, pdfUrl }),
  };
  const actionDeliverers: Deliverers['actionDeliverers'] = {
    airtable: (entry, action, history) =>
      deliverActionToAirtable(entry, action, history.related, { settings, airtable, pdfUrl }),
  };
  const notices: Deliverers['notices'] = {
    airtable: (target, notice) =>
      deliverNoticeToAirtable(target, notice.kind === 'issuing' ? { kind: 'issuing' } : notice, {
        settings,
        airtable,
      }),
  };
  // Always on: a workspace may install the app at any time, with or without SLACK_BOT_TOKEN.
  const tokenFor = slackTokens({
    installations: createSlackInstallationStore(runtime),
    fallback: env.SLACK_BOT_TOKEN,
  });
  const slack = {
    locale: env.SLACK_LOCALE,
    redis: runtime.redis,
    prefix: runtime.prefix,
    ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}),
  };
  deliverers.slack = async (entry) =>
    deliverToSlack(entry, { ...slack, token: await tokenFor(entry), pdfUrl: pdfUrl(entry) });
  actionDeliverers.slack = async (entry, action, history) =>
    deliverActionToSlack(entry, action, history, {
      ...slack,
      token: await tokenFor(entry),
      pdfUrl: (documentId) => links.url(entry.requestId, documentId),
    });
  notices.slack = async (_target, notice) => {
    if (notice.kind === 'issuing') {
      await deliverSlackProgress(notice.entry, { ...slack, token: await tokenFor(notice.entry) });
    }
  };
  return { deliverers, notices, actionDeliverers };
}
