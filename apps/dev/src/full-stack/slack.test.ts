import { seedCustomer } from '@faturador/moloni-sandbox';
import { createSlackApp } from '@faturador/slack';
import { buttonOf, clickButton, clickRetry, retryButton, submitView } from '@faturador/slack/testing';
import type { FakeMessage } from '@faturador/slack-sandbox';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DevSlack } from '../slack/dev.ts';
import { type SlackFullStack, startSlackFullStack } from '../slack/full-stack.ts';
import { replaySlashCommand } from '../slack/replay-lib.ts';
import { documentsWithReference, type Stack } from '../stack.ts';

// The whole Slack path with nothing faked but Slack itself (see startSlackFullStack).
let full: SlackFullStack;
let stack: Stack;
let dev: DevSlack;
const CHANNEL = 'C0FULLSTACK';
const USER = 'U0OPSFULL1';

beforeAll(async () => {
  full = await startSlackFullStack({ redisUrl: testRedisUrl(), prefix: randomPrefix(), issueAttempts: 2 });
  ({ stack, dev } = full);
}, 60_000);
afterAll(async () => {
  await full?.close();
});
afterEach(() => {
  stack.sandbox.sandbox.faults.clear();
});

/** A signed `/fatura` to the bot (or to another bot on the same fake Slack), until its thread settles. */
function fatura(text: string, botUrl = dev.botUrl) {
  return replaySlashCommand({
    signingSecret: dev.signingSecret,
    botUrl,
    fakeSlackUrl: dev.fakeSlack.url,
    channel: CHANNEL,
    user: USER,
    team: dev.fakeSlack.teamId,
    timeoutMs: 20_000,
    pollMs: 25,
    text,
  });
}

const referenceOf = (parent: FakeMessage | null) => `SLACK-${CHANNEL}-${parent?.ts}`;

/** The sandbox's document of the request whose parent message this is. */
const documentOf = (parent: FakeMessage | null) =>
  [...stack.sandbox.sandbox.state.documents.values()].find((d) => d.our_reference === referenceOf(parent));

