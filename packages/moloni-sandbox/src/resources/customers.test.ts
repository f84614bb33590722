import { describe, expect, it } from 'vitest';
import { customerAndProduct, documentBody, sandbox, type TestSandbox, VALID_CUSTOMER } from '../test/http.ts';

async function insert(test: TestSandbox, fields: Record<string, unknown>) {
  return (await test.call('customers/insert', { ...VALID_CUSTOMER, ...fields })).body;
}

describe('customers/insert', () => {
  it('returns {valid, customer_id} and stores the record', async () => {
    const test = await sandbox();
    const result = await insert(test, {});
    expect(result).toEqual({ valid: 1, customer_id: expect.any(Number) });
    const one = await test.call('customers/getOne', { customer_id: result.customer_id });
    expect(one.body).toMatchObject({
      customer_id: result.customer_id,
      vat: '509999999',
      number: '1',
      name: 'Eduardo Costa',
    });
  });

  it('reports every failing field in field order, as HTTP 200 error strings', async () => {
    const test = await sandbox();
    const response = await test.call('customers/insert', {
      ...VALID_CUSTOMER,
      vat: '509999998',
      name: '',
      zip_code: '1700',
      email: 'not-an-email',
    });
    expect(response).toEqual({ status: 200, body: ['8 vat', '1 name', '7 zip_code', '3 email'] });
  });

  it('explains the same errors with human_errors=true', async () => {
    const test = await sandbox();
    const response = await test.call(
      'customers/insert',
      { ...VALID_CUSTOMER, vat: '123' },
      { humanErrors: true },
    );
    expect(response.body).toEqual([{ code: '8 vat', description: expect.stringContaining('VAT') }]);
  });

  it('requires the documented fields', async () => {
    const test = await sandbox();
    const response = await test.call('customers/insert', {});
    expect(response.body).toEqual([
      '1 vat',
      '1 number',
      '1 name',
      '1 language_id',
      '1 address',
      '1 city',
      '1 country_id',
    ]);
  });

  it('validates VAT and postcode only for Portugal', async () => {
    const test = await sandbox();
    expect(
      await insert(test, { vat: 'ESX1234567Z', zip_code: '28001', country_id: 70, language_id: 2 }),
    ).toMatchObject({
      valid: 1,
    });
  });

  it('accepts "" for maturity_date_id and payment_method_id but refuses 0, as Moloni does', async () => {
    const test = await sandbox();
    expect(await insert(test, { maturity_date_id: '', payment_method_id: '' })).toMatchObject({ valid: 1 });
    const zero = await test.call('customers/insert', {
      ...VALID_CUSTOMER,
      number: '2',
      maturity_date_id: 0,
      payment_method_id: 0,
    });
    expect(zero).toEqual({ status: 200, body: ['2 maturity_date_id 1 0', '2 payment_method_id 1 0'] });
  });

  it('rejects a duplicate customer number with "4 number"', async () => {
    const test = await sandbox();
    await insert(test, { number: '7' });
    expect(await insert(test, { number: '7', vat: '123456789' })).toEqual(['4 number']);
  });

  it('proposes the next number, keeping zero padding', async () => {
    const test = await sandbox();
    expect((await test.call('customers/getNextNumber')).body).toEqual({ number: '1' });
    await insert(test, { number: '05875' });
    expect((await test.call('customers/getNextNumber')).body).toEqual({ number: '05876' });
  });
});

describe('customer lookups', () => {
  it('getByVat matches anywhere unless exact=1; getByEmail ignores case', async () => {
    const test = await sandbox();
    await insert(test, { number: '1', vat: '509999999' });
    await insert(test, { number: '2', vat: '123456789', email: 'Ana@Example.pt' });
    const loose = await test.call('customers/getByVat', { vat: '9999' });
    expect(loose.body.map((c: { vat: string }) => c.vat)).toEqual(['509999999']);
    expect((await test.call('customers/getByVat', { vat: '9999', exact: 1 })).body).toEqual([]);
    expect((await test.call('customers/getByVat', { vat: '123456789', exact: 1 })).body).toHaveLength(1);
    const byEmail = await test.call('customers/getByEmail', { email: 'ana@example.PT' });
    expect(byEmail.body.map((c: { number: string }) => c.number)).toEqual(['2']);
    const search = await test.call('customers/getBySearch', { search: 'costa' });
    expect(search.body).toHaveLength(2);
    expect((await test.call('customers/getOne', { customer_id: 1 })).body).toEqual([]);
  });
});

describe('customers/update', () => {
  it('updates fields, but keeps vat and number once the customer is on a document', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    const before = (await test.call('customers/getOne', { customer_id: ids.customerId })).body;
    const update = {
      ...VALID_CUSTOMER,
      customer_id: ids.customerId,
      number: before.number,
      address: 'Rua Nova 1',
    };
    expect((await test.call('customers/update', update)).body).toEqual({
      valid: 1,
      customer_id: ids.customerId,
    });

    await test.call('invoiceReceipts/insert', documentBody(ids));
    await test.call('customers/update', {
      ...update,
      vat: '123456789',
      number: '999',
      email: 'novo@example.pt',
    });
    const after = (await test.call('customers/getOne', { customer_id: ids.customerId })).body;
    expect(after).toMatchObject({
      vat: '509999999',
      number: before.number,
      email: 'novo@example.pt',
      address: 'Rua Nova 1',
    });
  });

  it('rejects an unknown customer_id', async () => {
    const test = await sandbox();
    expect((await test.call('customers/update', { ...VALID_CUSTOMER, customer_id: 42 })).body).toEqual([
      '2 customer_id',
    ]);
  });
});
