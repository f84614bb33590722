import { describe, expect, it } from 'vitest';
import { customerAndProduct, documentBody, sandbox } from '../test/http.ts';

describe('invoiceReceipts insert → getOne', () => {
  it('stores a draft with number -1 and the reference totals for 10.00 at 23%', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    const inserted = await test.call('invoiceReceipts/insert', documentBody(ids));
    expect(inserted).toEqual({ status: 200, body: { valid: 1, document_id: expect.any(Number) } });

    const { body } = await test.call('documents/getOne', { document_id: inserted.body.document_id });
    expect(body).toMatchObject({
      document_id: inserted.body.document_id,
      document_type_id: 27,
      document_type: { document_type_id: 27, saft_code: 'FR' },
      document_set_id: 884384,
      document_set_name: 'M',
      number: -1,
      status: 0,
      date: '2026-05-18T00:00:00+0000',
      year: 2026,
      our_reference: 'TI-2026-05-18-0007',
      entity_name: 'Eduardo Costa',
      entity_vat: '509999999',
      gross_value: 8.13,
      comercial_discount_value: 0,
      taxes_value: 1.87,
      net_value: 10,
      products: [
        {
          product_id: ids.productId,
          qty: 1,
          price: 8.1300813008,
          taxes: [{ tax_id: 2564343, value: 23, incidence_value: 8.13, total_value: 1.87 }],
        },
      ],
      // No `payments` sent: one payment for the full total with the first method.
      payments: [{ payment_method_id: 1753478, payment_method_name: 'Numerário', value: 10 }],
    });
  });

  it('accepts the same document as a PHP form body', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    const inserted = await test.call('invoiceReceipts/insert', documentBody(ids, { status: 1 }), {
      mode: 'form',
    });
    expect(inserted.body.valid).toBe(1);
    const { body } = await test.call('invoiceReceipts/getOne', { document_id: inserted.body.document_id });
    expect(body).toMatchObject({ number: 1, status: 1, net_value: 10, products: [{ name: 'Mensalidade' }] });
  });

  it('keeps explicit payments, and gives FT documents none', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    const payments = [{ payment_method_id: 1753493, date: '2026-05-18 10:00:00', value: 10, notes: 'MB' }];
    const fr = await test.call('invoiceReceipts/insert', documentBody(ids, { payments }));
    const frView = await test.call('documents/getOne', { document_id: fr.body.document_id });
    expect(frView.body.payments).toEqual([
      expect.objectContaining({ payment_method_id: 1753493, payment_method_name: 'Multibanco', value: 10 }),
    ]);
    const ft = await test.call('invoices/insert', documentBody(ids, { payments }));
    const ftView = await test.call('documents/getOne', { document_id: ft.body.document_id });
    expect(ftView.body).toMatchObject({
      document_type_id: 1,
      document_type: { saft_code: 'FT' },
      payments: [],
    });
    const fs = await test.call('simplifiedInvoices/insert', documentBody(ids));
    const fsView = await test.call('documents/getOne', { document_id: fs.body.document_id });
    expect(fsView.body).toMatchObject({ document_type_id: 20, document_type: { saft_code: 'FS' } });
  });
});

describe('document validation', () => {
  it('reports header errors first, in field order', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    const bad = documentBody(ids, { date: '18/05/2026', document_set_id: '', customer_id: 77, products: [] });
    expect((await test.call('invoiceReceipts/insert', bad)).body).toEqual([
      '9 date',
      '2 document_set_id',
      '2 customer_id',
      '1 products',
    ]);
    const noDate = documentBody(ids, { date: '' });
    expect((await test.call('invoiceReceipts/insert', noDate, { humanErrors: true })).body).toEqual([
      { code: '1 date', description: expect.any(String) },
    ]);
  });

  it('then line errors: exemption reason at 0% VAT, one VAT per line, positive quantity', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    const line = (documentBody(ids).products as Array<Record<string, unknown>>)[0];
    const body = documentBody(ids, {
      products: [
        { ...line, taxes: [{ tax_id: 2564346 }] },
        { ...line, taxes: [{ tax_id: 2564343 }, { tax_id: 2564344 }] },
        { ...line, qty: 0, taxes: [] },
        { ...line, taxes: [], exemption_reason: 'M07' },
      ],
    });
    expect((await test.call('invoiceReceipts/insert', body)).body).toEqual([
      '1 products[0][exemption_reason]',
      '15 products[1][taxes]',
      '2 products[2][qty] 0 0',
      '1 products[2][exemption_reason]',
    ]);
    expect(test.running.sandbox.state.documents.size).toBe(0);
  });
});

