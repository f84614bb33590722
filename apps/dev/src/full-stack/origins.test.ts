import { randomUUID } from 'node:crypto';
import {
  BOOKINGS_BASE_ID as BASE,
  BOOKINGS_PAT,
  booking,
  bookingSettings,
  bookingsBaseSeed,
  type FakeAirtable,
  startFakeAirtable,
  BOOKINGS_TABLE_ID as TABLE,
} from '@faturador/airtable-sandbox';
import { createAirtableBaseSettingsStore } from '@faturador/airtable-web';
import { newId, parseInvoiceRequest } from '@faturador/core';
import { enqueue } from '@faturador/jobs';
import { type FakeSlack, startFakeSlack } from '@faturador/slack-sandbox';
import { callSlack } from '@faturador/slack-web';
import { createApiClientStore, fingerprint, type LedgerEntry } from '@faturador/store';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import { buildDeliverers } from '@faturador/worker/deliverers';
import { loadEnv } from '@faturador/worker/env';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_SLACK_TEAM, SEED_BODY, type Stack, startStack } from '../stack.ts';

/**
 * Where a result goes is the server's decision: a body's `origin` never sends it into somebody
 * else's Slack thread or Airtable record, and delivery checks ownership again.
 */
const TOKEN = 'xoxb-origins-test-token';
const CHANNEL = 'C0VICTIM01';
const REC = 'recVictim00000001';

let stack: Stack;
let slack: FakeSlack;
let airtable: FakeAirtable;
/** A message the bot posted: what an attacker would aim at. */
let victimTs: string;

beforeAll(async () => {
  slack = await startFakeSlack({ token: TOKEN, teamId: FAKE_SLACK_TEAM });
  airtable = await startFakeAirtable({
    bases: [bookingsBaseSeed([booking(REC)])],
    tokens: { [BOOKINGS_PAT]: { bases: '*' } },
  });
  stack = await startStack({
    redisUrl: testRedisUrl(),
    prefix: randomPrefix(),
    deliverers: (runtime) =>
      buildDeliverers(
        loadEnv({
          ...stack.env,
          PUBLIC_URL: stack.url,
          SLACK_BOT_TOKEN: TOKEN,
          SLACK_API_URL: slack.apiUrl,
          LOG_LEVEL: 'silent',
        }),
        runtime,
      ),
    worker: false,
  });
  await stack.startWorker();
  const deps = {
    redis: stack.api.runtime.redis,
    prefix: stack.env.FATURADOR_PREFIX ?? '',
    secretBox: stack.api.runtime.secretBox,
  };
  // The victim's base belongs to another client.
  await createApiClientStore(deps).createClient({ client_id: 'bookings_ops', name: 'Bookings ops' });
  await createAirtableBaseSettingsStore(deps).save(
    bookingSettings({ api_url: airtable.apiUrl, client_id: 'bookings_ops' }),
  );
  const posted = await callSlack(
    'chat.postMessage',
    { channel: CHANNEL, text: '⏳ A emitir fatura…' },
    { token: TOKEN, apiUrl: slack.apiUrl },
  );
  victimTs = String(posted.ts);
});
afterAll(async () => {
  await stack?.close();
  await slack?.close();
  await airtable?.close();
});

const slackOrigin = (teamId: string = FAKE_SLACK_TEAM) => ({
  kind: 'slack',
  team_id: teamId,
  channel: CHANNEL,
  message_ts: victimTs,
});
const airtableOrigin = { kind: 'airtable', base_id: BASE, table_id: TABLE, record_id: REC };

function documentInserts(): number {
  return stack.sandbox.sandbox.stats.count('invoiceReceipts/insert');
}

