import { describe, expect, it } from 'vitest';
import { customerAndProduct, documentBody, sandbox } from '../test/http.ts';

type Test = Awaited<ReturnType<typeof sandbox>>;
type Ids = Awaited<ReturnType<typeof customerAndProduct>>;

async function closed(test: Test, endpoint: string, ids: Ids, qty = 1) {
  const body = documentBody(ids, { status: 1 });
  const [line] = body.products as Array<Record<string, unknown>>;
  if (line) line.qty = qty;
  const { body: inserted } = await test.call(`${endpoint}/insert`, body);
  const { body: view } = await test.call('documents/getOne', { document_id: inserted.document_id });
  return view;
}

function creditNote(ids: Ids, original: { document_id: number }, line: Record<string, unknown>, extra = {}) {
  return documentBody(ids, {
    our_reference: 'TI-2026-05-18-0007/NC1',
    associated_documents: [{ associated_id: original.document_id, value: 0 }],
    products: [
      {
        product_id: ids.productId,
        name: 'Mensalidade',
        price: line.price,
        qty: line.qty,
        related_id: line.document_product_id,
        taxes: [{ tax_id: 2564343, value: 23, order: 0, cumulative: 0 }],
      },
    ],
    ...extra,
  });
}

describe('creditNotes and documents/getUnrelatedProducts', () => {
  it('credits a line up to its quantity, and getUnrelatedProducts shows what is left', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    const fr = await closed(test, 'invoiceReceipts', ids, 3);
    const [line] = fr.products;
    expect(line.document_product_id).toEqual(expect.any(Number));

    const first = await test.call(
      'creditNotes/insert',
      creditNote(ids, fr, { ...line, qty: 2 }, { status: 1 }),
    );
    expect(first.body).toEqual({ valid: 1, document_id: expect.any(Number) });
    const nc = (await test.call('documents/getOne', { document_id: first.body.document_id })).body;
    expect(nc).toMatchObject({
      document_type: { document_type_id: 3, saft_code: 'NC' },
      number: 1,
      status: 1,
      associated_documents: [{ associated_id: fr.document_id }],
      products: [{ related_id: line.document_product_id, qty: 2 }],
    });
    const left = await test.call('documents/getUnrelatedProducts', { document_id: fr.document_id });
    expect(left.body).toEqual([
      expect.objectContaining({ document_product_id: line.document_product_id, qty: 1 }),
    ]);

    // Two more than the one left: refused when closing, nothing changes.
    const tooMuch = await test.call(
      'creditNotes/insert',
      creditNote(ids, fr, { ...line, qty: 2 }, { status: 1 }),
    );
    expect(tooMuch.body).toEqual(['5 products[0][qty]']);
    const after = await test.call('creditNotes/getAll', {});
    expect(after.body).toHaveLength(1);
  });

  it('refuses a credit note with no associated document, or one that is a draft', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    const fr = await closed(test, 'invoiceReceipts', ids);
    const [line] = fr.products;
    const none = await test.call(
      'creditNotes/insert',
      creditNote(ids, fr, line, { associated_documents: [] }),
    );
    expect(none.body).toEqual(['1 associated_documents']);
    const draft = (await test.call('invoices/insert', documentBody(ids))).body;
    const onDraft = await test.call('creditNotes/insert', creditNote(ids, draft, line));
    expect(onDraft.body).toEqual(['10 associated_documents[0][associated_id]']);
  });
});

describe('receipts', () => {
  it('settles an FT in two payments, and refuses more than is open', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    const ft = await closed(test, 'invoices', ids);
    expect(ft.reconciled_value).toBe(0);
    const receipt = (value: number, extra = {}) => ({
      date: '2026-05-18',
      document_set_id: 884384,
      customer_id: ids.customerId,
      net_value: value,
      associated_documents: [{ associated_id: ft.document_id, value }],
      status: 1,
      ...extra,
    });
    const first = await test.call('receipts/insert', receipt(4));
    expect(first.body).toEqual({ valid: 1, document_id: expect.any(Number) });
    const re = (await test.call('receipts/getOne', { document_id: first.body.document_id })).body;
    expect(re).toMatchObject({
      document_type: { document_type_id: 2, saft_code: 'RE' },
      net_value: 4,
      gross_value: 0,
      status: 1,
      number: 1,
      associated_documents: [{ associated_id: ft.document_id, value: 4 }],
      // No payments sent: one automatic payment of the whole value (seed 002).
      payments: [expect.objectContaining({ value: 4 })],
    });
    expect((await test.call('documents/getOne', { document_id: ft.document_id })).body.reconciled_value).toBe(
      4,
    );

    expect((await test.call('receipts/insert', receipt(6.01))).body).toEqual([
      '5 associated_documents[0][value] <= 6',
    ]);
    // A closed receipt cannot be updated (seed 002).
    const update = await test.call('receipts/update', { document_id: first.body.document_id, notes: 'x' });
    expect(update.body).toEqual(['5 status']);
    expect((await test.call('receipts/insert', receipt(6))).body.valid).toBe(1);
    expect((await test.call('documents/getOne', { document_id: ft.document_id })).body.reconciled_value).toBe(
      10,
    );
  });

  it('refuses to associate an FR (already paid)', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    const fr = await closed(test, 'invoiceReceipts', ids);
    const refused = await test.call('receipts/insert', {
      date: '2026-05-18',
      document_set_id: 884384,
      customer_id: ids.customerId,
      net_value: 10,
      associated_documents: [{ associated_id: fr.document_id, value: 10 }],
    });
    expect(refused.body).toEqual(['10 associated_documents[0][associated_id]']);
  });
});