describe('closing and numbering', () => {
  it('numbers closed documents 1, 2, … per series and type; drafts stay -1', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    const label = async (documentId: number) => {
      const { body } = await test.call('documents/getOne', { document_id: documentId });
      return `${body.document_type.saft_code} ${body.document_set_name}/${body.number}`;
    };
    const first = (await test.call('invoiceReceipts/insert', documentBody(ids))).body.document_id;
    const second = (await test.call('invoiceReceipts/insert', documentBody(ids))).body.document_id;
    const draft = (await test.call('invoiceReceipts/insert', documentBody(ids))).body.document_id;
    // Closing order, not insert order, decides the number.
    expect((await test.call('invoiceReceipts/update', { document_id: second, status: 1 })).body).toEqual({
      valid: 1,
      document_id: second,
    });
    await test.call('invoiceReceipts/update', { document_id: first, status: 1 });
    const invoice = (await test.call('invoices/insert', documentBody(ids, { status: 1 }))).body.document_id;
    const other = (
      await test.call('invoiceReceipts/insert', documentBody(ids, { status: 1, document_set_id: 884385 }))
    ).body.document_id;
    expect([await label(second), await label(first), await label(draft)]).toEqual([
      'FR M/1',
      'FR M/2',
      'FR M/-1',
    ]);
    expect([await label(invoice), await label(other)]).toEqual(['FT M/1', 'FR LOJA/1']);
    const closed = await test.call('documents/getOne', { document_id: first });
    expect(closed.body).toMatchObject({ status: 1, atcud: 'JFR5ZMXG-2', reconciled_value: 10 });
  });

  it('makes closed documents immutable', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    const id = (await test.call('invoiceReceipts/insert', documentBody(ids, { status: 1 }))).body.document_id;
    expect((await test.call('invoiceReceipts/update', { document_id: id, status: 1 })).body).toEqual([
      '5 status',
    ]);
    expect((await test.call('invoiceReceipts/update', { document_id: id, notes: 'x' })).body).toEqual([
      '5 status',
    ]);
    expect((await test.call('invoiceReceipts/delete', { document_id: id })).body).toEqual(['5 status']);
    expect((await test.call('invoices/update', { document_id: id, status: 1 })).body).toEqual([
      '2 document_id',
    ]);
    expect(test.running.sandbox.state.documents.get(id)?.number).toBe(1);
  });

  it('re-validates and re-totals a draft on update', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    const id = (await test.call('invoiceReceipts/insert', documentBody(ids))).body.document_id;
    const changed = documentBody(ids, {}, 12.3);
    await test.call('invoiceReceipts/update', { document_id: id, products: changed.products });
    expect((await test.call('documents/getOne', { document_id: id })).body).toMatchObject({
      net_value: 12.3,
      status: 0,
    });
    expect((await test.call('invoiceReceipts/update', { document_id: id, date: '2026-13-01' })).body).toEqual(
      ['9 date'],
    );
    expect((await test.call('invoiceReceipts/delete', { document_id: id })).body).toEqual({ valid: 1 });
    expect((await test.call('documents/getOne', { document_id: id })).body).toEqual([]);
  });

  it('refuses to close a document whose total is not positive ("2 net_value")', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    const id = (await test.call('invoiceReceipts/insert', documentBody(ids, {}, 0))).body.document_id;
    expect((await test.call('invoiceReceipts/update', { document_id: id, status: 1 })).body).toEqual([
      '2 net_value',
    ]);
  });

  it('refuses a document dated before the last closed one of its series', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    await test.call('invoiceReceipts/insert', documentBody(ids, { status: 1 }));
    const earlier = documentBody(ids, { status: 1, date: '2026-05-17', expiration_date: '' });
    expect((await test.call('invoiceReceipts/insert', earlier)).body).toEqual(['12 date >= 2026-05-18']);
  });
});