async function issueJobs(): Promise<number> {
  const counts = await stack.api.runtime.queues.issue.getJobCounts();
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/** Nothing reached Slack but the test's own parent message, and Airtable saw no write. */
function untouched(): void {
  const victimCalls = slack.calls.filter((call) => call.args.channel === CHANNEL);
  expect(victimCalls.map((call) => call.method)).toEqual(['chat.postMessage']);
  expect(slack.messages.find((m) => m.ts === victimTs)?.history).toEqual([]);
  expect(airtable.calls.filter((call) => call.method !== 'GET')).toEqual([]);
}

async function until<T>(probe: () => Promise<T | null | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('an origin in the body', () => {
  it.each([
    ['a Slack thread, from an ordinary client', () => slackOrigin(), 'demo'],
    ['an Airtable record, from an ordinary client', airtableOrigin, 'demo'],
    ['an explicit api origin, from an ordinary client', { kind: 'api' }, 'demo'],
    ['a thread of another workspace, from the Slack bot', () => slackOrigin('T0OTHERTEAM'), 'bot'],
    [
      'a Slack thread without its workspace, from the Slack bot',
      () => ({ ...slackOrigin(), team_id: undefined }),
      'bot',
    ],
    ['an Airtable record, from the Slack bot', airtableOrigin, 'bot'],
  ] as const)('naming %s → 400 naming origin, no job, nothing sent anywhere', async (_, origin, who) => {
    const inserts = documentInserts();
    const jobs = await issueJobs();
    const headers = { 'idempotency-key': randomUUID(), ...(who === 'bot' ? stack.slackBotHeaders : {}) };
    const body = {
      ...SEED_BODY,
      reference: `ORIGIN-${randomUUID()}`,
      origin: typeof origin === 'function' ? origin() : origin,
    };
    const answer = await stack.post('/api/v1/invoices/', body, headers);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('VALIDATION_ERROR');
    expect(answer.body.error.details.issues.map((issue: { path: string }) => issue.path)).toEqual(['origin']);
    // Refused before anything was claimed: the same key with a clean body is a new request.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await issueJobs()).toBe(jobs);
    expect(documentInserts()).toBe(inserts);
    untouched();
  });

  it('from the Slack bot, for a thread of its own workspace, is delivered there', async () => {
    const parent = await callSlack(
      'chat.postMessage',
      { channel: 'C0BOTCHAN1', text: '⏳ A emitir fatura…' },
      { token: TOKEN, apiUrl: slack.apiUrl },
    );
    const origin = { ...slackOrigin(), channel: 'C0BOTCHAN1', message_ts: String(parent.ts) };
    const answer = await stack.post(
      '/api/v1/invoices/',
      { ...SEED_BODY, reference: 'ORIGIN-BOT-OWN', origin },
      { 'idempotency-key': randomUUID(), ...stack.slackBotHeaders },
    );
    expect(answer.status).toBe(201);
    const reply = await slack.waitFor(() => slack.thread('C0BOTCHAN1', String(parent.ts))[0]);
    expect(reply.text).toContain(answer.body.document.number);
  });
});

/** A request of `clientId` that reached the ledger with this origin, issued, and its deliver job. */
async function forgedEntry(clientId: string, origin: LedgerEntry['origin']): Promise<string> {
  const parsed = parseInvoiceRequest({ ...SEED_BODY, reference: `FORGED-${randomUUID()}` });
  if (!parsed.ok) throw parsed.error;
  const requestId = newId('req');
  const { runtime } = stack.api;
  await runtime.idempotency.claim({
    requestId,
    clientId,
    idempotencyKey: randomUUID(),
    fingerprint: fingerprint({ forged: requestId }),
    reference: parsed.value.reference,
    request: parsed.value,
    origin,
    connectionId: stack.connectionId,
  });
  const issuedAt = await runtime.ledger.markIssued(requestId, {
    type: 'invoice_receipt',
    status: 'final',
    moloni_document_id: 1,
    number: 'FR M/999',
    series: 'M',
    total_gross: 10,
    currency: 'EUR',
    pdf_url: null,
    created_at: new Date().toISOString(),
  });
  await enqueue(
    runtime.queues,
    'deliver',
    { requestId },
    { jobId: `${requestId}.deliver.${issuedAt.replace(/\D/g, '')}` },
  );
  return requestId;
}

describe('delivery checks ownership again', () => {
  it('refuses an Airtable record of a base set up for another client: nothing is patched', async () => {
    const before = airtable.bases.record(BASE, TABLE, REC);
    const requestId = await forgedEntry('airtable_ops_prod', {
      kind: 'airtable',
      base_id: BASE,
      table_id: TABLE,
      record_id: REC,
    });
    const entry = await until(async () => {
      const current = await stack.api.runtime.ledger.get(requestId);
      return current?.delivery.state === 'refused' ? current : null;
    });
    expect(entry.delivery.detail).toContain('not set up for client airtable_ops_prod');
    expect(airtable.calls.filter((call) => call.method !== 'GET')).toEqual([]);
    expect(airtable.bases.record(BASE, TABLE, REC)).toEqual(before);
  });

  it('refuses a Slack thread for a client without the capability: nothing is posted or edited', async () => {
    const requestId = await forgedEntry('airtable_ops_prod', {
      kind: 'slack',
      team_id: FAKE_SLACK_TEAM,
      channel: CHANNEL,
      message_ts: victimTs,
    });
    const entry = await until(async () => {
      const current = await stack.api.runtime.ledger.get(requestId);
      return current?.delivery.state === 'refused' ? current : null;
    });
    expect(entry.delivery.detail).toContain('not bound to Slack workspace');
    untouched();
  });

  it("refuses a thread of a workspace that is not the bot token's, even for a client bound to it", async () => {
    const deps = {
      redis: stack.api.runtime.redis,
      prefix: stack.env.FATURADOR_PREFIX ?? '',
      secretBox: stack.api.runtime.secretBox,
    };
    await createApiClientStore(deps).createClient({
      client_id: 'other_bot',
      name: 'Bot of another workspace',
      capabilities: ['slack:T0OTHERTEAM'],
    });
    const requestId = await forgedEntry('other_bot', {
      kind: 'slack',
      team_id: 'T0OTHERTEAM',
      channel: CHANNEL,
      message_ts: victimTs,
    });
    const entry = await until(async () => {
      const current = await stack.api.runtime.ledger.get(requestId);
      return current?.delivery.state === 'refused' ? current : null;
    });
    expect(entry.delivery.detail).toContain("not the bot's");
    untouched();
  });
});

describe('text that is not valid Unicode', () => {
  it.each([
    ['a lone high surrogate', 'customer.name', '{"name":"Eduardo \\ud800 Costa"}'],
    ['a lone low surrogate', 'customer.address', '{"name":"Eduardo","address":"Rua \\udc00"}'],
    ['a NUL character', 'customer.name', '{"name":"Eduardo\\u0000"}'],
  ])('%s → 400 naming the field, nothing claimed', async (_, path, customer) => {
    const key = randomUUID();
    const raw = `{"reference":"TXT-${key}","customer":${customer},"items":[{"product":"x","gross_price":10,"vat_rate":23}]}`;
    const answer = await stack.post('/api/v1/invoices/', raw, { 'idempotency-key': key });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details.issues).toEqual([
      { path, reason: expect.stringContaining('not valid text'), code: 'not_valid_text' },
    ]);
    const fixed = raw.replace(/\\u[0-9a-f]{4}/g, '');
    expect((await stack.post('/api/v1/invoices/', fixed, { 'idempotency-key': key })).status).toBe(201);
  });
});
