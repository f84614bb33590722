import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createInvoiceXpressSandbox } from './sandbox.ts';
import { startInvoiceXpressSandbox } from './server.ts';
import { DEFAULT_ACCOUNT, DEFAULT_SERIE } from './state.ts';
import { invoiceBody, sandbox } from './test/http.ts';

describe('documents', () => {
  it('creates a draft under the invoice wrapper and answers under the singular type', async () => {
    const test = await sandbox();
    const created = await test.call('POST', 'invoice_receipts.json', invoiceBody());
    expect(created.status).toBe(201);
    const document = created.body.invoice_receipt;
    expect(document).toMatchObject({
      status: 'draft',
      type: 'InvoiceReceipt',
      sequence_number: 'rascunho',
      date: '05/03/2026',
      before_taxes: 188.68,
      taxes: 11.32,
      total: 200,
      reference: 'BK-7781',
    });
    expect(document.items[0]).toMatchObject({
      unit_price: '188.68',
      quantity: '1.00',
      tax: { name: 'IVA6', value: 6 },
    });
    // Documents carry no fiscal_id; the client record does.
    expect(document.client).not.toHaveProperty('fiscal_id');
    const client = await test.call('GET', `clients/${document.client.id}.json`);
    expect(client.body.client.fiscal_id).toBe('123456789');
  });

  it('refuses bad input with the canonical error list and stores nothing', async () => {
    const test = await sandbox();
    const cases: Array<[unknown, string]> = [
      [invoiceBody({ date: '2026-03-05' }), 'Date is not valid'],
      [invoiceBody({ due_date: '04/03/2026' }), 'Due date must be later than date'],
      [invoiceBody({ items: [] }), "Items can't be blank"],
      [invoiceBody({}, { quantity: '0' }), 'Quantity must be a number greater than 0'],
      [
        invoiceBody({}, { tax: { name: 'IVA0' } }),
        "Tax exemption can't be blank when there are exempt items",
      ],
      [
        invoiceBody({ tax_exemption: 'M34' }, { tax: { name: 'IVA0' } }),
        'Tax exemption is not included in the list',
      ],
      [{ invoices: {} }, 'The request body must have a "invoice" object'],
    ];
    for (const [body, message] of cases) {
      const answer = await test.call('POST', 'invoices.json', body);
      expect(answer.status).toBe(422);
      expect(answer.body).toEqual({ errors: [{ error: message }] });
    }
    expect(test.running.sandbox.state.accounts.get(DEFAULT_ACCOUNT.name)?.documents.size).toBe(0);
    const exempt = await test.call(
      'POST',
      'invoices.json',
      invoiceBody({ tax_exemption: 'M44' }, { tax: { name: 'IVA0' } }),
    );
    expect(exempt.status).toBe(201);
  });

  it('applies the default tax to an unknown tax name', async () => {
    const test = await sandbox();
    const created = await test.call('POST', 'invoices.json', invoiceBody({}, { tax: { name: 'PT23' } }));
    expect(created.body.invoice.items[0].tax).toMatchObject({ name: 'IVA23', value: 23 });
  });

  it('finalizes per the state table: numbers, ATCUD, FR settled, a final document only cancelled', async () => {
    const test = await sandbox();
    const fr = (await test.call('POST', 'invoice_receipts.json', invoiceBody())).body.invoice_receipt;
    const final = await test.call('PUT', `invoice_receipts/${fr.id}/change-state.json`, {
      invoice: { state: 'finalized' },
    });
    expect(final.body.invoice_receipt).toMatchObject({
      status: 'settled',
      sequence_number: `1/${DEFAULT_SERIE}`,
      inverted_sequence_number: `${DEFAULT_SERIE}/1`,
    });
    expect(final.body.invoice_receipt.atcud).toMatch(/^[A-Z0-9]{8}-1$/);
    const ft = (await test.call('POST', 'invoices.json', invoiceBody())).body.invoice;
    const ftFinal = await test.call('PUT', `invoices/${ft.id}/change-state.json`, {
      invoice: { state: 'finalized' },
    });
    expect(ftFinal.body.invoice).toMatchObject({ status: 'final', sequence_number: `1/${DEFAULT_SERIE}` });
    const deleted = await test.call('PUT', `invoices/${ft.id}/change-state.json`, {
      invoice: { state: 'deleted' },
    });
    expect(deleted).toMatchObject({ status: 422, body: { errors: [{ error: 'Invalid state' }] } });
    const noMessage = await test.call('PUT', `invoices/${ft.id}/change-state.json`, {
      invoice: { state: 'canceled' },
    });
    expect(noMessage.body).toEqual({ errors: [{ error: "Cancel message can't be blank" }] });
    const edit = await test.call('PUT', `invoice_receipts/${fr.id}.json`, invoiceBody());
    expect(edit.body).toEqual({
      errors: [{ error: "Invoice has been settled so can't be changed anymore" }],
    });
    // Chronology: a draft dated before the series' last final document cannot be finalized.
    const early = (
      await test.call('POST', 'invoices.json', invoiceBody({ date: '01/03/2026', due_date: '01/03/2026' }))
    ).body.invoice;
    const refused = await test.call('PUT', `invoices/${early.id}/change-state.json`, {
      invoice: { state: 'finalized' },
    });
    expect(refused.status).toBe(422);
    // A draft can be deleted; it then leaves the lists.
    await test.call('PUT', `invoices/${early.id}/change-state.json`, { invoice: { state: 'deleted' } });
    const listed = await test.call('GET', 'invoices.json?type[]=Invoice');
    expect(listed.body.invoices.map((row: { id: number }) => row.id)).toEqual([ft.id]);
  });

  it('reads a finalized document as "sent" when told to, and filters by the stored statuses', async () => {
    const test = await sandbox({ behaviour: { finalStatus: 'sent' } });
    const ft = (await test.call('POST', 'invoices.json', invoiceBody())).body.invoice;
    await test.call('PUT', `invoices/${ft.id}/change-state.json`, { invoice: { state: 'finalized' } });
    expect((await test.call('GET', `invoices/${ft.id}.json`)).body.invoice.status).toBe('sent');
    expect((await test.call('GET', 'invoices.json?status[]=sent')).body.invoices).toHaveLength(1);
    expect((await test.call('GET', 'invoices.json?status[]=final')).status).toBe(422);
  });

  it('filters lists by reference (substring by default, exact when told) and pages them', async () => {
    const test = await sandbox();
    for (const reference of ['REF-1', 'REF-10', 'REF-2']) {
      await test.call('POST', 'invoices.json', invoiceBody({ reference }));
    }
    const loose = await test.call('GET', 'invoices.json?reference=REF-1&per_page=1');
    expect(loose.body.pagination).toEqual({ total_entries: 2, current_page: 1, total_pages: 2, per_page: 1 });
    test.running.sandbox.behaviour.referenceFilter = 'exact';
    const exact = await test.call('GET', 'invoices.json?reference=REF-1');
    expect(exact.body.invoices.map((row: { reference: string }) => row.reference)).toEqual(['REF-1']);
  });

  it('records partial payments as receipts, settles the invoice, relates the documents', async () => {
    const test = await sandbox();
    const ft = (await test.call('POST', 'invoices.json', invoiceBody())).body.invoice;
    const early = await test.call('POST', `documents/${ft.id}/partial_payments.json`, {
      partial_payment: { amount: 50 },
    });
    expect(early.status).toBe(422);
    await test.call('PUT', `invoices/${ft.id}/change-state.json`, { invoice: { state: 'finalized' } });
    const pay = (amount: number) =>
      test.call('POST', `documents/${ft.id}/partial_payments.json`, {
        partial_payment: { amount, payment_date: '06/03/2026', payment_mechanism: 'TB', note: 'RC1' },
      });
    expect((await pay(250)).body).toEqual({ errors: [{ error: "Amount can't be greater than 200.00" }] });
    const first = await pay(50);
    expect(first.status).toBe(201);
    expect(first.body.receipt).toMatchObject({
      type: 'Receipt',
      status: 'final',
      total: 50,
      sequence_number: `1/${DEFAULT_SERIE}`,
    });
    await pay(150);
    expect((await test.call('GET', `invoices/${ft.id}.json`)).body.invoice.status).toBe('settled');
    const credit = await test.call(
      'POST',
      'credit_notes.json',
      invoiceBody({ owner_invoice_id: ft.id, reference: 'BK-7781/NC1' }),
    );
    expect(credit.status).toBe(201);
    const related = await test.call('GET', `document/${ft.id}/related_documents.json`);
    expect(related.body.documents.map((row: { type: string }) => row.type)).toEqual([
      'Receipt',
      'Receipt',
      'CreditNote',
    ]);
    const cancel = await test.call('PUT', `receipts/${first.body.receipt.id}/change-state.json`, {
      receipt: { state: 'canceled', message: 'Pagamento errado' },
    });
    expect(cancel.body.receipt.status).toBe('canceled');
    expect((await test.call('GET', `invoices/${ft.id}.json`)).body.invoice.status).toBe('final');
  });

  it('generates the PDF asynchronously: 202 while pending, then the URL of a real PDF', async () => {
    const test = await sandbox({ behaviour: { pdfPendingPolls: 2 } });
    const ft = (await test.call('POST', 'invoices.json', invoiceBody())).body.invoice;
    expect((await test.call('GET', `api/pdf/${ft.id}.json?second_copy=false`)).status).toBe(202);
    const pending = await test.call('GET', `api/pdf/${ft.id}.json`);
    expect(pending).toMatchObject({ status: 202, body: null });
    const ready = await test.call('GET', `api/pdf/${ft.id}.json`);
    expect(ready.status).toBe(200);
    const file = await fetch(ready.body.output.pdfUrl);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await file.arrayBuffer()).toString('latin1');
    expect(pdf.slice(0, 5)).toBe('%PDF-');
    // The kit's writer, signed by this sandbox rather than the Moloni one it used to borrow from.
    expect(pdf).toContain('/Producer (Faturador InvoiceXpress sandbox)');
    expect((await test.call('GET', 'api/pdf/999999.json')).status).toBe(404);
  });

  it('sends finalized documents by e-mail', async () => {
    const test = await sandbox();
    const ft = (await test.call('POST', 'invoices.json', invoiceBody())).body.invoice;
    const message = {
      message: { client: { email: 'marta@example.pt', save: '0' }, subject: 'Fatura', body: 'Obrigado.' },
    };
    expect((await test.call('PUT', `invoices/${ft.id}/email-document.json`, message)).status).toBe(422);
    await test.call('PUT', `invoices/${ft.id}/change-state.json`, { invoice: { state: 'finalized' } });
    expect((await test.call('PUT', `invoices/${ft.id}/email-document.json`, message)).status).toBe(200);
    expect(test.running.sandbox.state.emails).toMatchObject([{ document_id: ft.id, to: 'marta@example.pt' }]);
  });

  it('answers a repeated proprietary_uid as configured', async () => {
    const test = await sandbox();
    const body = { ...invoiceBody(), proprietary_uid: 'fs-BK-7781' };
    const a = await test.call('POST', 'invoices.json', body);
    const b = await test.call('POST', 'invoices.json', body);
    expect(b.body.invoice.id).not.toBe(a.body.invoice.id);
    test.running.sandbox.behaviour.proprietaryUid = 'same';
    expect((await test.call('POST', 'invoices.json', body)).body.invoice.id).toBe(a.body.invoice.id);
    test.running.sandbox.behaviour.proprietaryUid = 'conflict';
    expect((await test.call('POST', 'invoices.json', body)).status).toBe(409);
  });
});

