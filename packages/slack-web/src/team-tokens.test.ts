import { randomBytes } from 'node:crypto';
import { createSecretBox, DeliveryError, parseInvoiceRequest } from '@faturador/core';
import { type FakeSlack, startFakeSlack } from '@faturador/slack-sandbox';
import { createSlackInstallationStore, type LedgerEntry } from '@faturador/store';
import { randomPrefix, testRedis } from '@faturador/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverToSlack } from './deliver.ts';
import { slackTokens } from './team-tokens.ts';
import { callSlack } from './web-api.ts';

const APP = {
  clientId: '111.222',
  clientSecret: 'app-secret',
  redirectUrl: 'http://bot.test/slack/oauth_redirect',
};
const SINGLE_TOKEN = 'xoxb-single-token';
const CHANNEL = 'C0FATURAS';

let slack: FakeSlack;
beforeEach(async () => {
  slack = await startFakeSlack({ token: SINGLE_TOKEN, oauth: APP });
});
afterEach(async () => {
  await slack.close();
});

/** A workspace installs the app through the fake's OAuth pages; gives its bot token. */
async function install(teamId: string): Promise<string> {
  const authorize = new URL(slack.authorizeUrl);
  authorize.search = new URLSearchParams({
    client_id: APP.clientId,
    scope: 'chat:write',
    team: teamId,
  }).toString();
  const redirect = await fetch(authorize, { redirect: 'manual' });
  const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const answer = await callSlack(
    'oauth.v2.access',
    { code, client_id: APP.clientId, client_secret: APP.clientSecret },
    { token: '', apiUrl: slack.apiUrl },
  );
  return String(answer.access_token);
}

/** A final result whose thread is a parent posted in `teamId`'s workspace with `token`. */
async function issuedIn(teamId: string, token: string): Promise<LedgerEntry> {
  const parent = await callSlack(
    'chat.postMessage',
    { channel: CHANNEL, text: '⏳' },
    { token, apiUrl: slack.apiUrl },
  );
  const parsed = parseInvoiceRequest({
    reference: `SLACK-${CHANNEL}-${parent.ts}`,
    customer: { name: 'Cliente 509999999', vat_number: '509999999' },
    items: [{ product: 'mensalidade', gross_price: 10, vat_rate: 23 }],
  });
  if (!parsed.ok) throw parsed.error;
  const at = new Date().toISOString();
  return {
    requestId: `req_${randomBytes(8).toString('hex')}`,
    clientId: 'acme_bot',
    idempotencyKey: `slack:${teamId}:1.2.x`,
    fingerprint: 'f',
    reference: parsed.value.reference,
    request: parsed.value,
    origin: {
      kind: 'slack',
      channel: CHANNEL,
      message_ts: String(parent.ts),
      user_id: 'U0USER',
      team_id: teamId,
    },
    connectionId: 'con_1',
    state: 'issued',
    moloniDocumentId: 7,
    moloniWrite: 'none',
    referenceScopes: [],
    referenceReused: false,
    incident: null,
    document: {
      type: 'invoice_receipt',
      status: 'final',
      moloni_document_id: 7,
      number: 'FR M/7',
      series: 'M',
      total_gross: 10,
      currency: 'EUR',
      pdf_url: null,
      created_at: at,
    },
    error: null,
    httpStatus: 201,
    createdAt: at,
    updatedAt: at,
    issuedAt: at,
    delivery: { state: 'pending', detail: null },
  };
}

function installationsStore() {
  return createSlackInstallationStore({
    redis: testRedis(),
    prefix: randomPrefix(),
    secretBox: createSecretBox(randomBytes(32)),
  });
}

const saved = (teamId: string, botToken: string) => ({
  teamId,
  teamName: teamId,
  enterpriseId: null,
  enterpriseName: null,
  appId: 'A0FATURA',
  botId: null,
  botUserId: null,
  botScopes: ['chat:write'],
  installerUserId: 'U0OWNER',
  botToken,
});

describe('slackTokens: the worker reaches each workspace with its own token', () => {
  it('delivers into each installed workspace with its token, and elsewhere with SLACK_BOT_TOKEN', async () => {
    const installations = installationsStore();
    const tokens = { T0ACME001: await install('T0ACME001'), T0BETA002: await install('T0BETA002') };
    for (const [team, token] of Object.entries(tokens))
      await installations.saveInstallation(saved(team, token));
    const tokenFor = slackTokens({ installations, fallback: SINGLE_TOKEN });

    for (const [team, token] of [...Object.entries(tokens), [slack.teamId, SINGLE_TOKEN]] as const) {
      const entry = await issuedIn(team, token);
      expect(await tokenFor(entry)).toBe(token);
      await deliverToSlack(entry, { token: await tokenFor(entry), apiUrl: slack.apiUrl });
      const reply = slack.thread(CHANNEL, entry.origin.kind === 'slack' ? entry.origin.message_ts : '');
      expect(reply).toHaveLength(1);
      expect(reply[0]).toMatchObject({ team, text: expect.stringContaining('FR M/7') });
    }
    const updates = slack.callsTo('chat.update').map((call) => call.team);
    expect(updates).toEqual(['T0ACME001', 'T0BETA002', slack.teamId]);
  });

  it('has nothing to deliver with for a workspace with no installation and no SLACK_BOT_TOKEN, and refuses a token of another workspace', async () => {
    const installations = installationsStore();
    const acme = await install('T0ACME001');
    const entry = await issuedIn('T0ACME001', acme);
    // Not a refusal: the workspace may install the app later, and the result be redelivered.
    await expect(slackTokens({ installations })(entry)).rejects.toMatchObject({
      refused: false,
      undeliverable: true,
      retryable: false,
      message: expect.stringContaining('no Slack token for workspace T0ACME001'),
    });

    // A mix-up in the store (another workspace's token under this team) is caught by auth.test.
    await installations.saveInstallation(saved('T0ACME001', await install('T0BETA002')));
    const wrong = await slackTokens({ installations })(entry);
    const delivery = deliverToSlack(entry, { token: wrong, apiUrl: slack.apiUrl });
    await expect(delivery).rejects.toBeInstanceOf(DeliveryError);
    await expect(delivery).rejects.toMatchObject({ refused: true });
    expect(slack.thread(CHANNEL, entry.origin.kind === 'slack' ? entry.origin.message_ts : '')).toHaveLength(
      0,
    );
  });
});
