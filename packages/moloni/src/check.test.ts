import { CASH_PAYMENT_METHOD_ID, DEMO_COMPANY_ID } from '@faturador/moloni-sandbox';
import { describe, expect, it } from 'vitest';
import { harness } from './test/support.ts';

describe('checkConnection', () => {
  it('inserts a draft, reports what Moloni made of it, and deletes it', async () => {
    const h = await harness();
    const report = await h.client().checkConnection();
    expect(report).toMatchObject({
      demoCompanyListed: true,
      companyId: 240211,
      cashMethod: { payment_method_id: CASH_PAYMENT_METHOD_ID, name: 'Numerário' },
      draft: {
        documentType: 'invoice_receipt',
        number: -1,
        calcMethodId: expect.any(Number),
        requestedTotal: '10.00',
        moloniTotal: '10.00',
        payments: [{ payment_method_id: CASH_PAYMENT_METHOD_ID, name: 'Numerário' }],
        deleted: true,
      },
    });
    expect(report.companies.map((company) => company.company_id)).toEqual([DEMO_COMPANY_ID, 240211]);
    expect(report.paymentMethods[0]).toMatchObject({ name: 'Cheque', is_numerary: false });
    expect(h.running.sandbox.state.documents.size).toBe(0);
    expect(h.calls('invoiceReceipts/delete')).toBe(1);
  });
});
