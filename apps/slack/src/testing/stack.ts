import { parseInvoiceRequest, type SerializedError } from '@faturador/core';
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from '@faturador/slack-sandbox';
import { deliverToSlack } from '@faturador/slack-web';
import type { LedgerEntry } from '@faturador/store';
import { pino } from 'pino';
import { createSlackApp, type SlackBot } from '../app.ts';
import type { SlackAppConfig } from '../env.ts';
import { type SendOptions, type SlashCommandInput, sendSigned, slashCommandBody } from '../slack-requests.ts';
import { type Accepted, FAKE_CLIENT, type FakeBilling, startFakeBilling } from './fake-billing.ts';

export const BOT_TOKEN = 'xoxb-test-bot-token';
export const SIGNING_SECRET = 'test-signing-secret-8f7e6d';
export const CHANNEL = 'C0FATURAS';
export const USER = 'U0OPS0001';

export interface SlackStack {
  slack: FakeSlack;
  billing: FakeBilling;
  bot: SlackBot;
  /** The bot's Slack endpoint (`/slack/events`). */
  url: string;
  config: SlackAppConfig;
  /** Sends a signed slash command as Slack would. */
  command(
    text: string,
    input?: Partial<SlashCommandInput>,
    options?: Partial<SendOptions>,
  ): Promise<Response>;
  /** Makes the fake billing API behave like the worker: accepted requests get delivered. */
  deliverAccepted(
    outcome?: (accepted: Accepted) => { state: 'issued' } | { state: 'failed'; error: SerializedError },
  ): void;
  close(): Promise<void>;
}

/** A ledger entry as the worker would hand it to deliverToSlack. */
export function ledgerEntryFor(
  accepted: Accepted,
  outcome: { state: 'issued' } | { state: 'failed'; error: SerializedError },
): LedgerEntry {
  const parsed = parseInvoiceRequest(accepted.body);
  if (!parsed.ok) throw parsed.error;
  if (!accepted.origin) throw new Error('the request has no Slack origin');
  const now = new Date().toISOString();
  const issued = outcome.state === 'issued';
  return {
    requestId: accepted.requestId,
    clientId: FAKE_CLIENT.clientId,
    idempotencyKey: accepted.idempotencyKey,
    fingerprint: 'test',
    reference: accepted.body.reference,
    request: parsed.value,
    origin: accepted.origin,
    connectionId: 'con_test',
    state: outcome.state,
    moloniDocumentId: issued ? 4242 : null,
    moloniWrite: 'none',
    referenceScopes: [],
    referenceReused: false,
    incident: null,
    document: issued
      ? {
          type: parsed.value.documentType,
          status: parsed.value.status,
          moloni_document_id: 4242,
          number: parsed.value.status === 'draft' ? null : 'FR M/77',
          series: 'M',
          total_gross: parsed.value.totalGrossCents / 100,
          currency: 'EUR',
          pdf_url: `http://billing.test/pdf/${accepted.requestId}`,
          created_at: now,
        }
      : null,
    error: outcome.state === 'failed' ? outcome.error : null,
    httpStatus: issued ? 201 : 422,
    createdAt: now,
    updatedAt: now,
    issuedAt: issued ? now : null,
    delivery: { state: 'pending', detail: null },
  };
}

export async function startSlackStack(
  overrides: Partial<SlackAppConfig> = {},
  /** The workspace the fake Slack plays: its conversations, the bot's scopes. */
  workspace: Omit<FakeSlackOptions, 'token'> = {},
): Promise<SlackStack> {
  const slack = await startFakeSlack({ ...workspace, token: BOT_TOKEN });
  const billing = await startFakeBilling();
  const config: SlackAppConfig = {
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    appToken: undefined,
    socketMode: false,
    slackApiUrl: slack.apiUrl,
    api: { url: billing.url, ...FAKE_CLIENT, signed: false },
    allowedChannels: [],
    allowedUsers: [],
    locale: 'pt',
    fiscalZone: 'PT',
    // The tests written before the preview expect `/fatura <text>` to issue at once; the preview's
    // own tests turn it on.
    preview: false,
    redis: undefined,
    port: 0,
    logLevel: 'silent',
    ...overrides,
  };
  const bot = createSlackApp(config, { logger: pino({ level: 'silent' }) });
  const { port } = await bot.start(0);
  const url = `http://127.0.0.1:${port}/slack/events`;
  return {
    slack,
    billing,
    bot,
    url,
    config,
    command: (text, input = {}, options = {}) =>
      sendSigned(
        url,
        slashCommandBody({
          text,
          channel: CHANNEL,
          user: USER,
          team: slack.teamId,
          responseUrl: slack.responseUrl(`cmd-${Date.now()}`),
          ...input,
        }),
        { signingSecret: SIGNING_SECRET, ...options },
      ),
    deliverAccepted(outcome = () => ({ state: 'issued' })) {
      billing.onAccepted(async (accepted) => {
        const entry = ledgerEntryFor(accepted, outcome(accepted));
        billing.settle(
          accepted.idempotencyKey,
          entry.httpStatus ?? 500,
          entry.error
            ? { success: false, request_id: entry.requestId, error: entry.error }
            : {
                success: true,
                request_id: entry.requestId,
                reference: entry.reference,
                document: entry.document,
              },
        );
        await deliverToSlack(entry, { token: BOT_TOKEN, apiUrl: slack.apiUrl });
      });
    },
    async close() {
      await bot.stop().catch(() => {});
      await billing.close();
      await slack.close();
    },
  };
}