describe('clients, taxes, sequences', () => {
  it('finds clients by code and name, keeps names unique, checks the NIF', async () => {
    const test = await sandbox();
    const created = await test.call('POST', 'clients.json', {
      client: { name: 'Acme', code: 'C1', fiscal_id: '503504564' },
    });
    expect(created.status).toBe(201);
    expect((await test.call('GET', 'clients/find-by-code.json?client_code=C1')).body.client.name).toBe(
      'Acme',
    );
    expect((await test.call('GET', 'clients/find-by-name.json?client_name=Acme')).body.client.code).toBe(
      'C1',
    );
    expect((await test.call('GET', 'clients/find-by-code.json?client_code=C2')).status).toBe(404);
    expect((await test.call('POST', 'clients.json', { client: { name: 'Acme' } })).body).toEqual({
      errors: [{ error: 'Name has already been taken' }],
    });
    expect(
      (await test.call('POST', 'clients.json', { client: { name: 'B', fiscal_id: '123456780' } })).body,
    ).toEqual({
      errors: [{ error: 'Fiscal is invalid' }],
    });
    const updated = await test.call('PUT', `clients/${created.body.client.id}.json`, {
      client: { name: 'Acme', email: 'a@acme.pt' },
    });
    expect(updated.body.client.email).toBe('a@acme.pt');
  });

  it('updates a client: name required and unique; what the PUT leaves out is kept, or blanked, as switched', async () => {
    const test = await sandbox();
    await test.call('POST', 'clients.json', { client: { name: 'Other' } });
    const id = (
      await test.call('POST', 'clients.json', {
        client: { name: 'Acme', code: 'C1', fiscal_id: '503504564', phone: '210000000', city: 'Lisboa' },
      })
    ).body.client.id;
    const put = (client: Record<string, unknown>) => test.call('PUT', `clients/${id}.json`, { client });
    expect((await put({ city: 'Porto' })).body).toEqual({ errors: [{ error: "Name can't be blank" }] });
    expect((await put({ name: 'Other' })).body).toEqual({
      errors: [{ error: 'Name has already been taken' }],
    });
    expect((await put({ name: 'Acme', city: 'Porto' })).body.client).toMatchObject({
      code: 'C1',
      city: 'Porto',
      phone: '210000000',
      fiscal_id: '503504564',
    });
    test.running.sandbox.behaviour.clientUpdate = 'replace';
    test.running.sandbox.behaviour.clientUpdateAnswer = 'empty';
    const replaced = await put({ name: 'Acme', city: 'Faro' });
    expect(replaced).toMatchObject({ status: 200, body: null });
    expect((await test.call('GET', `clients/${id}.json`)).body.client).toMatchObject({
      code: 'C1',
      city: 'Faro',
      phone: null,
      fiscal_id: null,
    });
  });

  it('lists taxes by region and sequences with their default', async () => {
    const test = await sandbox();
    const taxes = (await test.call('GET', 'taxes.json')).body.taxes;
    expect(taxes.find((tax: { default_tax: number }) => tax.default_tax === 1)).toMatchObject({
      name: 'IVA23',
      region: 'PT',
    });
    expect(
      taxes
        .filter((tax: { region: string }) => tax.region === 'PT-MA')
        .map((tax: { value: number }) => tax.value),
    ).toEqual([22, 12, 5]);
    const sequences = (await test.call('GET', 'sequences.json')).body.sequences;
    expect(sequences[0]).toMatchObject({
      serie: DEFAULT_SERIE,
      default_sequence: 1,
      current_invoice_number: 0,
    });
  });
});

