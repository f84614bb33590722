import { randomUUID } from 'node:crypto';
import {
  BOOKINGS_BASE_ID as BASE,
  BOOKINGS_PAT,
  booking,
  bookingSettings,
  bookingsBaseSeed,
  BOOKING_FIELDS as F,
  type FakeAirtable,
  startFakeAirtable,
  BOOKINGS_TABLE_ID as TABLE,
} from '@faturador/airtable-sandbox';
import { createAirtableBaseSettingsStore } from '@faturador/airtable-web';
import {
  DEFAULT_ACCOUNT,
  type RunningInvoiceXpressSandbox,
  startInvoiceXpressSandbox,
} from '@faturador/invoicexpress-sandbox';
import { createApiClientStore, createConnectionStore } from '@faturador/store';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackFullStack, startSlackFullStack } from '../slack/full-stack.ts';
import { replaySlashCommand } from '../slack/replay-lib.ts';

// Slack and Airtable in front of an InvoiceXpress account: the bot's and the base's clients are
// linked to an InvoiceXpress connection, and everything else is what the Moloni tests run.
let full: SlackFullStack;
let ix: RunningInvoiceXpressSandbox;
let airtable: FakeAirtable;
const CHANNEL = 'C0IXFULL';
const CLIENT = 'bookings_ix';
let triggerHeaders: Record<string, string>;

beforeAll(async () => {
  full = await startSlackFullStack({ redisUrl: testRedisUrl(), prefix: randomPrefix(), issueAttempts: 2 });
  ix = await startInvoiceXpressSandbox();
  const { runtime } = full.stack.api;
  const deps = { redis: runtime.redis, prefix: runtime.prefix, secretBox: runtime.secretBox };
  const connection = await createConnectionStore(deps).createConnection({
    provider: 'invoicexpress',
    name: 'InvoiceXpress',
    account: DEFAULT_ACCOUNT.name,
    api_key: DEFAULT_ACCOUNT.apiKey,
    base_url: ix.baseUrlTemplate,
  });
  const clients = createApiClientStore(deps);
  // The Slack bot's own client now bills through InvoiceXpress.
  await clients.setMoloniConnection(full.stack.slackBot.clientId, connection.connection_id);
  await clients.createClient({
    client_id: CLIENT,
    name: 'Bookings',
    connection_id: connection.connection_id,
  });
  const key = await clients.createKey(CLIENT, { scopes: ['record-triggers:write'] });
  triggerHeaders = { 'x-client-id': CLIENT, 'x-api-key': key.key.key_id, 'x-api-secret': key.secret };
  airtable = await startFakeAirtable({
    bases: [bookingsBaseSeed([booking('recIxBooking00001'), booking('recIxBooking00002')])],
    tokens: { [BOOKINGS_PAT]: { bases: [BASE] } },
    rateLimit: { requestsPerSecond: 1000 },
  });
  await createAirtableBaseSettingsStore(deps).save(
    bookingSettings({ api_url: airtable.apiUrl, client_id: CLIENT }),
  );
}, 60_000);
afterAll(async () => {
  await full?.close();
  await ix?.close();
  await airtable?.close();
});

const documents = () => [...(ix.sandbox.state.accounts.get(DEFAULT_ACCOUNT.name)?.documents.values() ?? [])];

describe('Slack and Airtable on InvoiceXpress', () => {
  it('/fatura issues in InvoiceXpress once and answers in the thread with its number', async () => {
    const { dev } = full;
    const outcome = await replaySlashCommand({
      signingSecret: dev.signingSecret,
      botUrl: dev.botUrl,
      fakeSlackUrl: dev.fakeSlack.url,
      channel: CHANNEL,
      user: 'U0IXUSER1',
      team: dev.fakeSlack.teamId,
      timeoutMs: 20_000,
      pollMs: 25,
      text: '509999999 12.00 consultoria',
    });
    expect(outcome.documentNumber).toMatch(/^FR \S+\/\d+$/);
    expect(outcome.documentNumber).not.toMatch(/^FR M\//);
    const reference = `SLACK-${CHANNEL}-${outcome.parent?.ts}`;
    expect(documents().filter((d) => d.reference === reference)).toHaveLength(1);
    // Nothing went to the Moloni sandbox.
    expect(
      [...full.stack.sandbox.sandbox.state.documents.values()].filter((d) => d.our_reference === reference),
    ).toHaveLength(0);
  });

  it('a record trigger issues the booking in InvoiceXpress and writes its number back to the record', async () => {
    const response = await fetch(`${full.stack.url}/api/v1/record-triggers/airtable?wait=sync`, {
      method: 'POST',
      headers: { ...triggerHeaders, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ base_id: BASE, table_id: TABLE, record_id: 'recIxBooking00001' }),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { document: { number: string } };
    expect(body.document.number).toMatch(/^FR \S+\/\d+$/);
    const deadline = Date.now() + 10_000;
    let fields = airtable.bases.record(BASE, TABLE, 'recIxBooking00001');
    while (fields[F.status] !== 'Emitido' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      fields = airtable.bases.record(BASE, TABLE, 'recIxBooking00001');
    }
    expect(fields[F.number]).toBe(body.document.number);
    expect(documents().filter((d) => d.reference === 'AT-recIxBooking00001')).toHaveLength(1);
  });

  it("FaturaSync's booking draft (seed 003): an FT left as a draft, net of the channel's commission, the stay in its description", async () => {
    const { runtime } = full.stack.api;
    const settings = createAirtableBaseSettingsStore({
      redis: runtime.redis,
      prefix: runtime.prefix,
      secretBox: runtime.secretBox,
    });
    await settings.save({
      ...bookingSettings({ api_url: airtable.apiUrl, client_id: CLIENT }),
      default_document_type: 'invoice',
      document_status: 'draft',
      amount_mode: 'net_of_commission',
    });
    const response = await fetch(`${full.stack.url}/api/v1/record-triggers/airtable?wait=sync`, {
      method: 'POST',
      headers: { ...triggerHeaders, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ base_id: BASE, table_id: TABLE, record_id: 'recIxBooking00002' }),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as {
      document: { type: string; status: string; number: string | null };
    };
    expect(body.document).toMatchObject({ type: 'invoice', status: 'draft', number: null });
    const [draft] = documents().filter((d) => d.reference === 'AT-recIxBooking00002');
    expect(draft).toMatchObject({ kind: 'Invoice', status: 'draft' });
    expect(draft?.lines[0]?.description).toMatch(/^Estadia de /);
    const fields = airtable.bases.record(BASE, TABLE, 'recIxBooking00002');
    const gross = Number(fields[F.gross]);
    const commission = Number(fields[F.commission] ?? 0);
    const total = (draft?.lines ?? []).reduce(
      (sum, line) => sum + line.quantity * line.unit_price * (1 + line.tax.value / 100),
      0,
    );
    expect(Math.round(total * 100)).toBe(Math.round((gross - commission) * 100));
    // A booking already invoiced is flagged, not issued again.
    const again = await fetch(`${full.stack.url}/api/v1/record-triggers/airtable?wait=sync`, {
      method: 'POST',
      headers: { ...triggerHeaders, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ base_id: BASE, table_id: TABLE, record_id: 'recIxBooking00002' }),
    });
    expect(again.status).toBeLessThan(500);
    expect(documents().filter((d) => d.reference === 'AT-recIxBooking00002')).toHaveLength(1);
  });
});
