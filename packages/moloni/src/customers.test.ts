import { FaturadorError } from '@faturador/core';
import { CASH_PAYMENT_METHOD_ID, seedCustomer } from '@faturador/moloni-sandbox';
import { describe, expect, it } from 'vitest';
import { normalizeZip } from './customers.ts';
import { documentsOf, harness, invoiceRequest } from './test/support.ts';

function customers(h: Awaited<ReturnType<typeof harness>>) {
  return [...h.running.sandbox.state.customers.values()];
}

describe('customer resolution', () => {
  it('creates a customer with the next number and the plugin defaults, then reuses it', async () => {
    const h = await harness();
    const client = h.client();
    const request = invoiceRequest({ customer: { name: 'Eduardo Costa', vat_number: '509999999' } });
    await client.issueDocument({ request, ourReference: 'C-1' });
    const [created, ...others] = customers(h);
    expect(others).toEqual([]);
    expect(created).toMatchObject({
      vat: '509999999',
      name: 'Eduardo Costa',
      number: '1',
      address: 'Desconhecido',
      city: 'Desconhecido',
      zip_code: '1000-100',
      country_id: 1,
      language_id: 1,
      payment_method_id: 1753478,
      maturity_date_id: 1421690,
    });
    expect(documentsOf(h.running)[0]?.customer_id).toBe(created?.customer_id);

    await client.issueDocument({ request, ourReference: 'C-2' });
    expect(customers(h)).toHaveLength(1);
    expect(h.calls('customers/insert')).toBe(1);
    expect(h.calls('customers/update')).toBe(0);
  });

  it('updates the address and e-mail of an existing customer when they differ, and nothing else', async () => {
    const h = await harness();
    const existing = seedCustomer(h.running, {
      name: 'Eduardo Costa',
      vat: '509999999',
      phone: '213000000',
      notes: 'cliente antigo',
    });
    const client = h.client();
    await client.issueDocument({
      request: invoiceRequest({
        customer: {
          name: 'Eduardo Costa',
          vat_number: '509999999',
          email: 'novo@example.pt',
          address: 'Rua Nova 2',
          zip_code: '1700100',
        },
      }),
      ourReference: 'C-3',
    });
    expect(h.calls('customers/insert')).toBe(0);
    expect(h.calls('customers/update')).toBe(1);
    expect(h.running.sandbox.state.customers.get(existing.customer_id)).toMatchObject({
      email: 'novo@example.pt',
      address: 'Rua Nova 2',
      zip_code: '1700-100',
      city: 'Porto', // not in the request: kept
      phone: '213000000',
      notes: 'cliente antigo',
      number: existing.number,
    });
  });

  it('updates a customer that carries 0 as payment method and term with the account defaults', async () => {
    const h = await harness();
    // Real customers carry 0 (moloni-client-ts canned customers/getAll); update refuses 0.
    const existing = seedCustomer(h.running, {
      name: 'Eduardo Costa',
      vat: '509999999',
      maturity_date_id: 0,
      payment_method_id: 0,
    });
    await h.client().issueDocument({
      request: invoiceRequest({
        customer: { name: 'Eduardo Costa', vat_number: '509999999', email: 'novo@example.pt' },
      }),
      ourReference: 'C-ZERO',
    });
    expect(h.running.sandbox.state.customers.get(existing.customer_id)).toMatchObject({
      email: 'novo@example.pt',
      maturity_date_id: 1421690,
      payment_method_id: CASH_PAYMENT_METHOD_ID,
    });
    expect(documentsOf(h.running)[0]?.status).toBe(1);
  });

  it('matches the final consumer by e-mail only, never by the shared NIF', async () => {
    const h = await harness();
    seedCustomer(h.running, { name: 'Outra Pessoa', vat: '999999990', email: 'outra@example.pt' });
    const client = h.client();
    const anonymous = (email: string) => invoiceRequest({ customer: { name: 'Ana Silva', email } });
    await client.issueDocument({ request: anonymous('ana@example.pt'), ourReference: 'F-1' });
    await client.issueDocument({ request: anonymous('ANA@example.pt'), ourReference: 'F-2' });
    await client.issueDocument({ request: anonymous('rui@example.pt'), ourReference: 'F-3' });
    const finals = customers(h).filter((customer) => customer.vat === '999999990');
    expect(finals.map((customer) => customer.email).sort()).toEqual([
      'ana@example.pt',
      'outra@example.pt',
      'rui@example.pt',
    ]);
    expect(h.calls('customers/getByVat')).toBe(0);
    // One lookup each, under the customer's lock, with the next number read beside it (F-2's
    // number goes unused: ANA@ is ana@).
    expect(h.calls('customers/getByEmail')).toBe(3);
    expect(h.calls('customers/getNextNumber')).toBe(3);
    const [first, second] = documentsOf(h.running);
    expect(first?.customer_id).toBe(second?.customer_id);
  });

  it('reuses an e-mail-less final consumer of the same name', async () => {
    const h = await harness();
    const client = h.client();
    const request = invoiceRequest({ customer: { name: 'Balcão' } });
    await client.issueDocument({ request, ourReference: 'F-4' });
    await client.issueDocument({ request, ourReference: 'F-5' });
    expect(customers(h)).toHaveLength(1);
    expect(customers(h)[0]).toMatchObject({ vat: '999999990', name: 'Balcão', email: '' });
  });

  it('picks the customer with the requested name among several with one NIF', async () => {
    const h = await harness();
    seedCustomer(h.running, { name: 'Costa & Filhos, Lda.', vat: '509999999' });
    const wanted = seedCustomer(h.running, { name: 'Eduardo Costa', vat: '509999999' });
    await h.client().issueDocument({ request: invoiceRequest(), ourReference: 'A-1' });
    expect(documentsOf(h.running)[0]?.customer_id).toBe(wanted.customer_id);
  });

  it('refuses to guess between customers that share a NIF under other names', async () => {
    const h = await harness();
    const a = seedCustomer(h.running, { name: 'Costa & Filhos, Lda.', vat: '509999999' });
    const b = seedCustomer(h.running, { name: 'Costa Imobiliária', vat: 'PT509999999' });
    // Moloni's lookup is a LIKE: a longer NIF containing ours is not the same taxpayer.
    seedCustomer(h.running, { name: 'Eduardo Costa', vat: '5099999990', country_id: 70 });
    const error = await h
      .client()
      .issueDocument({ request: invoiceRequest(), ourReference: 'A-2' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FaturadorError);
    expect(error).toMatchObject({
      code: 'CUSTOMER_AMBIGUOUS',
      details: {
        vat: '509999999',
        candidates: [
          { customer_id: a.customer_id, name: a.name, number: a.number },
          { customer_id: b.customer_id, name: b.name, number: b.number },
        ],
      },
    });
    expect(documentsOf(h.running)).toEqual([]);
  });

  it('retries with a new number when another process took it first (4 number)', async () => {
    const h = await harness();
    const client = h.client();
    await client.issueDocument({ request: invoiceRequest(), ourReference: 'N-0' }); // warm the caches
    // Both read the same next number; the first insert is held back so the second wins it.
    h.fault({ kind: 'latency', endpoint: 'customers/insert', ms: 150, times: 1 });
    const other = h.client();
    await Promise.all([
      client.issueDocument({
        request: invoiceRequest({ customer: { name: 'Maria Lopes', vat_number: '123456789' } }),
        ourReference: 'N-1',
      }),
      other.issueDocument({
        request: invoiceRequest({ customer: { name: 'Rui Pinto', vat_number: '287654320' } }),
        ourReference: 'N-2',
      }),
    ]);
    const numbers = customers(h).map((customer) => customer.number);
    expect(new Set(numbers).size).toBe(3);
    expect(h.calls('customers/insert')).toBe(4);
    expect(h.calls('customers/getNextNumber')).toBe(4);
  });

  it('creates one customer when two processes issue for a new NIF at once', async () => {
    const h = await harness();
    const [a, b] = [h.client(), h.client()];
    await Promise.all([
      a.issueDocument({ request: invoiceRequest(), ourReference: 'L-1' }),
      b.issueDocument({ request: invoiceRequest(), ourReference: 'L-2' }),
    ]);
    expect(customers(h)).toHaveLength(1);
  });

  it('creates a foreign customer with its Moloni country and language', async () => {
    const h = await harness();
    await h.client().issueDocument({
      request: invoiceRequest({
        customer: {
          name: 'Lucía García',
          vat_number: '501000003',
          country: 'es',
          city: 'Madrid',
          zip_code: '28001',
        },
      }),
      ourReference: 'ES-1',
    });
    expect(customers(h)[0]).toMatchObject({
      country_id: 70,
      language_id: 2,
      zip_code: '28001',
      city: 'Madrid',
    });
    await expect(
      h.client().issueDocument({
        request: invoiceRequest({ customer: { name: 'X', vat_number: '502000007', country: 'ZZ' } }),
        ourReference: 'ZZ-1',
      }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { issues: [{ path: 'customer.country' }] },
    });
  });

  it('reports a postcode Moloni refuses as a business error naming the field', async () => {
    const h = await harness();
    const error = await h
      .client()
      .issueDocument({
        request: invoiceRequest({ customer: { name: 'Zé', vat_number: '123456789', zip_code: '12-34' } }),
        ourReference: 'Z-1',
      })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'MOLONI_BUSINESS_ERROR',
      details: { endpoint: 'customers/insert', errors: [{ code: 7, field: 'zip_code' }] },
    });
  });
});

describe('normalizeZip', () => {
  it('writes Portuguese postcodes as NNNN-NNN and leaves others alone', () => {
    expect(normalizeZip('1700100', 'PT')).toBe('1700-100');
    expect(normalizeZip('1700-100', 'PT')).toBe('1700-100');
    expect(normalizeZip('28001', 'ES')).toBe('28001');
  });
});
