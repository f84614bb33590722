import { DEMO_COMPANY_ID } from '@faturador/moloni-sandbox';
import { describe, expect, it } from 'vitest';
import { harness, invoiceRequest } from './test/support.ts';

describe('the company of a connection', () => {
  it("ignores Moloni's demo company (id 5) that companies/getAll lists first", async () => {
    const h = await harness();
    const { state } = h.running.sandbox;
    expect([...state.companies.keys()]).toEqual([DEMO_COMPANY_ID, 240211]);
    const client = h.client();
    expect(await client.companyId()).toBe(240211);
    const issued = await client.issueDocument({ request: invoiceRequest(), ourReference: 'CO-1' });
    expect(issued).toMatchObject({ companyId: 240211, number: 'FR M/1' });
  });

  it('refuses to choose between several real companies, listing their id, name and NIF', async () => {
    const h = await harness();
    const { state } = h.running.sandbox;
    const own = state.defaultCompany();
    if (!own) throw new Error('no seeded company');
    state.companies.set(240999, {
      ...own,
      company_id: 240999,
      name: 'Outra Empresa, Lda.',
      vat: '503000003',
    });
    const error = await h
      .client()
      .issueDocument({ request: invoiceRequest(), ourReference: 'CO-2' })
      .catch((reason: unknown) => reason);
    expect(error).toMatchObject({
      code: 'CONNECTION_NOT_CONFIGURED',
      details: {
        companies: [
          { company_id: 240211, name: 'Faturador Demo, Lda.', vat: '514000007' },
          { company_id: 240999, name: 'Outra Empresa, Lda.', vat: '503000003' },
        ],
      },
    });
    expect((error as Error).message).toContain('240211 Faturador Demo, Lda. (NIF 514000007)');
    expect((error as Error).message).toContain('240999 Outra Empresa, Lda. (NIF 503000003)');
    expect((error as Error).message).not.toContain(`${DEMO_COMPANY_ID} `);
    expect(state.documents.size).toBe(0);
    // A company id on the connection settles it.
    const chosen = h.client({ companyId: 240211 });
    expect(await chosen.issueDocument({ request: invoiceRequest(), ourReference: 'CO-3' })).toMatchObject({
      companyId: 240211,
    });
  });
});
