import { describe, expect, it } from 'vitest';
import { documentsOf, harness, invoiceRequest } from './test/support.ts';

describe('the law of the document’s date, through Moloni', () => {
  it('issues a 0 % line with an exemption code added in 2025 (M44)', async () => {
    const h = await harness();
    const request = invoiceRequest({
      items: [{ product: 'Serviço no estrangeiro', gross_price: 250, vat_rate: 0, exemption_reason: 'M44' }],
    });
    const issued = await h.client().issueDocument({ request, ourReference: 'LAW-M44' });
    expect(issued).toMatchObject({ status: 'final', totalGrossCents: 25_000 });
    expect(documentsOf(h.running)[0]?.lines[0]).toMatchObject({ exemption_reason: 'M44', taxes: [] });
  });

  it('issues a back-dated Madeira document at the reduced rate of its date (5 % before 2024-10-01)', async () => {
    const h = await harness();
    const request = invoiceRequest({
      fiscal_zone: 'PT-MA',
      date: '2024-09-30',
      items: [{ product: 'Pão', gross_price: 10.5, vat_rate: 5 }],
    });
    const issued = await h.client().issueDocument({ request, ourReference: 'LAW-MA-5' });
    expect(issued).toMatchObject({ status: 'final', totalGrossCents: 1050 });
    const [document] = documentsOf(h.running);
    expect(document?.date).toBe('2024-09-30');
    const taxId = document?.lines[0]?.taxes[0]?.tax_id ?? -1;
    expect(h.running.sandbox.state.taxes.get(taxId)).toMatchObject({ fiscal_zone: 'PT-MA', value: 5 });
  });
});
