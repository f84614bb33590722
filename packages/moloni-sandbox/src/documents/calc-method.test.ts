import { describe, expect, it } from 'vitest';
import { customerAndProduct, documentBody, sandbox } from '../test/http.ts';

const origin = (baseUrl: string) => baseUrl.replace(/\/v1\/$/, '');

describe('the company’s calculation method over HTTP', () => {
  it('companies/getOne reports it (1 per document, the default; 2 per line), getAll does not', async () => {
    const test = await sandbox();
    expect((await test.call('companies/getOne', {})).body).toMatchObject({ calc_method_id: 1 });
    expect((await test.call('companies/getAll', {})).body[0]).not.toHaveProperty('calc_method_id');
    const line = await sandbox({ calcMethod: 'line' });
    expect((await line.call('companies/getOne', {})).body).toMatchObject({ calc_method_id: 2 });
  });

  it('a control route switches it; documents keep the method they were inserted with', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    // 9.92 at 23 %: reachable per document, not per line (8.07 + 1.86 = 9.93).
    const body = documentBody(ids, { our_reference: 'DOC' }, 9.92);
    const before = (await test.call('invoiceReceipts/insert', body)).body.document_id;
    const url = `${origin(test.running.baseUrl)}/_sandbox/calc-method`;
    const switched = await fetch(url, { method: 'POST', body: JSON.stringify({ method: 'line' }) });
    expect(await switched.json()).toEqual({
      companies: [{ company_id: test.companyId, calc_method_id: 2, method: 'line' }],
    });
    const after = (await test.call('invoiceReceipts/insert', { ...body, our_reference: 'LINE' })).body
      .document_id;
    const view = async (id: number) => (await test.call('documents/getOne', { document_id: id })).body;
    expect(await view(before)).toMatchObject({
      net_value: 9.92,
      document_calc_method: { document_id: before, calc_method_id: 1 },
    });
    expect(await view(after)).toMatchObject({
      net_value: 9.93,
      taxes_value: 1.86,
      document_calc_method: { document_id: after, calc_method_id: 2 },
    });
    const bad = await fetch(url, { method: 'POST', body: JSON.stringify({ method: 'sometimes' }) });
    expect(bad.status).toBe(400);
    expect(await (await fetch(url)).json()).toMatchObject({ companies: [{ method: 'line' }] });
  });
});