describe('edge of the service', () => {
  it('refuses a wrong key with 401 and an unknown account with 404 (or a redirect)', async () => {
    const test = await sandbox();
    const wrongKey = await test.call('GET', 'clients.json', undefined, { apiKey: 'nope' });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.headers.get('content-type')).toContain('text/html');
    expect((await test.call('GET', 'clients.json', undefined, { account: 'nobody' })).status).toBe(404);
    const redirecting = await sandbox({ unknownAccount: 'redirect' });
    const redirect = await redirecting.call('GET', 'clients.json', undefined, { account: 'nobody' });
    expect(redirect.status).toBe(302);
  });

  it('answers 429 past the per-account limit, with Retry-After, and lets requests in again after the window', async () => {
    const test = await sandbox({ rateLimit: { limit: 3, windowMs: 1000 } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await test.call('GET', 'taxes.json')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await test.call('GET', 'taxes.json');
    expect(limited.headers.get('retry-after')).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect((await test.call('GET', 'taxes.json')).status).toBe(200);
  });

  it('allows the documented 780 requests a minute per account by default', async () => {
    const ix = createInvoiceXpressSandbox();
    const url = `/${DEFAULT_ACCOUNT.name}/taxes.json?api_key=${DEFAULT_ACCOUNT.apiKey}`;
    const statuses = new Map<number, number>();
    for (let i = 0; i < 781; i++) {
      const { status } = await ix.app.request(url);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 200: 780, 429: 1 });
  });

  it('commitThenDrop creates the document and drops the connection', async () => {
    const test = await sandbox();
    test.running.sandbox.faults.add({ kind: 'commitThenDrop', endpoint: '*/create', times: 1 });
    await expect(test.call('POST', 'invoices.json', invoiceBody())).rejects.toThrow();
    const listed = await test.call('GET', 'invoices.json?reference=BK-7781');
    expect(listed.body.invoices).toHaveLength(1);
    expect(test.running.sandbox.stats.snapshot().calls[0]).toMatchObject({
      endpoint: 'invoices/create',
      outcome: 'dropped',
    });
  });

  it('status faults answer an HTML page without executing; refuse answers 422', async () => {
    const test = await sandbox();
    test.running.sandbox.faults.add({ kind: 'status', status: 503, endpoint: 'invoices/create', times: 1 });
    test.running.sandbox.faults.add({ kind: 'refuse', endpoint: 'invoices/create', times: 1 });
    const unavailable = await test.call('POST', 'invoices.json', invoiceBody());
    expect(unavailable.status).toBe(503);
    expect(String(unavailable.body)).toContain('503 Service Unavailable');
    expect((await test.call('POST', 'invoices.json', invoiceBody())).status).toBe(422);
    expect((await test.call('GET', 'invoices.json')).body.invoices).toHaveLength(0);
  });

  it('control routes: faults validated, behaviour patched, accounts added', async () => {
    const test = await sandbox();
    const origin = test.running.origin;
    const bad = await fetch(`${origin}/_sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'explode' }),
    });
    expect(bad.status).toBe(400);
    const patched = await fetch(`${origin}/_sandbox/behaviour`, {
      method: 'POST',
      body: JSON.stringify({ referenceFilter: 'exact' }),
    });
    expect(((await patched.json()) as { referenceFilter: string }).referenceFilter).toBe('exact');
    const account = await fetch(`${origin}/_sandbox/accounts`, {
      method: 'POST',
      body: JSON.stringify({ name: 'acme', apiKey: 'k-acme-123456' }),
    });
    expect(account.status).toBe(201);
    expect(
      (await test.call('GET', 'taxes.json', undefined, { account: 'acme', apiKey: 'k-acme-123456' })).status,
    ).toBe(200);
  });

  it('keeps the accounts in its state file across restarts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ix-sandbox-')), 'state.json');
    const first = await sandbox({ stateFile: file });
    const id = (await first.call('POST', 'invoices.json', invoiceBody())).body.invoice.id;
    await first.running.close();
    const second = await startInvoiceXpressSandbox({ stateFile: file });
    try {
      expect(second.sandbox.restored).toBe(true);
      expect(second.sandbox.state.accounts.get(DEFAULT_ACCOUNT.name)?.documents.get(id)?.reference).toBe(
        'BK-7781',
      );
    } finally {
      await second.close();
    }
  });
});
