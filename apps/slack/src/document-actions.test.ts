import { explainError, lisbonDate } from '@faturador/core';
import type { FakeMessage, FakeView } from '@faturador/slack-sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { buttonOf, clickButton } from './testing/clicks.ts';
import { invoiceStatus, type KnownInvoice } from './testing/fake-billing.ts';
import { CHANNEL, SIGNING_SECRET, type SlackStack, startSlackStack, USER } from './testing/stack.ts';
import { submitView } from './testing/views.ts';

let stack: SlackStack;
afterEach(async () => {
  await stack?.close();
});

interface Issued {
  parent: FakeMessage;
  reply: FakeMessage;
  requestId: string;
}

/** Issues through /fatura with the fake worker delivering, and returns the thread reply. */
async function issue(text = '509999999 10 mensalidade'): Promise<Issued> {
  stack.deliverAccepted();
  await stack.command(text);
  const parent = await stack.slack.waitFor(() =>
    stack.slack.messages.find((m) => m.channel === CHANNEL && !m.thread_ts && m.text.startsWith('✅')),
  );
  const reply = await stack.slack.waitFor(() => stack.slack.thread(CHANNEL, parent.ts)[0]);
  return { parent, reply, requestId: requestIdOf(reply) };
}

function requestIdOf(reply: FakeMessage): string {
  for (const id of ['doc_credit', 'doc_finalize']) {
    const value = buttonOf(reply, id)?.value;
    if (value) return (JSON.parse(value) as { r: string }).r;
  }
  throw new Error('no lifecycle button');
}

const actionIds = (message: FakeMessage) =>
  (message.blocks ?? [])
    .filter((b) => (b as { type: string }).type === 'actions')
    .flatMap((b) => (b as { elements: Array<{ action_id: string }> }).elements.map((e) => e.action_id));

let clicks = 0;
function click(message: FakeMessage, actionId: string, options: { user?: string; value?: string } = {}) {
  return clickButton(message, actionId, {
    url: stack.url,
    signingSecret: SIGNING_SECRET,
    teamId: stack.slack.teamId,
    user: options.user ?? USER,
    responseUrl: stack.slack.responseUrl(`click-${++clicks}`),
    triggerId: stack.slack.triggerId(),
    ...(options.value ? { value: options.value } : {}),
  });
}

const submit = (view: FakeView, fields: Record<string, string> = {}) =>
  submitView(view, fields, {
    url: stack.url,
    signingSecret: SIGNING_SECRET,
    teamId: stack.slack.teamId,
    user: USER,
  });

/** Clicks `actionId` under the reply of a document GET describes as `invoice`, and gets the form. */
async function openForm(
  issued: Issued,
  actionId: string,
  invoice: Omit<KnownInvoice, 'status'> & {
    document?: Parameters<typeof invoiceStatus>[1];
    related?: Parameters<typeof invoiceStatus>[2];
  } = {},
): Promise<FakeView> {
  stack.billing.know({
    status: invoiceStatus(issued.requestId, invoice.document, invoice.related),
    ...(invoice.customerEmail ? { customerEmail: invoice.customerEmail } : {}),
  });
  const before = stack.slack.views.length;
  expect((await click(issued.reply, actionId)).status).toBe(200);
  return stack.slack.waitFor(() => stack.slack.views[before]);
}

interface Block {
  type: string;
  block_id?: string;
  text?: { text: string };
  element?: {
    type: string;
    initial_value?: string;
    initial_date?: string;
    initial_option?: { value: string };
    options?: Array<{ value: string; text: { text: string } }>;
  };
}
const blocksOf = (view: FakeView) => view.view.blocks as Block[];
const blockOf = (view: FakeView, id: string) => blocksOf(view).find((b) => b.block_id === id);
const ephemeralsTo = (user: string) => stack.slack.ephemerals.filter((e) => e.user === user);

describe('the buttons under an issued document', () => {
  it('a final FR: PDF, Anular, Enviar por e-mail; an FT adds Registar pagamento; a draft: Finalizar', async () => {
    stack = await startSlackStack();
    expect(actionIds((await issue()).reply)).toEqual(['fatura_pdf', 'doc_credit', 'doc_email']);
    await stack.close();
    stack = await startSlackStack();
    expect(actionIds((await issue('509999999 10 mensalidade tipo=ft')).reply)).toEqual([
      'fatura_pdf',
      'doc_credit',
      'doc_receipt',
      'doc_email',
    ]);
    await stack.close();
    stack = await startSlackStack();
    const draft = actionIds((await issue('509999999 10 mensalidade estado=rascunho')).reply);
    expect(draft).toContain('doc_finalize');
    expect(draft).not.toContain('doc_credit');
  });
});