describe('error 16: anonymous buyers', () => {
  it('closes anonymous documents of any total, as Moloni does since Decreto-Lei n.º 28/2019', async () => {
    const test = await sandbox();
    const anonymous = await customerAndProduct(test, {
      vat: '999999990',
      name: 'Consumidor Final',
      address: 'Desconhecido',
      city: 'Desconhecido',
      email: '',
    });
    const big = await test.call('invoiceReceipts/insert', documentBody(anonymous, { status: 1 }, 5000));
    expect(big.body.valid).toBe(1);
    const simplified = await test.call(
      'simplifiedInvoices/insert',
      documentBody(anonymous, { status: 1 }, 999),
    );
    expect(simplified.body.valid).toBe(1);
  });

  it('with the pre-2019 rule (anonymousBuyerLimit 1000), refuses them from €1000', async () => {
    const test = await sandbox({ anonymousBuyerLimit: 1000 });
    const anonymous = await customerAndProduct(test, {
      vat: '999999990',
      name: 'Consumidor Final',
      address: 'Desconhecido',
      city: 'Desconhecido',
      email: '',
    });
    const small = await test.call('invoiceReceipts/insert', documentBody(anonymous, { status: 1 }, 999.99));
    expect(small.body.valid).toBe(1);
    const big = await test.call('invoiceReceipts/insert', documentBody(anonymous, {}, 1000));
    expect(big.body.valid).toBe(1);
    expect(
      (await test.call('invoiceReceipts/update', { document_id: big.body.document_id, status: 1 })).body,
    ).toEqual(['16 customer_id']);
    const named = await customerAndProduct(test, {
      vat: '999999990',
      name: 'Ana Silva',
      address: 'Desconhecido',
    });
    expect(
      (await test.call('simplifiedInvoices/insert', documentBody(named, { status: 1 }, 1500))).body,
    ).toEqual(['16 customer_id']);
    const identified = await customerAndProduct(test, { vat: '123456789', number: 'X1' });
    expect(
      (await test.call('invoices/insert', documentBody(identified, { status: 1 }, 5000))).body.valid,
    ).toBe(1);
  });
});

describe('listing and PDFs', () => {
  it('getAll filters by our_reference, year and status, pages by at most 50, and count is a string', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    for (let i = 0; i < 53; i++) {
      await test.call(
        'invoiceReceipts/insert',
        documentBody(ids, { our_reference: `REF-${i}`, status: i % 2 }),
      );
    }
    const byReference = await test.call('documents/getAll', { our_reference: 'REF-7' });
    expect(byReference.body.map((d: { our_reference: string }) => d.our_reference)).toEqual(['REF-7']);
    expect(byReference.body[0]).not.toHaveProperty('products');
    // Matching is by substring: clients must compare the reference themselves.
    const loose = await test.call('invoiceReceipts/getAll', { our_reference: 'REF-1' });
    expect(loose.body).toHaveLength(11);
    expect((await test.call('documents/getAll', { qty: 100 })).body).toHaveLength(50);
    expect((await test.call('documents/getAll', { qty: 50, offset: 50 })).body).toHaveLength(3);
    expect((await test.call('documents/getAll', { year: 2025 })).body).toEqual([]);
    expect((await test.call('documents/count', { status: 1 })).body).toEqual({ count: '26' });
    expect((await test.call('invoices/count')).body).toEqual({ count: '0' });
  });

  it('getPDFLink refuses drafts and links closed documents to a landing page; the PDF is behind it', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    const id = (await test.call('invoiceReceipts/insert', documentBody(ids))).body.document_id;
    expect((await test.call('documents/getPDFLink', { document_id: id })).body).toEqual(['5 status']);
    await test.call('invoiceReceipts/update', { document_id: id, status: 1 });
    const link = await test.call('documents/getPDFLink', { document_id: id });
    expect(link.body).toEqual({ url: expect.stringContaining(`${test.running.origin}/downloads/?h=`) });

    // As on Moloni, the link itself is HTML for people.
    const landing = await fetch(link.body.url);
    expect(landing.status).toBe(200);
    expect(landing.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await landing.text()).toMatch(
      /http-equiv="refresh" content="0; URL=index\.php\?action=getDownload&amp;h=/,
    );

    const query = new URL(link.body.url).search.slice(1);
    const response = await fetch(`${test.running.origin}/downloads/index.php?action=getDownload&${query}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = bytes.toString('latin1');
    expect(text).toContain('(Fatura-Recibo FR M/1)');
    expect(text).toContain('(Total: 10.00 EUR)');
    expect((await fetch(`${test.running.origin}/downloads/index.php?action=getDownload&h=nope`)).status).toBe(
      404,
    );
  });
});
