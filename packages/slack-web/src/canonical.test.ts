import { type InvoiceRequestBody, parseInvoiceRequest } from '@faturador/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUTTON_VALUE_MAX, canonicalInvoiceBody, decodeRetryValue, encodeRetryValue } from './canonical.ts';

function parse(body: unknown) {
  const parsed = parseInvoiceRequest(body);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

const origin = {
  kind: 'slack' as const,
  channel: 'C0123ABCD',
  message_ts: '1700000000.000100',
  user_id: 'U1',
};

const bodies: fc.Arbitrary<InvoiceRequestBody> = fc.record({
  reference: fc.stringMatching(/^[A-Z][A-Za-z0-9-]{0,40}$/),
  customer: fc.record(
    {
      name: fc.stringMatching(/^[A-Za-zÀ-ú][A-Za-zÀ-ú .'-]{0,60}$/),
      vat_number: fc.constantFrom('509999999', ' PT 509 999 999', '999999990', '123456789'),
      email: fc.constant('ops@example.pt'),
      address: fc.constant('Rua do Campo Grande 45'),
      country: fc.constantFrom('pt', 'PT', 'ES'),
    },
    { requiredKeys: ['name'] },
  ),
  items: fc.array(
    fc.record(
      {
        product: fc.stringMatching(/^[a-z][a-z ]{0,30}$/),
        gross_price: fc.integer({ min: 1, max: 99_999 }).map((cents) => cents / 100),
        vat_rate: fc.constantFrom(6, 13, 23),
        quantity: fc.constantFrom(1, 2, 3),
      },
      { requiredKeys: ['product', 'gross_price', 'vat_rate'] },
    ),
    { minLength: 1, maxLength: 4 },
  ),
  document_type: fc.constantFrom('invoice_receipt' as const, 'invoice' as const),
  status: fc.constantFrom('final' as const, 'draft' as const),
});

describe('canonicalInvoiceBody', () => {
  it('is a fixpoint of parsing: the body rebuilt from a ledger request is the body that was sent', () => {
    fc.assert(
      fc.property(bodies, (body) => {
        const parsed = parseInvoiceRequest(body);
        fc.pre(parsed.ok);
        if (!parsed.ok) return;
        const sent = canonicalInvoiceBody(parsed.value);
        expect(canonicalInvoiceBody(parse(sent))).toEqual(sent);
        // JSON round trip too: the ledger stores the request as JSON.
        expect(canonicalInvoiceBody(parse(JSON.parse(JSON.stringify(sent))))).toEqual(sent);
      }),
    );
  });

  it('spells out defaults and normalises the NIF; the final consumer is implicit', () => {
    const sent = canonicalInvoiceBody(
      parse({
        reference: 'R-1',
        customer: { name: ' Ana ', vat_number: 'PT 509 999 999' },
        items: [{ product: 'x', gross_price: 10.5, vat_rate: 23 }],
      }),
    );
    expect(sent).toEqual({
      reference: 'R-1',
      customer: { name: 'Ana', vat_number: '509999999', country: 'PT' },
      items: [{ product: 'x', quantity: 1, gross_price: 10.5, vat_rate: 23 }],
      document_type: 'invoice_receipt',
      status: 'final',
      fiscal_zone: 'PT',
    });
    const anonymous = canonicalInvoiceBody(
      parse({
        reference: 'R-2',
        customer: { name: 'Consumidor final' },
        items: [{ product: 'x', gross_price: 1, vat_rate: 6 }],
      }),
    );
    expect(anonymous.customer).not.toHaveProperty('vat_number');
  });
});

describe('retry button value', () => {
  it('round-trips the key, body, origin and request id', () => {
    const body = {
      reference: 'R-1',
      customer: { name: 'Ana' },
      items: [{ product: 'x', gross_price: 1, vat_rate: 23 }],
    };
    const value = encodeRetryValue({ idempotencyKey: 'slack:T1:1.2.abc', body, origin, requestId: 'req_1' });
    expect(value.length).toBeLessThanOrEqual(BUTTON_VALUE_MAX);
    expect(decodeRetryValue(value)).toEqual({
      idempotencyKey: 'slack:T1:1.2.abc',
      body,
      origin,
      requestId: 'req_1',
    });
  });

  it('drops the body rather than exceed what a button can carry', () => {
    const items = Array.from({ length: 40 }, (_, i) => ({
      product: `line ${i} ${'x'.repeat(60)}`,
      gross_price: 1,
      vat_rate: 23,
    }));
    const body = { reference: 'R-1', customer: { name: 'Ana' }, items };
    const value = encodeRetryValue({ idempotencyKey: 'slack:T1:1.2.abc', body, origin, requestId: null });
    expect(value.length).toBeLessThanOrEqual(BUTTON_VALUE_MAX);
    expect(decodeRetryValue(value)).toMatchObject({ idempotencyKey: 'slack:T1:1.2.abc', body: null, origin });
  });

  it('rejects values that are not ours', () => {
    expect(decodeRetryValue('not json')).toBeNull();
    expect(decodeRetryValue(JSON.stringify({ v: 1, k: 'x', o: { kind: 'api' } }))).toBeNull();
    expect(decodeRetryValue(JSON.stringify({ v: 2, k: 'x', o: origin }))).toBeNull();
  });
});