describe('Anular', () => {
  it('opens a form for the request clicked, remembering the thread, with what GET told', async () => {
    stack = await startSlackStack();
    const issued = await issue();
    const view = await openForm(issued, 'doc_credit', { related: { credited_amount: 2 } });
    expect(stack.billing.lookups).toEqual([issued.requestId]);
    expect(view.view.callback_id).toBe('doc_credit_modal');
    expect(JSON.parse(String(view.view.private_metadata))).toEqual({
      requestId: issued.requestId,
      channel: CHANNEL,
      threadTs: issued.parent.ts,
    });
    expect(JSON.stringify(view.view.blocks)).toContain('Fatura-recibo FR M/77');
    expect(JSON.stringify(view.view.blocks)).toContain('já anulado 2,00');
    expect(blockOf(view, 'credit_reason')?.element?.type).toBe('plain_text_input');
    expect(blockOf(view, 'credit_lines')).toMatchObject({ optional: true });
  });

  it('sends the reason and the lines with a key from the view, once even if submitted twice', async () => {
    stack = await startSlackStack();
    const issued = await issue();
    const view = await openForm(issued, 'doc_credit');
    const fields = { credit_reason: ' Erro no NIF do cliente ', credit_lines: '3, 1 1' };
    const first = await submit(view, fields);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('');
    expect((await submit(view, fields)).status).toBe(200);
    expect(stack.billing.actions).toEqual([
      {
        requestId: issued.requestId,
        action: 'credit_note',
        idempotencyKey: `slack-view:${view.id}`,
        body: { reason: 'Erro no NIF do cliente', items: [{ line: 1 }, { line: 3 }] },
        replayed: false,
      },
    ]);
    // Only the clicker is told; the thread waits for the worker's own message.
    const told = await stack.slack.waitFor(() => ephemeralsTo(USER)[0]);
    expect(told.text).toMatch(/^⏳ A anular/);
    expect(stack.slack.callsTo('chat.postEphemeral')[0]?.args).toMatchObject({
      channel: CHANNEL,
      thread_ts: issued.parent.ts,
    });
    expect(stack.slack.thread(CHANNEL, issued.parent.ts)).toHaveLength(1);
  });

  it('no lines = everything; an empty reason or bad lines stay on the form and send nothing', async () => {
    stack = await startSlackStack();
    const issued = await issue();
    const view = await openForm(issued, 'doc_credit');
    const empty = await submit(view, { credit_reason: '   ', credit_lines: '1, dois' });
    expect(await empty.json()).toEqual({
      response_action: 'errors',
      errors: {
        credit_reason: 'Obrigatório.',
        credit_lines: 'Use números de linha a partir de 1, separados por vírgulas (ex.: 1, 3).',
      },
    });
    expect(stack.billing.actions).toHaveLength(0);
    await submit(view, { credit_reason: 'Devolução' });
    expect(stack.billing.actions[0]?.body).toEqual({ reason: 'Devolução' });
  });

  it('a 409 refusal reaches the clicker alone, in Portuguese', async () => {
    stack = await startSlackStack();
    const issued = await issue();
    const view = await openForm(issued, 'doc_credit');
    stack.billing.scriptAction({
      kind: 'error',
      code: 'CREDIT_EXCEEDS_REMAINING',
      status: 409,
      message: 'More than what remains uncredited was asked.',
    });
    expect(await (await submit(view, { credit_reason: 'Erro' })).text()).toBe('');
    const told = await stack.slack.waitFor(() => ephemeralsTo(USER)[0]);
    const words = explainError('CREDIT_EXCEEDS_REMAINING', 'pt');
    expect(told.text).toBe(`❌ ${words.title}\n*O que fazer:* ${words.action}`);
    expect(told.text).not.toContain('uncredited');
    expect(ephemeralsTo(USER)).toHaveLength(1);
    expect(stack.slack.thread(CHANNEL, issued.parent.ts)).toHaveLength(1);
  });
});

