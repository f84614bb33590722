import { DOCUMENT_TYPES, FaturadorError, type InvoiceRequestBody } from '@faturador/core';
import { CASH_PAYMENT_METHOD_ID } from '@faturador/moloni-sandbox';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_CLASSES } from './document-model.ts';
import { downloadOriginOf, pdfDownloadUrl } from './documents.ts';
import { documentsOf, harness, invoiceRequest } from './test/support.ts';

const CODES = { invoice_receipt: 'FR', invoice: 'FT', simplified_invoice: 'FS' } as const;
const TYPE_IDS = { invoice_receipt: 27, invoice: 1, simplified_invoice: 20 } as const;

describe('issuing documents', () => {
  for (const documentType of DOCUMENT_TYPES) {
    it(`issues a final ${documentType}: draft, total checked, closed, numbered`, async () => {
      const h = await harness();
      const client = h.client();
      const seen: Array<{ id: number; getOnes: number }> = [];
      const issued = await client.issueDocument(
        { request: invoiceRequest({ document_type: documentType }), ourReference: `T-${documentType}` },
        {
          async onDraftInserted(id) {
            seen.push({ id, getOnes: h.calls('documents/getOne') });
          },
        },
      );
      expect(issued).toMatchObject({
        documentType,
        number: `${CODES[documentType]} M/1`,
        series: 'M',
        status: 'final',
        totalGrossCents: 1000,
        totals: { beforeVatCents: 813, vatCents: 187, totalCents: 1000 },
        currency: 'EUR',
        companyId: 240211,
      });
      expect(Number.isNaN(Date.parse(issued.createdAt))).toBe(false);
      // The hook ran with the id before the document was even read back.
      expect(seen).toEqual([{ id: issued.documentId, getOnes: 0 }]);
      const [stored, ...others] = documentsOf(h.running);
      expect(others).toEqual([]);
      expect(stored).toMatchObject({
        document_id: issued.documentId,
        document_type_id: TYPE_IDS[documentType],
        status: 1,
        number: 1,
        our_reference: `T-${documentType}`,
      });
      // FR and FS are paid on issue; an invoice is not.
      if (documentType === 'invoice') expect(stored?.payments ?? []).toEqual([]);
      else expect(stored?.payments).toMatchObject([{ payment_method_id: CASH_PAYMENT_METHOD_ID, value: 10 }]);
    });

    it(`issues a draft ${documentType} without closing it`, async () => {
      const h = await harness();
      const issued = await h.client().issueDocument({
        request: invoiceRequest({ document_type: documentType, status: 'draft' }),
        ourReference: `D-${documentType}`,
      });
      expect(issued).toMatchObject({ status: 'draft', number: null, series: 'M', totalGrossCents: 1000 });
      // Real accounts number drafts -1: never a number people read.
      expect(documentsOf(h.running)[0]).toMatchObject({ status: 0, number: -1 });
      const [found] = await h.client().findByOurReference(`D-${documentType}`);
      expect(found).toMatchObject({ status: 'draft', number: null });
      expect(h.calls(`${DOCUMENT_CLASSES[documentType]}/update`)).toBe(0);
    });
  }

  it('numbers documents in sequence per series and uses the requested series and payment method', async () => {
    const h = await harness();
    const client = h.client();
    const first = await client.issueDocument({ request: invoiceRequest(), ourReference: 'S-1' });
    const second = await client.issueDocument({ request: invoiceRequest(), ourReference: 'S-2' });
    const shop = await client.issueDocument({
      request: invoiceRequest({ series: 'loja', payment_method: 'MB WAY' }),
      ourReference: 'S-3',
    });
    expect([first.number, second.number, shop.number]).toEqual(['FR M/1', 'FR M/2', 'FR LOJA/1']);
    expect(documentsOf(h.running).at(-1)?.payments).toMatchObject([{ payment_method_id: 1753496 }]);
  });

  it("pays an FR or FS with the account's cash method, not the first one listed (Cheque)", async () => {
    const h = await harness();
    const client = h.client();
    // A real account lists Cheque, Multibanco, Numerário, with no default flag.
    expect(h.running.sandbox.state.ofCompany(h.running.sandbox.state.paymentMethods, 240211)[0]?.name).toBe(
      'Cheque',
    );
    for (const documentType of ['invoice_receipt', 'simplified_invoice'] as const) {
      await client.issueDocument({
        request: invoiceRequest({ document_type: documentType }),
        ourReference: `CASH-${documentType}`,
      });
    }
    for (const stored of documentsOf(h.running)) {
      expect(stored.payments).toMatchObject([{ payment_method_id: CASH_PAYMENT_METHOD_ID, value: 10 }]);
    }
  });

  it('leaves payments out when the account has no cash method, so Moloni applies its default', async () => {
    const h = await harness();
    const { state } = h.running.sandbox;
    for (const method of state.paymentMethods.values()) method.is_numerary = 0;
    await h.client().issueDocument({ request: invoiceRequest(), ourReference: 'NO-CASH' });
    const [stored] = documentsOf(h.running);
    expect(stored?.payments).toBeNull();
    expect(stored?.status).toBe(1);
  });

  it('caches reference data for the configured time only', async () => {
    const h = await harness();
    const cached = h.client();
    await cached.issueDocument({ request: invoiceRequest(), ourReference: 'CACHE-1' });
    await cached.issueDocument({ request: invoiceRequest(), ourReference: 'CACHE-2' });
    expect(h.calls('taxes/getAll')).toBe(1);
    expect(h.calls('documentSets/getAll')).toBe(1);

    const shortLived = h.client({ cacheTtlMs: 20 });
    await shortLived.issueDocument({ request: invoiceRequest(), ourReference: 'CACHE-3' });
    await new Promise((resolve) => setTimeout(resolve, 40));
    await shortLived.issueDocument({ request: invoiceRequest(), ourReference: 'CACHE-4' });
    expect(h.calls('documentSets/getAll')).toBe(3);
    expect(shortLived.stats().byEndpoint['paymentMethods/getAll']).toBe(2);
  });

  it('refuses an unknown series or payment method before inserting anything', async () => {
    const h = await harness();
    const client = h.client();
    await expect(
      client.issueDocument({ request: invoiceRequest({ series: 'NOPE' }), ourReference: 'S-4' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR', details: { issues: [{ path: 'series' }] } });
    await expect(
      client.issueDocument({ request: invoiceRequest({ payment_method: 'Bitcoin' }), ourReference: 'S-5' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR', details: { issues: [{ path: 'payment_method' }] } });
    expect(h.calls('invoiceReceipts/insert')).toBe(0);
  });

  it('leaves a draft and reports TOTAL_MISMATCH when Moloni’s total differs from the request', async () => {
    const h = await harness();
    const client = h.client();
    await client.issueDocument({ request: invoiceRequest(), ourReference: 'M-0' });
    // The company's method changes after the client learned it (per document): a surprise.
    for (const company of h.running.sandbox.state.companies.values()) company.calc_method_id = 2;
    const request = invoiceRequest({ items: [{ product: 'Bolo', gross_price: 9.92, vat_rate: 23 }] });
    const drafts: number[] = [];
    const updatesBefore = h.calls('invoiceReceipts/update');
    const error = await client
      .issueDocument(
        { request, ourReference: 'M-1' },
        {
          async onDraftInserted(id) {
            drafts.push(id);
          },
        },
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FaturadorError);
    expect(error).toMatchObject({
      code: 'TOTAL_MISMATCH',
      details: {
        document_id: drafts[0],
        expected: '9.92',
        actual: '9.93',
        expectedCents: 992,
        actualCents: 993,
      },
    });
    expect(documentsOf(h.running).find((item) => item.our_reference === 'M-1')).toMatchObject({ status: 0 });
    expect(h.calls('invoiceReceipts/update')).toBe(updatesBefore);
  });

  // Decreto-Lei n.º 28/2019 ended the 1,000 EUR identification rule (CIVA art. 36 n.º 15): a seed
  // request (name, NIF and one address line, no city field) of any total is issuable.
  it('issues seed-contract requests of 1000.00 EUR or more, with the city taken from the address', async () => {
    const h = await harness();
    const client = h.client();
    const big = (customer: InvoiceRequestBody['customer'], gross_price = 1000) =>
      invoiceRequest({ customer, items: [{ product: 'Equipamento', gross_price, vat_rate: 23 }] });
    const withCity = await client.issueDocument({
      request: big({
        name: 'Eduardo Costa',
        vat_number: '509999999',
        address: 'Rua do Campo Grande 45, 1700-093 Lisboa',
      }),
      ourReference: 'B-1',
    });
    expect(withCity).toMatchObject({ status: 'final', totalGrossCents: 100_000 });
    const customers = [...h.running.sandbox.state.customers.values()];
    expect(customers).toMatchObject([{ vat: '509999999', city: 'Lisboa', zip_code: '1700-093' }]);
    const noCity = await client.issueDocument({
      request: big({ name: 'Ana Silva', vat_number: '123456789', address: 'Rua A 1' }),
      ourReference: 'B-2',
    });
    expect(noCity).toMatchObject({ status: 'final', totalGrossCents: 100_000 });
    const anonymous = await client.issueDocument({
      request: big({ name: 'Cliente' }, 5000),
      ourReference: 'B-3',
    });
    expect(anonymous).toMatchObject({ status: 'final', totalGrossCents: 500_000 });
  });

  it('downloads the PDF behind the landing page getPDFLink links to, and refuses drafts', async () => {
    const h = await harness();
    const client = h.client();
    const final = await client.issueDocument({ request: invoiceRequest(), ourReference: 'PDF-1' });
    // The link is a page for people, as on Moloni: HTML, not the file.
    const landing = await fetch(await client.getPdfLink(final.documentId));
    expect(landing.headers.get('content-type')).toMatch(/^text\/html/);

    const pdf = await client.downloadPdf(final.documentId);
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    expect(Buffer.from(pdf).toString('latin1')).toContain('(Fatura-Recibo FR M/1)');
    expect(h.calls('downloads/getDownload')).toBe(1);

    const draft = await client.issueDocument({
      request: invoiceRequest({ status: 'draft' }),
      ourReference: 'PDF-2',
    });
    await expect(client.downloadPdf(draft.documentId)).rejects.toMatchObject({
      code: 'MOLONI_BUSINESS_ERROR',
    });
  });

  it('answers MOLONI_BAD_GATEWAY when the download is not a PDF', async () => {
    const h = await harness();
    const client = h.client();
    const final = await client.issueDocument({ request: invoiceRequest(), ourReference: 'PDF-3' });
    h.fault({ kind: 'refuse', endpoint: 'downloads/getDownload', body: { error: 'expired' }, times: 1 });
    await expect(client.downloadPdf(final.documentId)).rejects.toMatchObject({
      code: 'MOLONI_BAD_GATEWAY',
      status: 502,
      message: expect.stringMatching(/gave no PDF \(HTTP 200, application\/json/),
      details: { document_id: final.documentId },
    });
    h.fault({ kind: 'status', status: 502, endpoint: 'downloads/getDownload', times: 1 });
    await expect(client.downloadPdf(final.documentId)).rejects.toMatchObject({
      code: 'MOLONI_BAD_GATEWAY',
      message: expect.stringContaining('HTTP 502, text/html'),
    });
    // Nothing else is wrong: the next download is the PDF.
    expect(Buffer.from((await client.downloadPdf(final.documentId)).subarray(0, 4)).toString()).toBe('%PDF');
  });

  it('downloads from www.moloni.pt for the production API, else from the base URL’s host', () => {
    expect(downloadOriginOf('https://api.moloni.pt/v1/')).toBe('https://www.moloni.pt');
    expect(downloadOriginOf('http://127.0.0.1:8765/v1/')).toBe('http://127.0.0.1:8765');
    expect(pdfDownloadUrl('https://www.moloni.pt', 'https://www.moloni.pt/downloads/?h=abc&d=7')).toBe(
      'https://www.moloni.pt/downloads/index.php?action=getDownload&h=abc&d=7&e=',
    );
  });
});

describe('reconciliation', () => {
  it('finds documents by our reference exactly, not by Moloni’s looser match', async () => {
    const h = await harness();
    const client = h.client();
    const one = await client.issueDocument({ request: invoiceRequest(), ourReference: 'R-1' });
    await client.issueDocument({ request: invoiceRequest(), ourReference: 'R-10' });
    await client.issueDocument({ request: invoiceRequest(), ourReference: 'XR-1' });
    const found = await client.findByOurReference('R-1');
    expect(found).toEqual([
      {
        documentId: one.documentId,
        documentType: 'invoice_receipt',
        status: 'final',
        number: 'FR M/1',
        series: 'M',
        ourReference: 'R-1',
        totalGrossCents: 1000,
        date: expect.any(String),
        companyId: 240211,
      },
    ]);
    expect(await client.findByOurReference('R-1', 'invoice')).toEqual([]);
    expect(await client.findByOurReference('R-1', 'invoice_receipt')).toHaveLength(1);
    expect(await client.findByOurReference('R-2')).toEqual([]);
  });

  it('pages through more than 50 loose matches to find the exact one', async () => {
    const h = await harness();
    const client = h.client();
    const request = invoiceRequest({ status: 'draft' });
    const target = await client.issueDocument({ request, ourReference: 'PAGE-' });
    // The sandbox lists newest first and matches substrings: 55 newer look-alikes push the target
    // to the second page of 50.
    for (let index = 0; index < 55; index++) {
      await client.issueDocument({ request, ourReference: `PAGE-${index}` });
    }
    h.running.sandbox.stats.reset();
    const found = await client.findByOurReference('PAGE-');
    expect(found.map((item) => item.documentId)).toEqual([target.documentId]);
    expect(found[0]).toMatchObject({ status: 'draft', number: null });
    expect(h.calls('documents/getAll')).toBe(2);
  });

  it('completes an adopted draft: verifies, closes and numbers it', async () => {
    const h = await harness();
    const client = h.client();
    const request = invoiceRequest();
    const draft = await client.issueDocument({
      request: { ...request, status: 'draft' },
      ourReference: 'AD-1',
    });
    const completed = await client.completeDocument(draft.documentId, request);
    expect(completed).toMatchObject({ documentId: draft.documentId, status: 'final', number: 'FR M/1' });
    // Completing again is harmless: the document is already final.
    const again = await client.completeDocument(draft.documentId, request);
    expect(again).toMatchObject({ status: 'final', number: 'FR M/1' });
    expect(h.calls('invoiceReceipts/update')).toBe(1);
    await expect(client.completeDocument(123, request)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      details: { document_id: 123 },
    });
    await expect(
      client.completeDocument(draft.documentId, { ...request, documentType: 'invoice' }),
    ).rejects.toMatchObject({ code: 'REFERENCE_ALREADY_ISSUED' });
  });
});
