import { SEED_EXAMPLE_BODY } from '@faturador/testing';
import { describe, expect, it } from 'vitest';
import { documentsOf, harness, invoiceRequest } from './test/support.ts';

/** Calls Moloni received while `work` ran, by endpoint. */
async function callsDuring(h: Awaited<ReturnType<typeof harness>>, work: () => Promise<unknown>) {
  const before = h.running.sandbox.stats.snapshot().byEndpoint;
  await work();
  const after = h.running.sandbox.stats.snapshot().byEndpoint;
  const made: Record<string, number> = {};
  for (const [endpoint, count] of Object.entries(after)) {
    const delta = count - (before[endpoint] ?? 0);
    if (delta > 0) made[endpoint] = delta;
  }
  return made;
}

describe('warm issuance', () => {
  it('makes 4 Moloni calls for a final document and 2 for a draft: no customer or product lookups', async () => {
    const h = await harness();
    const client = h.client();
    await client.issueDocument({ request: invoiceRequest(), ourReference: 'W-0' });
    const final = await callsDuring(h, () =>
      client.issueDocument({ request: invoiceRequest(), ourReference: 'W-1' }),
    );
    expect(final).toEqual({
      'invoiceReceipts/insert': 1,
      'documents/getOne': 2,
      'invoiceReceipts/update': 1,
    });
    const draft = await callsDuring(h, () =>
      client.issueDocument({ request: invoiceRequest({ status: 'draft' }), ourReference: 'W-2' }),
    );
    expect(draft).toEqual({ 'invoiceReceipts/insert': 1, 'documents/getOne': 1 });
  });

  it('still updates a known customer whose request brings a new address or e-mail', async () => {
    const h = await harness();
    const client = h.client();
    await client.issueDocument({ request: invoiceRequest(), ourReference: 'W-3' });
    const customer = { ...SEED_EXAMPLE_BODY.customer, address: 'Avenida da Liberdade 10, Lisboa' };
    const moved = invoiceRequest({ customer });
    const calls = await callsDuring(h, () => client.issueDocument({ request: moved, ourReference: 'W-4' }));
    expect(calls['customers/getByVat']).toBeGreaterThanOrEqual(1);
    expect(calls['customers/update']).toBe(1);
    const [first, second] = documentsOf(h.running);
    expect(second?.customer_id).toBe(first?.customer_id);
    // Asked the same way again, it is warm again.
    const again = await callsDuring(h, () =>
      client.issueDocument({
        request: invoiceRequest({ customer }),
        ourReference: 'W-5',
      }),
    );
    expect(again['customers/getByVat']).toBeUndefined();
  });

  it('a customer deleted in Moloni after it was cached: the refused insert is sent once more with fresh lookups', async () => {
    const h = await harness();
    const client = h.client();
    await client.issueDocument({ request: invoiceRequest(), ourReference: 'W-6' });
    const [first] = documentsOf(h.running);
    h.running.sandbox.state.customers.delete(first?.customer_id ?? -1);
    const issued = await client.issueDocument({ request: invoiceRequest(), ourReference: 'W-7' });
    expect(issued.status).toBe('final');
    const documents = documentsOf(h.running).filter((doc) => doc.our_reference === 'W-7');
    expect(documents).toHaveLength(1);
    expect(documents[0]?.customer_id).not.toBe(first?.customer_id);
    expect(h.calls('invoiceReceipts/insert')).toBe(3);
  });
});
