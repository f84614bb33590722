import { randomUUID } from 'node:crypto';
import { InvoiceXpressClient } from '@faturador/invoicexpress';
import {
  DEFAULT_ACCOUNT,
  type RunningInvoiceXpressSandbox,
  startInvoiceXpressSandbox,
} from '@faturador/invoicexpress-sandbox';
import { createApiClientStore, createConnectionStore } from '@faturador/store';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SEED_BODY, type Stack, startStack } from '../stack.ts';

// The same API and worker, for a client whose connection is an InvoiceXpress account: the
// provider is chosen by the connection, and the exactly-once rules are the same.
let stack: Stack;
let ix: RunningInvoiceXpressSandbox;
let headers: Record<string, string>;
const CLIENT = 'ix_ops';

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), prefix: randomPrefix(), issueAttempts: 3 });
  ix = await startInvoiceXpressSandbox();
  const deps = {
    redis: stack.api.runtime.redis,
    prefix: stack.api.runtime.prefix,
    secretBox: stack.api.runtime.secretBox,
  };
  const connection = await createConnectionStore(deps).createConnection({
    provider: 'invoicexpress',
    name: 'InvoiceXpress demo',
    account: DEFAULT_ACCOUNT.name,
    api_key: DEFAULT_ACCOUNT.apiKey,
    base_url: ix.baseUrlTemplate,
  });
  const clients = createApiClientStore(deps);
  await clients.createClient({
    client_id: CLIENT,
    name: 'Ops on InvoiceXpress',
    connection_id: connection.connection_id,
  });
  const key = await clients.createKey(CLIENT, { scopes: ['invoices:write', 'invoices:read'] });
  headers = { 'x-client-id': CLIENT, 'x-api-key': key.key.key_id, 'x-api-secret': key.secret };
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await ix?.close();
});
afterEach(() => {
  ix.sandbox.faults.clear();
});

const account = () => ix.sandbox.state.accounts.get(DEFAULT_ACCOUNT.name);
const documentsOf = (reference: string) =>
  [...(account()?.documents.values() ?? [])].filter(
    (d) => d.reference === reference && d.status !== 'deleted',
  );

function issue(reference: string, overrides: Record<string, unknown> = {}, key = randomUUID()) {
  return stack.post(
    '/api/v1/invoices/',
    { ...SEED_BODY, reference, ...overrides },
    { ...headers, 'idempotency-key': key },
  );
}

