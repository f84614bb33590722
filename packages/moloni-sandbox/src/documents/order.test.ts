import { describe, expect, it } from 'vitest';
import { customerAndProduct, documentBody, sandbox } from '../test/http.ts';

describe('the order of document lists', () => {
  it('is newest first by default; the control route turns it round, and reset brings it back', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    const inserted: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { body } = await test.call(
        'invoiceReceipts/insert',
        documentBody(ids, { our_reference: 'SAME' }),
      );
      inserted.push(body.document_id);
    }
    const listed = async () =>
      (await test.call('documents/getAll', { our_reference: 'SAME' })).body.map(
        (d: { document_id: number }) => d.document_id,
      );
    expect(await listed()).toEqual([...inserted].reverse());
    expect((await test.control('GET', 'documents/order')).body).toEqual({ order: 'newest_first' });

    expect((await test.control('POST', 'documents/order', { order: 'oldest_first' })).status).toBe(200);
    expect(await listed()).toEqual(inserted);
    // getOne takes the first of the list, so it follows the order too.
    const one = await test.call('invoiceReceipts/getOne', { our_reference: 'SAME' });
    expect(one.body.document_id).toBe(inserted[0]);

    expect((await test.control('POST', 'documents/order', { order: 'random' })).status).toBe(400);
    await test.control('POST', 'reset');
    expect((await test.control('GET', 'documents/order')).body).toEqual({ order: 'newest_first' });
  });
});