describe('/fatura through the real API, worker and Moloni sandbox', () => {
  it('issues once and answers in the thread with the number, total and a PDF that downloads', async () => {
    const outcome = await fatura('509999999 10.00 mensalidade TheInventors');
    expect(outcome.documentNumber).toMatch(/^FR M\/\d+$/);
    expect(outcome.parent?.text).toMatch(/^✅ FR M\/\d+ emitida — 10,00\s€/);
    expect(outcome.replies).toHaveLength(1);
    expect(documentsWithReference(stack, referenceOf(outcome.parent))).toBe(1);

    const blocks = JSON.stringify(outcome.replies[0]?.blocks);
    expect(blocks).toMatch(/10,00\s€/);
    const pdf = /"url":"([^"]+\/pdf\?[^"]+)"/.exec(blocks)?.[1];
    expect(pdf?.startsWith(`${stack.url}/api/v1/invoices/req_`)).toBe(true);
    const response = await fetch(pdf ?? '');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await response.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('a delivery Slack rate-limits is retried after Retry-After, once in the thread, never re-issued', async () => {
    const inserts = () => stack.sandbox.sandbox.stats.count('invoiceReceipts/insert');
    const before = inserts();
    const updatesBefore = dev.fakeSlack.callsTo('chat.update').length;
    // The worker's delivery posts the reply, then edits the parent: that edit is refused once.
    dev.fakeSlack.failNext('chat.update', 'ratelimited', { retryAfter: 1 });
    const outcome = await fatura('509999999 15,00 suporte');
    expect(outcome.documentNumber).toMatch(/^FR M\/\d+$/);
    expect(outcome.parent?.text).toMatch(/^✅/);
    const updates = dev.fakeSlack.callsTo('chat.update').slice(updatesBefore);
    expect(updates.map((call) => call.status)).toEqual([429, 200]);
    // The deliver job waited as Slack asked (Retry-After: 1), not its own short backoff.
    expect((updates[1]?.at ?? 0) - (updates[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(outcome.replies).toHaveLength(1);
    expect(inserts() - before).toBe(1);
    expect(documentsWithReference(stack, referenceOf(outcome.parent))).toBe(1);
  });

  it('explains a Moloni refusal in the thread, issuing nothing', async () => {
    // Two customers already share the NIF under other names: Moloni cannot tell which one.
    seedCustomer(stack.sandbox, { name: 'Ana Ambígua', vat: '500000000' });
    seedCustomer(stack.sandbox, { name: 'Bruno Ambíguo', vat: '500000000' });
    const outcome = await fatura('500000000 "Carla Certa" 12,30 consultoria');
    expect(outcome.documentNumber).toBeNull();
    expect(outcome.parent?.text.startsWith('❌')).toBe(true);
    const reply = JSON.stringify(outcome.replies[0]?.blocks);
    expect(reply).toContain('Há vários clientes no Moloni com este NIF');
    expect(reply).toContain('CUSTOMER_AMBIGUOUS');
    expect(documentsWithReference(stack, referenceOf(outcome.parent))).toBe(0);
  });

  it('leaves a draft in Moloni with estado=rascunho, and says it has no number yet', async () => {
    const outcome = await fatura('509999999 30 proposta estado=rascunho tipo=ft');
    expect(outcome.parent?.text).toMatch(/^✅/);
    expect(outcome.documentNumber).toBeNull();
    expect(JSON.stringify(outcome.replies[0]?.blocks)).toContain('Rascunho criado');
    const document = documentOf(outcome.parent);
    expect(document).toMatchObject({ status: 0, number: -1 });
  });

  it('issues a VAT-exempt line with its reason', async () => {
    const outcome = await fatura('509999999 50 formação iva=0 isencao=M07');
    expect(outcome.documentNumber).toMatch(/^FR M\/\d+$/);
    const document = documentOf(outcome.parent);
    expect(document?.lines[0]).toMatchObject({ exemption_reason: 'M07', taxes: [] });
    expect(outcome.parent?.text).toMatch(/50,00\s€/);
  });

  it('an existing Moloni customer given by NIF alone is named in the thread as Moloni holds it', async () => {
    seedCustomer(stack.sandbox, { name: 'Farmácia Central, Lda', vat: '508332010' });
    const outcome = await fatura('508332010 9,00 consultoria');
    expect(outcome.documentNumber).toMatch(/^FR M\/\d+$/);
    expect(JSON.stringify(outcome.replies[0]?.blocks)).toContain('Farmácia Central, Lda');
    expect(outcome.parent?.text).toContain('Farmácia Central, Lda');
    expect(outcome.parent?.text).not.toContain('Cliente 508332010');
  });

  it('a bot set for Madeira issues at its rates', async () => {
    const madeira = createSlackApp(
      { ...dev.config, fiscalZone: 'PT-MA' },
      { logger: pino({ level: 'silent' }) },
    );
    const { port } = await madeira.start(0);
    try {
      const outcome = await fatura('509999999 12,20 consultoria', `http://127.0.0.1:${port}/slack/events`);
      expect(outcome.documentNumber).toMatch(/^FR M\/\d+$/);
      const { state } = stack.sandbox.sandbox;
      const document = documentOf(outcome.parent);
      const tax = state.taxes.get(document?.lines[0]?.taxes[0]?.tax_id ?? -1);
      expect(tax).toMatchObject({ value: 22, fiscal_zone: 'PT-MA' });
    } finally {
      await madeira.stop();
    }
  });

  it('while Moloni does not answer, one interim line in the thread says so, then becomes the result', async () => {
    const { faults } = stack.sandbox.sandbox;
    faults.add({ kind: 'status', status: 503, endpoint: 'invoiceReceipts/insert', times: 1 });
    // The second attempt is slow, so the interim line is surely there before the result.
    faults.add({ kind: 'latency', ms: 1_500, endpoint: 'invoiceReceipts/insert', skip: 1, times: 1 });
    const outcome = await fatura('509999999 17,00 manutenção');
    expect(outcome.documentNumber).toMatch(/^FR M\/\d+$/);
    expect(outcome.replies).toHaveLength(1);
    const [reply] = outcome.replies as FakeMessage[];
    // One message, edited in place: first the interim line, then the result.
    expect(reply?.history.map((version) => version.text)).toEqual([
      '⏳ o Moloni não responde, nova tentativa (2/2)',
    ]);
    expect(reply?.text).toMatch(/^✅ Fatura emitida: FR M\/\d+/);
    const posts = dev.fakeSlack
      .callsTo('chat.postMessage')
      .filter((call) => call.args.thread_ts === outcome.parent?.ts);
    expect(posts).toHaveLength(1);
    expect(documentsWithReference(stack, referenceOf(outcome.parent))).toBe(1);
  });

  it('after Moloni was down, "Tentar novamente" issues with the same key, once', async () => {
    stack.sandbox.sandbox.faults.add({ kind: 'status', status: 503, endpoint: 'invoiceReceipts/insert' });
    const failed = await fatura('509999999 20,00 formação');
    expect(failed.parent?.text.startsWith('❌')).toBe(true);
    const reply = failed.replies[0] as FakeMessage;
    expect(JSON.stringify(reply.blocks)).toContain('O Moloni está indisponível');
    expect(retryButton(reply)).toBeDefined();
    const reference = referenceOf(failed.parent);
    expect(documentsWithReference(stack, reference)).toBe(0);

    stack.sandbox.sandbox.faults.clear();
    const click = await clickRetry(reply, {
      url: dev.botUrl,
      signingSecret: dev.signingSecret,
      teamId: dev.fakeSlack.teamId,
      user: USER,
      responseUrl: dev.fakeSlack.responseUrl('full-stack-retry'),
    });
    expect(click.status).toBe(200);
    const parent = failed.parent as FakeMessage;
    const issued = await dev.fakeSlack.waitFor(
      () => dev.fakeSlack.thread(CHANNEL, parent.ts).find((m) => /FR M\/\d+/.test(m.text)),
      20_000,
    );
    expect(issued.text).toMatch(/20,00\s€/);
    await dev.fakeSlack.waitFor(() =>
      dev.fakeSlack.messages.find((m) => m.ts === parent.ts && m.text.startsWith('✅')),
    );
    expect(documentsWithReference(stack, reference)).toBe(1);
    // The retry replayed the first request's Idempotency-Key: that same request is now issued.
    const ledger = await stack.get(
      `/api/v1/invoices/${/req_[0-9a-f]+/.exec(JSON.stringify(reply.blocks))?.[0]}`,
      stack.slackBotHeaders,
    );
    expect(ledger.body).toMatchObject({
      state: 'issued',
      document: { number: expect.stringMatching(/^FR M\//) },
    });
  });
});

describe('after issuing, from the thread', () => {
  let clicks = 0;
  const click = (message: FakeMessage, actionId: string) =>
    clickButton(message, actionId, {
      url: dev.botUrl,
      signingSecret: dev.signingSecret,
      teamId: dev.fakeSlack.teamId,
      user: USER,
      responseUrl: dev.fakeSlack.responseUrl(`life-${++clicks}`),
      triggerId: dev.fakeSlack.triggerId(),
    });
  const submit = (view: Parameters<typeof submitView>[0], fields: Record<string, string>) =>
    submitView(view, fields, {
      url: dev.botUrl,
      signingSecret: dev.signingSecret,
      teamId: dev.fakeSlack.teamId,
      user: USER,
    });
  async function openForm(message: FakeMessage, actionId: string) {
    const before = dev.fakeSlack.views.length;
    expect((await click(message, actionId)).status).toBe(200);
    return dev.fakeSlack.waitFor(() => dev.fakeSlack.views[before], 10_000);
  }
  const parentNow = (ts: string | undefined) =>
    dev.fakeSlack.messages.find((message) => message.channel === CHANNEL && message.ts === ts);
  const threadWith = (parent: FakeMessage | null, text: string) =>
    dev.fakeSlack.waitFor(
      () => dev.fakeSlack.thread(CHANNEL, parent?.ts ?? '').find((m) => m.text.includes(text)),
      15_000,
    );

  it('Anular: one credit note, told in the thread with who asked, and the parent says so; the same form again does nothing', async () => {
    const outcome = await fatura('509999999 12.00 anular depois');
    const reply = outcome.replies[0];
    if (!reply) throw new Error('no reply');
    const form = await openForm(reply, 'doc_credit');
    expect((await submit(form, { credit_reason: 'NIF errado' })).status).toBe(200);
    const told = await threadWith(outcome.parent, 'Nota de crédito emitida');
    expect(told.text).toMatch(/NC M\/\d+ · 12,00\s€/);
    expect(JSON.stringify(told.blocks)).toContain(`<@${USER}>`);
    await dev.fakeSlack.waitFor(() => parentNow(outcome.parent?.ts)?.text.includes('anulada por NC'), 10_000);
    expect(documentsWithReference(stack, `${referenceOf(outcome.parent)}/NC1`)).toBe(1);
    // Slack delivers the same submission again (a retry): one credit note, one reply.
    expect((await submit(form, { credit_reason: 'NIF errado' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const credits = dev.fakeSlack
      .thread(CHANNEL, outcome.parent?.ts ?? '')
      .filter((m) => m.text.includes('Nota de crédito'));
    expect(credits).toHaveLength(1);
    expect(documentsWithReference(stack, `${referenceOf(outcome.parent)}/NC2`)).toBe(0);
  });

  it('Anular when Moloni commits the credit note and the answer is lost: one NC, one reply in the thread', async () => {
    const outcome = await fatura('509999999 7.00 anular com falha');
    const reply = outcome.replies[0];
    if (!reply) throw new Error('no reply');
    stack.sandbox.sandbox.faults.add({ kind: 'commitThenDrop', endpoint: 'creditNotes/insert', times: 1 });
    const inserts = stack.sandbox.sandbox.stats.count('creditNotes/insert');
    const form = await openForm(reply, 'doc_credit');
    expect((await submit(form, { credit_reason: 'Duplicado' })).status).toBe(200);
    await threadWith(outcome.parent, 'Nota de crédito emitida');
    await dev.fakeSlack.waitFor(() => parentNow(outcome.parent?.ts)?.text.includes('anulada por NC'), 10_000);
    // The lost answer made the job look again by reference: the credit note was adopted, not re-sent.
    expect(stack.sandbox.sandbox.stats.count('creditNotes/insert') - inserts).toBe(1);
    expect(documentsWithReference(stack, `${referenceOf(outcome.parent)}/NC1`)).toBe(1);
    const credits = dev.fakeSlack
      .thread(CHANNEL, outcome.parent?.ts ?? '')
      .filter((m) => m.text.includes('Nota de crédito'));
    expect(credits).toHaveLength(1);
  });

  it('Finalizar on a draft: the thread gets the number, the parent too', async () => {
    const outcome = await fatura('509999999 8.00 rascunho estado=rascunho');
    const reply = outcome.replies[0];
    if (!reply) throw new Error('no reply');
    const form = await openForm(reply, 'doc_finalize');
    expect((await submit(form, {})).status).toBe(200);
    const told = await threadWith(outcome.parent, 'Fatura emitida');
    expect(JSON.stringify(told.blocks)).toMatch(/FR M\/\d+/);
    await dev.fakeSlack.waitFor(
      () => /^✅ FR M\/\d+ emitida/.test(parentNow(outcome.parent?.ts)?.text ?? ''),
      10_000,
    );
  });

  it('a credit note asked from elsewhere (the API) is told in the thread too; a refusal reaches only the clicker', async () => {
    const outcome = await fatura('509999999 5.00 anular pela api');
    const reply = outcome.replies[0];
    if (!reply) throw new Error('no reply');
    const requestId = JSON.parse(buttonOf(reply, 'doc_credit')?.value ?? '{}').r as string;
    const response = await fetch(`${stack.url}/api/v1/invoices/${requestId}/credit-notes`, {
      method: 'POST',
      headers: {
        ...stack.slackBotHeaders,
        'content-type': 'application/json',
        'idempotency-key': `api-${requestId}`,
      },
      body: JSON.stringify({ reason: 'Cancelado pelo sistema' }),
    });
    expect(response.status).toBe(201);
    const told = await threadWith(outcome.parent, 'Nota de crédito emitida');
    expect(JSON.stringify(told.blocks)).toContain('Pedido por API');
    // Everything is credited: Anular again is refused, and only the clicker hears why.
    const form = await openForm(reply, 'doc_credit');
    const ephemerals = dev.fakeSlack.ephemerals.length;
    expect((await submit(form, { credit_reason: 'outra vez' })).status).toBe(200);
    const refusal = await dev.fakeSlack.waitFor(() => dev.fakeSlack.ephemerals[ephemerals], 10_000);
    expect(refusal.user).toBe(USER);
    expect(refusal.text).toContain('❌');
    expect(documentsWithReference(stack, `${referenceOf(outcome.parent)}/NC2`)).toBe(0);
  });
});
