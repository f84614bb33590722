import { describe, expect, it } from 'vitest';
import { documentTotals, netUnitPrice } from './pricing.ts';
import { booking, failure, harness } from './test/support.ts';

describe('InvoiceXpress client: documents', () => {
  it('creates an FR draft with ISO dates, checks its total, finalizes it and finds it by reference', async () => {
    const h = await harness();
    const ix = h.client();
    const draft = await ix.createDocument('invoice_receipts', booking(), { proprietaryUid: 'fs-BK-7781' });
    expect(draft).toMatchObject({
      status: 'draft',
      type: 'InvoiceReceipt',
      date: '05/03/2026',
      total: 200,
      taxes: 11.32,
    });
    expect(draft.sequence_number).toBe('rascunho');
    const final = await ix.finalize('invoice_receipts', draft.id);
    expect(final).toMatchObject({ status: 'settled', sequence_number: '1/FT2026' });
    expect(final.atcud).toMatch(/-1$/);
    expect(await ix.getDocument('invoice_receipts', draft.id)).toMatchObject({
      id: draft.id,
      status: 'settled',
    });
    expect(await ix.getDocument('invoice_receipts', 424242)).toBeNull();
    // Another document whose reference contains ours is not a match.
    await ix.createDocument('invoices', booking({ reference: 'BK-77810' }));
    const found = await ix.findByReference('BK-7781');
    expect(found.map((document) => document.id)).toEqual([draft.id]);
    expect(await ix.findByReference('BK-7781', { type: 'invoices' })).toEqual([]);
  });

  it('runs the life of an FT: payments as receipts, a credit note linked to it, related documents, e-mail', async () => {
    const h = await harness();
    const ix = h.client();
    const ft = await ix.finalize('invoices', (await ix.createDocument('invoices', booking())).id);
    expect(ft.status).toBe('final');
    const receipt = await ix.partialPayment(ft.id, {
      amount: 50,
      date: '2026-03-06',
      mechanism: 'TB',
      note: 'BK-7781/RC1',
    });
    expect(receipt).toMatchObject({ type: 'Receipt', total: 50 });
    const credit = await ix.createDocument(
      'credit_notes',
      booking({ reference: 'BK-7781/NC1', owner_invoice_id: ft.id }),
    );
    await ix.finalize('credit_notes', credit.id);
    const related = await ix.relatedDocuments(ft.id);
    expect(related.map((document) => [document.type, document.id])).toEqual([
      ['Receipt', receipt.id],
      ['CreditNote', credit.id],
    ]);
    await ix.emailDocument('invoices', ft.id, {
      to: 'marta@example.pt',
      subject: 'Fatura',
      body: 'Obrigado pela estadia.',
    });
    expect(h.running.sandbox.state.emails).toHaveLength(1);
    const canceled = await ix.cancelReceipt(receipt.id, 'Pagamento duplicado');
    expect(canceled.status).toBe('canceled');
  });

  it('refuses what InvoiceXpress refuses, with its words, and the outcome not applied', async () => {
    const h = await harness();
    const ix = h.client();
    const zero = await failure(
      ix.createDocument(
        'invoices',
        booking({
          items: [{ ...booking().items[0], name: 'X', unit_price: 10, quantity: 1, tax: { name: 'IVA0' } }],
        }),
      ),
    );
    expect(zero.code).toBe('INVOICEXPRESS_BUSINESS_ERROR');
    expect(zero.details).toMatchObject({
      status: 422,
      outcome: 'not_applied',
      errors: ["Tax exemption can't be blank when there are exempt items"],
    });
    const ft = await ix.finalize('invoices', (await ix.createDocument('invoices', booking())).id);
    const deleted = await failure(ix.deleteDraft('invoices', ft.id));
    expect(deleted.details).toMatchObject({ errors: ['Invalid state'], outcome: 'not_applied' });
    const cancel = await failure(ix.cancel('invoices', ft.id, ''));
    expect(cancel.details?.errors).toEqual(["Cancel message can't be blank"]);
  });

  it('treats a 409 to a repeated proprietary_uid as a document that may exist', async () => {
    const h = await harness({ behaviour: { proprietaryUid: 'conflict' } });
    const ix = h.client();
    await ix.createDocument('invoices', booking(), { proprietaryUid: 'uid-1' });
    const repeat = await failure(ix.createDocument('invoices', booking(), { proprietaryUid: 'uid-1' }));
    expect(repeat.code).toBe('INVOICEXPRESS_BUSINESS_ERROR');
    expect(repeat.details).toMatchObject({ status: 409, reason: 'duplicate_prevented', outcome: 'unknown' });
    expect(await ix.findByReference('BK-7781')).toHaveLength(1);
  });

  it('reads "sent" as final as well, and pages through the reference filter', async () => {
    const h = await harness({ behaviour: { finalStatus: 'sent' } });
    const ix = h.client();
    const ft = await ix.finalize('invoices', (await ix.createDocument('invoices', booking())).id);
    expect(ft.status).toBe('sent');
    for (let i = 0; i < 3; i++) await ix.createDocument('invoices', booking({ reference: 'PAGED' }));
    const page = await ix.listDocuments({ reference: 'PAGED', perPage: 2 });
    expect(page.pagination).toMatchObject({ total_entries: 3, total_pages: 2 });
    expect((await ix.listDocuments({ statuses: ['sent'] })).documents.map((row) => row.id)).toEqual([ft.id]);
  });
});

