import { BUTTON_VALUE_MAX } from '@faturador/slack-web';
import { describe, expect, it } from 'vitest';
import { createPreviewSigner, type PreviewTicket } from './preview-value.ts';
import type { DraftInvoice } from './quick.ts';

const draft: DraftInvoice = {
  customer: { name: 'Cliente 509999999', vat_number: '509999999', country: 'PT' },
  items: [{ product: 'mensalidade', quantity: 1, gross_price: 10, vat_rate: 23 }],
  document_type: 'invoice_receipt',
  status: 'final',
  fiscal_zone: 'PT',
};

const ticket: PreviewTicket = {
  idempotencyKey: 'slack:T0FAKE:1.2.abc',
  teamId: 'T0FAKE',
  channel: 'C0FATURAS',
  userId: 'U0OPS0001',
  createdAt: 1_700_000_000_000,
  draft,
};

describe('the signed value of a preview button', () => {
  const signer = createPreviewSigner('signing-secret');

  it('comes back as it was signed, draft included when it fits', () => {
    const { value, withDraft } = signer.encode(ticket);
    expect(withDraft).toBe(true);
    expect(value.length).toBeLessThanOrEqual(BUTTON_VALUE_MAX);
    expect(signer.decode(value)).toEqual(ticket);
  });

  it('leaves a draft too large for Slack out, still signed', () => {
    const items = Array.from({ length: 40 }, (_, i) => ({
      product: `linha ${i} com uma descrição comprida`,
      quantity: 1,
      gross_price: 10,
      vat_rate: 23,
    }));
    const { value, withDraft } = signer.encode({ ...ticket, draft: { ...draft, items } });
    expect(withDraft).toBe(false);
    expect(value.length).toBeLessThanOrEqual(BUTTON_VALUE_MAX);
    expect(signer.decode(value)).toEqual({ ...ticket, draft: null });
  });

  it('refuses a changed value, another secret, and what is not a value at all', () => {
    const { value } = signer.encode(ticket);
    expect(signer.decode(value.replace('U0OPS0001', 'U0STRANGE'))).toBeNull();
    expect(createPreviewSigner('another-secret').decode(value)).toBeNull();
    expect(signer.decode('')).toBeNull();
    expect(signer.decode('{"k":"x"}')).toBeNull();
  });
});