describe('Registar pagamento', () => {
  it('opens with the open amount, Numerário and today; sends what the form holds', async () => {
    stack = await startSlackStack();
    const issued = await issue('509999999 10 mensalidade tipo=ft');
    const view = await openForm(issued, 'doc_receipt', {
      document: { type: 'invoice', number: 'FT M/7' },
      related: { open_amount: 6 },
    });
    expect(blockOf(view, 'receipt_amount')?.element?.initial_value).toBe('6,00');
    expect(blockOf(view, 'receipt_method')?.element?.initial_option?.value).toBe('Numerário');
    expect(blockOf(view, 'receipt_date')?.element).toMatchObject({
      type: 'datepicker',
      initial_date: lisbonDate(Date.now()),
    });
    expect(JSON.stringify(view.view.blocks)).toContain('em dívida 6,00');
    await submit(view);
    expect(stack.billing.actions[0]).toMatchObject({
      action: 'receipt',
      idempotencyKey: `slack-view:${view.id}`,
      body: { amount: 6, payment_method: 'Numerário', date: lisbonDate(Date.now()) },
    });
  });

  it('takes a dot or a comma, refuses other amounts on the field, and tells a refusal privately', async () => {
    stack = await startSlackStack();
    const issued = await issue('509999999 10 mensalidade tipo=ft');
    const view = await openForm(issued, 'doc_receipt', { document: { type: 'invoice', number: 'FT M/7' } });
    expect(blockOf(view, 'receipt_amount')?.element?.initial_value).toBeUndefined();
    const bad = await submit(view, { receipt_amount: '4,5€x' });
    expect(await bad.json()).toEqual({
      response_action: 'errors',
      errors: { receipt_amount: 'Valor inválido: use por exemplo 10,00.' },
    });
    expect(stack.billing.actions).toHaveLength(0);
    stack.billing.scriptAction({
      kind: 'error',
      code: 'AMOUNT_EXCEEDS_OPEN',
      status: 409,
      message: "The payment is larger than the invoice's open amount.",
    });
    await submit(view, { receipt_amount: '4.5', receipt_method: 'MB WAY', receipt_date: '2026-05-20' });
    expect(stack.billing.actions[0]?.body).toEqual({
      amount: 4.5,
      payment_method: 'MB WAY',
      date: '2026-05-20',
    });
    const told = await stack.slack.waitFor(() => ephemeralsTo(USER)[0]);
    expect(told.text).toContain(explainError('AMOUNT_EXCEEDS_OPEN', 'pt').title);
  });
});

describe('Enviar por e-mail', () => {
  it("empty sends to the customer's e-mail; a bad address stays on the form", async () => {
    stack = await startSlackStack();
    const issued = await issue();
    const view = await openForm(issued, 'doc_email', { customerEmail: 'ana@cliente.pt' });
    expect(blockOf(view, 'email_to')?.element?.type).toBe('email_text_input');
    const bad = await submit(view, { email_to: 'ana@' });
    expect(await bad.json()).toEqual({
      response_action: 'errors',
      errors: { email_to: 'E-mail inválido: use por exemplo ana@cliente.pt.' },
    });
    await submit(view);
    expect(stack.billing.actions).toEqual([
      expect.objectContaining({ action: 'email', body: {}, idempotencyKey: `slack-view:${view.id}` }),
    ]);
  });

  it("the API's VALIDATION_ERROR shows on the field; the corrected form goes through with the same key", async () => {
    stack = await startSlackStack();
    const issued = await issue();
    // No customer e-mail on the request: the API refuses an empty `to`.
    const view = await openForm(issued, 'doc_email');
    const refused = await submit(view);
    expect(await refused.json()).toEqual({
      response_action: 'errors',
      errors: { email_to: expect.stringContaining('is required') },
    });
    // The same values again get the same answer, without asking twice.
    expect(await (await submit(view)).json()).toMatchObject({ response_action: 'errors' });
    expect(stack.billing.actions).toHaveLength(1);
    expect(ephemeralsTo(USER)).toHaveLength(0);

    expect(await (await submit(view, { email_to: 'rui@cliente.pt' })).text()).toBe('');
    expect(stack.billing.actions[1]).toMatchObject({
      body: { to: 'rui@cliente.pt' },
      idempotencyKey: `slack-view:${view.id}`,
      replayed: false,
    });
  });
});