describe('InvoiceXpress client: clients, taxes, series', () => {
  it('finds, creates and updates clients; finds them by NIF whatever the list filter does', async () => {
    const h = await harness();
    const ix = h.client();
    expect(await ix.findClientByCode('C1')).toBeNull();
    const created = await ix.createClient({
      name: 'Acme, Lda',
      code: 'C1',
      fiscal_id: '503504564',
      country: 'Portugal',
    });
    expect(await ix.findClientByCode('C1')).toMatchObject({ id: created.id, fiscal_id: '503504564' });
    expect(await ix.findClientByName('Acme, Lda')).toMatchObject({ id: created.id });
    for (let i = 0; i < 3; i++) await ix.createClient({ name: `Other ${i}` });
    expect((await ix.findClientsByFiscalId('503504564')).map((client) => client.id)).toEqual([created.id]);
    h.running.sandbox.behaviour.clientFiscalIdFilter = true;
    expect(await ix.findClientsByFiscalId('503504564')).toHaveLength(1);
    const updated = await ix.updateClient(created.id, { name: 'Acme, Lda', email: 'geral@acme.pt' });
    expect(updated.email).toBe('geral@acme.pt');
  });

  it('resolves taxes by name or by rate and region, and series by name or default', async () => {
    const h = await harness();
    const ix = h.client();
    expect(await ix.taxByName('IVA13')).toMatchObject({ value: 13, region: 'PT' });
    expect(await ix.taxFor(22, 'PT-MA')).toMatchObject({ name: 'IVA22' });
    expect(await ix.taxFor(7)).toBeNull();
    expect(await ix.sequence()).toMatchObject({ serie: 'FT2026', default_sequence: true });
    const web = await ix.sequence('WEB');
    expect(web?.default_sequence).toBe(false);
    const document = await ix.createDocument('invoices', booking({ sequence_id: web?.id }));
    expect(document.sequence_id).toBe(String(web?.id));
  });
});

describe('InvoiceXpress client: PDF', () => {
  it('polls the asynchronous PDF until its URL comes, then downloads a real PDF', async () => {
    const h = await harness({ behaviour: { pdfPendingPolls: 3 } });
    const ix = h.client();
    const ft = await ix.finalize('invoices', (await ix.createDocument('invoices', booking())).id);
    const bytes = await ix.downloadPdf(ft.id, { pollMs: 20 });
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('%PDF-');
    expect(ix.stats()['pdf/get']).toBe(4);
  });

  it('gives up within its budget while the PDF is not ready', async () => {
    const h = await harness({ behaviour: { pdfPendingPolls: 1000 } });
    const ix = h.client();
    const ft = await ix.createDocument('invoices', booking());
    const started = Date.now();
    const late = await failure(ix.pdfUrl(ft.id, { budgetMs: 300, pollMs: 50 }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(late.code).toBe('INVOICEXPRESS_TIMEOUT');
    expect(late.details).toMatchObject({ reason: 'pdf_not_ready', outcome: 'not_applied' });
  });
});

describe('InvoiceXpress arithmetic', () => {
  it('matches a captured answer: 1 × 2.0244 at 23 % is 2.02 + 0.47 = 2.49', () => {
    expect(documentTotals([{ unitPrice: 2.0244, quantity: 1, rate: 23 }])).toEqual({
      beforeTaxes: 2.02,
      taxes: 0.47,
      total: 2.49,
    });
    expect(netUnitPrice(200, 6)).toBe(188.679245);
  });

  it('predicts the totals InvoiceXpress computes, for gross prices turned net', async () => {
    const h = await harness();
    const ix = h.client();
    let seed = 17;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const rates: Record<string, number> = { IVA23: 23, IVA13: 13, IVA6: 6 };
    for (let run = 0; run < 15; run++) {
      const lines = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, index) => {
        const name = Object.keys(rates)[Math.floor(random() * 3)] ?? 'IVA23';
        const gross = Math.round(random() * 50_000) / 100;
        return { name, gross, quantity: 1 + Math.floor(random() * 3), index };
      });
      const priced = lines.map((line) => ({
        unitPrice: netUnitPrice(line.gross, rates[line.name] ?? 23),
        quantity: line.quantity,
        rate: rates[line.name] ?? 23,
      }));
      const expected = documentTotals(priced);
      const created = await ix.createDocument(
        'invoices',
        booking({
          reference: `ARITH-${run}`,
          items: lines.map((line, index) => ({
            name: `L${line.index}`,
            unit_price: priced[index]?.unitPrice ?? 0,
            quantity: line.quantity,
            tax: { name: line.name },
          })),
        }),
      );
      expect({ beforeTaxes: created.before_taxes, taxes: created.taxes, total: created.total }).toEqual(
        expected,
      );
      const grossSum = lines.reduce((sum, line) => sum + line.gross * line.quantity, 0);
      expect(Math.abs(expected.total - grossSum)).toBeLessThanOrEqual(0.01 * lines.length);
    }
  });
});