/** Polls GET until the e-mail of `actionId` has left `queued`/`sending`. */
async function settledEmail(requestId: string, actionId: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const status = await stack.get(`/api/v1/invoices/${requestId}`, headers);
    const email = status.body.related_documents?.find((d: { action_id: string }) => d.action_id === actionId);
    if (email && !['queued', 'sending'].includes(email.state)) return email;
    if (Date.now() > deadline) throw new Error(`e-mail ${actionId} did not settle: ${JSON.stringify(email)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('issuing through InvoiceXpress', () => {
  it('issues an FR once: its number, total and a PDF that downloads; the same key returns the same document', async () => {
    const key = randomUUID();
    const first = await issue('IX-FR-1', {}, key);
    expect(first.status).toBe(201);
    expect(first.body.document).toMatchObject({ type: 'invoice_receipt', status: 'final', total_gross: 10 });
    expect(first.body.document.number).toMatch(/^FR \S+\/\d+$/);
    const [stored] = documentsOf('IX-FR-1');
    expect(stored?.kind).toBe('InvoiceReceipt');
    expect(stored?.status).not.toBe('draft');
    const again = await issue('IX-FR-1', {}, key);
    expect(again.body.document.number).toBe(first.body.document.number);
    expect(documentsOf('IX-FR-1')).toHaveLength(1);
    // The request's timeline (what the backoffice shows) has each InvoiceXpress call.
    const calls = await eventually(async () => {
      const listed = await stack.api.runtime.moloniCalls.list(first.body.request_id);
      return listed.some((call) => call.endpoint === 'invoice_receipts/change-state') ? listed : undefined;
    });
    expect(calls.map((call) => call.endpoint)).toContain('invoice_receipts/create');
    expect(calls.every((call) => call.job === 'issue' && call.ok)).toBe(true);
    const pdf = await fetch(first.body.document.pdf_url);
    expect(pdf.status).toBe(200);
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it("a client of another NIF holding the same name is never the document's client", async () => {
    // InvoiceXpress matches a document's client by code, else by name, and never updates it
    // (README "Documents"): sent as a name alone, this invoice would go to the other NIF.
    const other = new InvoiceXpressClient({
      account: DEFAULT_ACCOUNT.name,
      apiKey: DEFAULT_ACCOUNT.apiKey,
      baseUrl: ix.baseUrlTemplate,
    });
    try {
      await other.createClient({ name: 'Rita Homónima', code: 'OTHER-508332010', fiscal_id: '508332010' });
    } finally {
      await other.close();
    }
    const response = await issue('IX-NAME-1', {
      customer: { ...SEED_BODY.customer, name: 'Rita Homónima', vat_number: '510123457' },
    });
    expect(response.status).toBe(201);
    const [document] = documentsOf('IX-NAME-1');
    const client = account()?.clients.get(document?.client_id ?? -1);
    expect(client).toMatchObject({ code: '510123457', fiscal_id: '510123457' });
    expect(client?.name).toContain('Rita Homónima');
  });

  it('leaves a draft when asked, and an FT and an FS are issued as their own types', async () => {
    const draft = await issue('IX-DRAFT-1', { status: 'draft' });
    expect(draft.status).toBe(201);
    expect(draft.body.document).toMatchObject({ status: 'draft', number: null });
    expect(documentsOf('IX-DRAFT-1').map((d) => d.status)).toEqual(['draft']);
    const ft = await issue('IX-FT-1', { document_type: 'invoice' });
    expect(ft.body.document.number).toMatch(/^FT /);
    const fs = await issue('IX-FS-1', { document_type: 'simplified_invoice' });
    expect(fs.body.document.number).toMatch(/^FS /);
  });

  it("an exempt line carries its AT code; a Madeira request takes the account's Madeira tax", async () => {
    const exempt = await issue('IX-M07-1', {
      items: [{ product: 'Formação', gross_price: 50, vat_rate: 0, exemption_reason: 'M07' }],
    });
    expect(exempt.status).toBe(201);
    expect(documentsOf('IX-M07-1')[0]?.tax_exemption).toBe('M07');
    const madeira = await issue('IX-MA-1', {
      fiscal_zone: 'PT-MA',
      items: [{ product: 'Consultoria', gross_price: 12.2, vat_rate: 22 }],
    });
    expect(madeira.status).toBe(201);
    expect(documentsOf('IX-MA-1')[0]?.lines[0]?.tax).toMatchObject({ name: 'IVA22', value: 22 });
  });

  it('an insert InvoiceXpress committed but whose answer was lost is found by reference, never issued twice', async () => {
    ix.sandbox.faults.add({ kind: 'commitThenDrop', endpoint: 'invoice_receipts/create', times: 1 });
    const creates = ix.sandbox.stats.count('invoice_receipts/create');
    const lists = ix.sandbox.stats.count('invoices/list');
    const response = await issue('IX-DROP-1');
    expect(response.status).toBe(201);
    expect(documentsOf('IX-DROP-1')).toHaveLength(1);
    expect(response.body.document.number).toMatch(/^FR /);
    // The re-run looked for the reference and adopted the document instead of creating again.
    expect(ix.sandbox.stats.count('invoice_receipts/create') - creates).toBe(1);
    expect(ix.sandbox.stats.count('invoices/list') - lists).toBeGreaterThan(0);
  });

  it('a 503 is retried by the worker and issues once; a refused API key fails at once with its cause', async () => {
    ix.sandbox.faults.add({ kind: 'status', status: 503, endpoint: 'invoice_receipts/create', times: 1 });
    const retried = await issue('IX-503-1');
    expect(retried.status).toBe(201);
    expect(documentsOf('IX-503-1')).toHaveLength(1);

    const deps = {
      redis: stack.api.runtime.redis,
      prefix: stack.api.runtime.prefix,
      secretBox: stack.api.runtime.secretBox,
    };
    const wrong = await createConnectionStore(deps).createConnection({
      provider: 'invoicexpress',
      name: 'Wrong key',
      account: DEFAULT_ACCOUNT.name,
      api_key: 'not-the-key-0000000000000000000000000000',
      base_url: ix.baseUrlTemplate,
    });
    const clients = createApiClientStore(deps);
    await clients.createClient({
      client_id: 'ix_wrong',
      name: 'Wrong key',
      connection_id: wrong.connection_id,
    });
    const key = await clients.createKey('ix_wrong', { scopes: ['invoices:write'] });
    const refused = await stack.post(
      '/api/v1/invoices/',
      { ...SEED_BODY, reference: 'IX-KEY-1' },
      {
        'x-client-id': 'ix_wrong',
        'x-api-key': key.key.key_id,
        'x-api-secret': key.secret,
        'idempotency-key': randomUUID(),
      },
    );
    expect(refused.body.error.code).toBe('INVOICEXPRESS_CONNECTION_FAILED');
    expect(refused.body.error.details.cause).toBe('key_refused');
    expect(JSON.stringify(refused.body)).not.toContain('not-the-key');
  });

  it('finalizes a draft (total re-checked, then change-state) and e-mails its PDF; a credit note is refused, nothing written', async () => {
    const draft = await issue('IX-LIFE-1', { status: 'draft' });
    const id = draft.body.request_id as string;
    const finalized = await stack.post(`/api/v1/invoices/${id}/finalize`, undefined, {
      ...headers,
      'idempotency-key': randomUUID(),
    });
    expect(finalized.status).toBe(201);
    expect(finalized.body.document.number).toMatch(/^FR \S+\/\d+$/);
    expect(documentsOf('IX-LIFE-1').map((d) => d.status)).not.toContain('draft');

    // InvoiceXpress e-mails its own document (email-document); our SMTP server carries nothing.
    const mailed = await stack.post(
      `/api/v1/invoices/${id}/email`,
      { to: 'cliente@example.pt' },
      { ...headers, 'idempotency-key': randomUUID() },
    );
    expect(mailed.status).toBe(202);
    const email = await settledEmail(id, mailed.body.action_id);
    expect(email).toMatchObject({ state: 'sent', to: 'cliente@example.pt', message_id: null });
    const sent = ix.sandbox.state.emails.filter((mail) => mail.to === 'cliente@example.pt');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      document_id: documentsOf('IX-LIFE-1')[0]?.id,
      subject: `Fatura-recibo ${finalized.body.document.number}`,
    });
    expect(sent[0]?.body).toContain(`Enviamos a fatura-recibo ${finalized.body.document.number}`);
    expect(stack.mail.messages().filter((mail) => mail.to.includes('cliente@example.pt'))).toHaveLength(0);

    // A draft is deleted in InvoiceXpress (change-state deleted).
    const draftId = (await issue('IX-LIFE-2', { status: 'draft' })).body.request_id as string;
    const deleted = await fetch(`${stack.url}/api/v1/invoices/${draftId}`, {
      method: 'DELETE',
      headers: { ...headers, 'idempotency-key': randomUUID() },
    });
    expect(deleted.status).toBe(200);
    expect(documentsOf('IX-LIFE-2')).toHaveLength(0);
  });

  const act = (id: string, path: string, body: unknown, key = randomUUID()) =>
    stack.post(`/api/v1/invoices/${id}/${path}`, body, { ...headers, 'idempotency-key': key });
  const ofKind = (kind: string) => [...(account()?.documents.values() ?? [])].filter((d) => d.kind === kind);

  it('cancels an FR with a credit note linked to it (NC numbered), once; a second credit is refused, nothing written', async () => {
    const id = (await issue('IX-NC-1')).body.request_id as string;
    const before = ofKind('CreditNote').length;
    const key = randomUUID();
    const credit = await act(id, 'credit-notes', { reason: 'NIF errado' }, key);
    expect(credit.status).toBe(201);
    expect(credit.body.document).toMatchObject({ type: 'credit_note', total: 10 });
    expect(credit.body.document.number).toMatch(/^NC \S+\/\d+$/);
    expect(credit.body.fully_credited).toBe(true);
    const notes = ofKind('CreditNote').slice(before);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      reference: 'IX-NC-1/NC1',
      owner_invoice_id: documentsOf('IX-NC-1')[0]?.id,
    });
    expect((await act(id, 'credit-notes', { reason: 'NIF errado' }, key)).body.document.number).toBe(
      credit.body.document.number,
    );
    const again = await act(id, 'credit-notes', { reason: 'outra vez' });
    expect(again.body.error.code).toBe('CREDIT_EXCEEDS_REMAINING');
    expect(ofKind('CreditNote').slice(before)).toHaveLength(1);
  });

  it('a credit note InvoiceXpress committed but whose answer was lost is adopted by reference', async () => {
    const id = (await issue('IX-NC-DROP')).body.request_id as string;
    ix.sandbox.faults.add({ kind: 'commitThenDrop', endpoint: 'credit_notes/create', times: 1 });
    const creates = ix.sandbox.stats.count('credit_notes/create');
    const credit = await act(id, 'credit-notes', { reason: 'Duplicado' });
    expect(credit.status).toBe(201);
    expect(ix.sandbox.stats.count('credit_notes/create') - creates).toBe(1);
    expect(ofKind('CreditNote').filter((d) => d.reference === 'IX-NC-DROP/NC1')).toHaveLength(1);
  });

  it('an e-mail InvoiceXpress took but whose answer was lost is in doubt and never sent again; a refused one sent nothing', async () => {
    const id = (await issue('IX-MAIL-2')).body.request_id as string;
    ix.sandbox.faults.add({ kind: 'commitThenDrop', endpoint: 'invoice_receipts/email-document', times: 1 });
    const mailed = await act(id, 'email', { to: 'duvida@example.pt' });
    expect(mailed.status).toBe(202);
    const email = await settledEmail(id, mailed.body.action_id);
    expect(email.state).toBe('in_doubt');
    expect(email.error.code).toBe('EMAIL_IN_DOUBT');
    // The worker's retries read the doubt and stop: InvoiceXpress holds exactly the one it took.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(ix.sandbox.state.emails.filter((mail) => mail.to === 'duvida@example.pt')).toHaveLength(1);

    // A 422 from InvoiceXpress sent nothing: failed at once, not retried.
    ix.sandbox.faults.add({ kind: 'refuse', endpoint: 'invoice_receipts/email-document', times: 1 });
    const refused = await act(id, 'email', { to: 'recusado@example.pt' });
    const failed = await settledEmail(id, refused.body.action_id);
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'EMAIL_REFUSED' } });
    expect(ix.sandbox.state.emails.filter((mail) => mail.to === 'recusado@example.pt')).toHaveLength(0);
  });

  it('records a partial payment of an FT (a receipt), then the rest; more than is open is refused', async () => {
    const id = (await issue('IX-RC-1', { document_type: 'invoice' })).body.request_id as string;
    const first = await act(id, 'receipts', { amount: 4, payment_method: 'Multibanco' });
    expect(first.status).toBe(201);
    expect(first.body.document.number).toMatch(/^RC \S+\/\d+$/);
    expect(first.body.open_amount).toBe(6);
    const tooMuch = await act(id, 'receipts', { amount: 7 });
    expect(tooMuch.body.error.code).toBe('AMOUNT_EXCEEDS_OPEN');
    const rest = await act(id, 'receipts', {});
    expect(rest.status).toBe(201);
    expect(rest.body.open_amount).toBe(0);
    const receipts = ofKind('Receipt').filter((d) => d.owner_invoice_id === documentsOf('IX-RC-1')[0]?.id);
    expect(receipts.map((d) => d.payment?.amount)).toEqual([4, 6]);
    expect(receipts[0]?.payment?.mechanism).toBe('MB');
  });
});

async function eventually<T>(
  read: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a known NIF with new details, through InvoiceXpress', () => {
  it('updates the client before the second document: it shows the new address and e-mail, one client for the NIF', async () => {
    const nif = '507654323';
    const customer = {
      name: 'Inês Duarte',
      vat_number: nif,
      email: 'ines@duarte.pt',
      address: 'Rua das Flores 12',
      city: 'Braga',
      zip_code: '4700-001',
    };
    const first = await issue('IX-CLIENT-1', { customer });
    expect(first.status).toBe(201);
    const moved = {
      ...customer,
      email: 'ines.duarte@example.pt',
      address: 'Largo do Carmo 3',
      city: 'Coimbra',
      zip_code: '3000-098',
    };
    const second = await issue('IX-CLIENT-2', { customer: moved });
    expect(second.status).toBe(201);
    const clientOf = (reference: string) =>
      account()?.clients.get(documentsOf(reference)[0]?.client_id ?? -1);
    expect(clientOf('IX-CLIENT-2')).toMatchObject({
      name: 'Inês Duarte',
      code: nif,
      fiscal_id: nif,
      email: moved.email,
      address: moved.address,
      city: moved.city,
      postal_code: moved.zip_code,
    });
    expect(clientOf('IX-CLIENT-1')?.id).toBe(clientOf('IX-CLIENT-2')?.id);
    expect([...(account()?.clients.values() ?? [])].filter((client) => client.code === nif)).toHaveLength(1);
  });
});