describe('Finalizar', () => {
  it('asks for confirmation, then finalizes with no body and a key from the view', async () => {
    stack = await startSlackStack();
    const issued = await issue('509999999 10 mensalidade estado=rascunho');
    const view = await openForm(issued, 'doc_finalize', {
      document: { status: 'draft', number: null, pdf_url: null },
    });
    expect(view.view.callback_id).toBe('doc_finalize_modal');
    expect(blocksOf(view).filter((b) => b.type === 'input')).toHaveLength(0);
    expect(JSON.stringify(view.view.blocks)).toContain('(Rascunho)');
    await submit(view);
    await submit(view);
    expect(stack.billing.actions).toEqual([
      {
        requestId: issued.requestId,
        action: 'finalize',
        idempotencyKey: `slack-view:${view.id}`,
        body: undefined,
        replayed: false,
      },
    ]);
  });

  it('a document already final is told to the clicker (DOCUMENT_FINAL)', async () => {
    stack = await startSlackStack();
    const issued = await issue('509999999 10 mensalidade estado=rascunho');
    const view = await openForm(issued, 'doc_finalize', {});
    stack.billing.scriptAction({
      kind: 'error',
      code: 'DOCUMENT_FINAL',
      status: 409,
      message: 'The document is final.',
    });
    await submit(view);
    const told = await stack.slack.waitFor(() => ephemeralsTo(USER)[0]);
    expect(told.text).toContain(explainError('DOCUMENT_FINAL', 'pt').title);
  });
});

describe('what a click is trusted with', () => {
  it('a request the API does not know opens nothing and is told privately (NOT_FOUND)', async () => {
    stack = await startSlackStack();
    const issued = await issue();
    await click(issued.reply, 'doc_credit');
    const told = await stack.slack.waitFor(() => ephemeralsTo(USER)[0]);
    expect(told.text).toContain(explainError('NOT_FOUND', 'pt').title);
    expect(stack.slack.views).toHaveLength(0);
  });

  it('a value that is not a request id, or a clicker not allowed, opens nothing', async () => {
    stack = await startSlackStack({ allowedUsers: [USER] });
    const issued = await issue();
    stack.billing.know({ status: invoiceStatus(issued.requestId) });
    await click(issued.reply, 'doc_credit', { value: '{"r":"../admin","channel":"C0ELSE"}' });
    await click(issued.reply, 'doc_credit', { user: 'U0STRANGER' });
    await stack.slack.waitFor(() => stack.slack.ephemerals.length === 2);
    expect(ephemeralsTo(USER)[0]?.text).toBe('Este botão já não é válido.');
    expect(ephemeralsTo('U0STRANGER')[0]?.text).toContain('Não tem permissão');
    expect(stack.slack.views).toHaveLength(0);
    expect(stack.billing.lookups).toHaveLength(0);
  });

  it('only the request id of the value is used: the channel and thread are where the click was', async () => {
    stack = await startSlackStack();
    const issued = await issue();
    stack.billing.know({ status: invoiceStatus(issued.requestId) });
    const forged = JSON.stringify({ r: issued.requestId, channel: 'C0ELSE', thread: '1.2' });
    await click(issued.reply, 'doc_email', { value: forged });
    const view = await stack.slack.waitFor(() => stack.slack.views[0]);
    expect(JSON.parse(String(view.view.private_metadata))).toEqual({
      requestId: issued.requestId,
      channel: CHANNEL,
      threadTs: issued.parent.ts,
    });
  });
});

describe('a slow API', () => {
  it('closes the form in time, says it is under way, and tells a later refusal privately', async () => {
    stack = await startSlackStack();
    const issued = await issue();
    const view = await openForm(issued, 'doc_credit');
    stack.billing.scriptAction({
      kind: 'error',
      code: 'DOCUMENT_NOT_FINAL',
      status: 409,
      message: 'The document is still a draft.',
    });
    const release = stack.billing.hold();
    const started = Date.now();
    const response = await submit(view, { credit_reason: 'Erro' });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await response.text()).toBe('');
    const progress = await stack.slack.waitFor(() => ephemeralsTo(USER)[0]);
    expect(progress.text).toMatch(/^⏳ A anular/);
    release();
    const refusal = await stack.slack.waitFor(() => ephemeralsTo(USER)[1]);
    expect(refusal.text).toContain(explainError('DOCUMENT_NOT_FINAL', 'pt').title);
  });
});

describe('in English', () => {
  it('labels the buttons, the form and the refusals in English', async () => {
    stack = await startSlackStack({ locale: 'en' });
    const issued = await issue();
    expect(buttonOf(issued.reply, 'doc_email')?.text?.text).toBe('✉️ Send by e-mail');
    const view = await openForm(issued, 'doc_email', { customerEmail: 'ana@cliente.pt' });
    expect(view.view.title).toMatchObject({ text: 'Send by e-mail' });
    stack.billing.scriptAction({
      kind: 'error',
      code: 'DOCUMENT_NOT_FINAL',
      status: 409,
      message: 'The document is still a draft.',
    });
    await submit(view);
    const told = await stack.slack.waitFor(() => ephemeralsTo(USER)[0]);
    expect(told.text).toContain(explainError('DOCUMENT_NOT_FINAL', 'en').title);
    expect(told.text).toContain('*What to do:*');
  });
});
