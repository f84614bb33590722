import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FaturadorError } from './errors.ts';
import { type InvoiceRequestBody, parseInvoiceRequest } from './invoice-request.ts';

const seedBody = {
  reference: 'TI-2026-05-18-0007',
  customer: {
    name: 'Eduardo Costa',
    vat_number: '509999999',
    email: 'eduardo@example.pt',
    address: 'Rua do Campo Grande 45, Lisboa',
  },
  items: [{ product: 'mensalidade TheInventors', gross_price: 10.0, vat_rate: 23 }],
} satisfies InvoiceRequestBody;

function errorOf(input: unknown): FaturadorError {
  const result = parseInvoiceRequest(input);
  if (result.ok) throw new Error('expected a validation error');
  return result.error;
}

function messageOf(input: unknown): string {
  return errorOf(input).message;
}

function withItem(item: Record<string, unknown>) {
  return { ...seedBody, items: [{ ...seedBody.items[0], ...item }] };
}

describe('parseInvoiceRequest', () => {
  it("accepts the seed's example and applies the defaults", () => {
    const result = parseInvoiceRequest(seedBody);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({
      reference: 'TI-2026-05-18-0007',
      documentType: 'invoice_receipt',
      status: 'final',
      fiscalZone: 'PT',
      totalGrossCents: 1000,
      customer: { vatNumber: '509999999', finalConsumer: false, country: 'PT' },
      lines: [
        {
          product: 'mensalidade TheInventors',
          quantity: 1,
          unitGrossCents: 1000,
          lineGrossCents: 1000,
          vatRate: 23,
        },
      ],
    });
  });

  it('uses the final consumer when the VAT number is omitted (the cURL example)', () => {
    const { vat_number: _omitted, ...customer } = seedBody.customer;
    const result = parseInvoiceRequest({ ...seedBody, customer });
    expect(result.ok && result.value.customer).toMatchObject({ vatNumber: '999999990', finalConsumer: true });
  });

  it('normalises a PT-prefixed NIF with spaces', () => {
    const result = parseInvoiceRequest({
      ...seedBody,
      customer: { ...seedBody.customer, vat_number: 'PT 509 999 999' },
    });
    expect(result.ok && result.value.customer.vatNumber).toBe('509999999');
  });

  it('names the exact path, as the seed does', () => {
    expect(messageOf(withItem({ vat_rate: 24 }))).toMatch(/^items\[0\]\.vat_rate is invalid: must be one of/);
    const error = errorOf(withItem({ vat_rate: 24 }));
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.status).toBe(400);
    expect(error.details).toEqual({
      issues: [
        { path: 'items[0].vat_rate', reason: expect.any(String), code: 'one_of', params: expect.any(Object) },
      ],
    });
  });

  it.each([
    ['more than two decimals', withItem({ gross_price: 10.001 }), 'items[0].gross_price', 'two decimals'],
    ['a zero price', withItem({ gross_price: 0 }), 'items[0].gross_price', 'greater than 0'],
    ['a negative price', withItem({ gross_price: -5 }), 'items[0].gross_price', 'greater than 0'],
    ['a price as a string', withItem({ gross_price: '10.00' }), 'items[0].gross_price', 'number'],
    ['an unknown VAT rate', withItem({ vat_rate: 21 }), 'items[0].vat_rate', 'one of'],
    ['a rate of another zone', withItem({ vat_rate: 22 }), 'items[0].vat_rate', 'fiscal zone PT'],
    ['0% without an exemption reason', withItem({ vat_rate: 0 }), 'items[0].exemption_reason', 'required'],
    [
      'an unknown exemption code',
      withItem({ vat_rate: 0, exemption_reason: 'X1' }),
      'items[0].exemption_reason',
      'exemption code',
    ],
    [
      'a bad NIF checksum',
      { ...seedBody, customer: { ...seedBody.customer, vat_number: '509999998' } },
      'customer.vat_number',
      'check digit',
    ],
    [
      'a bad e-mail',
      { ...seedBody, customer: { ...seedBody.customer, email: 'not-an-email' } },
      'customer.email',
      'e-mail',
    ],
    ['an unknown field', { ...seedBody, discount: 5 }, 'discount', 'not a known field'],
    ['an unknown nested field', withItem({ sku: 'X' }), 'items[0].sku', 'not a known field'],
    ['a missing reference', { customer: seedBody.customer, items: seedBody.items }, 'reference', 'required'],
    ['an empty reference', { ...seedBody, reference: '  ' }, 'reference', 'empty'],
    ['no items', { ...seedBody, items: [] }, 'items', 'at least one'],
    [
      'a missing customer name',
      { ...seedBody, customer: { vat_number: '509999999' } },
      'customer.name',
      'required',
    ],
    ['an impossible date', { ...seedBody, date: '2026-02-30' }, 'date', 'calendar'],
    ['an unknown document type', { ...seedBody, document_type: 'receipt' }, 'document_type', ''],
    [
      'a simplified invoice over 1000 EUR',
      {
        ...seedBody,
        document_type: 'simplified_invoice',
        items: [withItem({ gross_price: 1000.01 }).items[0]],
      },
      'document_type',
      '1000.00',
    ],
    [
      'an anonymous buyer at 1000 EUR on a document dated before Decreto-Lei n.º 28/2019',
      {
        ...seedBody,
        date: '2019-06-30',
        customer: { name: 'X' },
        items: [withItem({ gross_price: 1000 }).items[0]],
      },
      'customer.vat_number',
      '2019-07-01',
    ],
    ['a control character', { ...seedBody, reference: 'A\u0000B' }, 'reference', 'control'],
    ['a non-object body', [1, 2], 'body', 'object'],
  ])('rejects %s', (_name, input, path, reason) => {
    const error = errorOf(input);
    expect(error.code).toBe('VALIDATION_ERROR');
    const issues = (error.details as { issues: Array<{ path: string; reason: string }> }).issues;
    expect(issues.map((issue) => issue.path)).toContain(path);
    expect(issues.find((issue) => issue.path === path)?.reason).toContain(reason);
    expect(error.message.startsWith(`${issues[0]?.path} is invalid: `)).toBe(true);
  });

  it('accepts the regional rates in their zones and 0% with a reason', () => {
    expect(parseInvoiceRequest({ ...withItem({ vat_rate: 22 }), fiscal_zone: 'PT-MA' }).ok).toBe(true);
    expect(parseInvoiceRequest({ ...withItem({ vat_rate: 16 }), fiscal_zone: 'PT-AC' }).ok).toBe(true);
    expect(parseInvoiceRequest(withItem({ vat_rate: 0, exemption_reason: 'M07' })).ok).toBe(true);
  });

  it('multiplies quantities into whole-cent line totals', () => {
    const result = parseInvoiceRequest(withItem({ quantity: 3, gross_price: 12.49 }));
    expect(result.ok && result.value.totalGrossCents).toBe(3747);
    expect(messageOf(withItem({ quantity: 0.5, gross_price: 0.01 }))).toContain('items[0].quantity');
  });

  it('never throws, whatever JSON it is given', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = parseInvoiceRequest(value);
        return result.ok || result.error.code === 'VALIDATION_ERROR';
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on mutations of a valid body', () => {
    const leaf = fc.oneof(fc.jsonValue(), fc.double(), fc.string());
    fc.assert(
      fc.property(
        fc.constantFrom('reference', 'customer', 'items', 'document_type', 'status', 'date'),
        leaf,
        (key, value) => {
          const result = parseInvoiceRequest({ ...seedBody, [key]: value });
          return result.ok || result.error.code === 'VALIDATION_ERROR';
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('product', 'gross_price', 'vat_rate', 'quantity', 'exemption_reason'),
        leaf,
        (key, value) => {
          const result = parseInvoiceRequest(withItem({ [key]: value }));
          return result.ok || result.error.code === 'VALIDATION_ERROR';
        },
      ),
    );
  });
});

describe('the law of the document’s date', () => {
  const TODAY = { today: '2026-05-18' };
  const parse = (body: unknown) => parseInvoiceRequest(body, TODAY);
  const issuesOf = (body: unknown) => {
    const result = parse(body);
    return result.ok
      ? []
      : (result.error.details as { issues: Array<{ path: string; reason: string }> }).issues;
  };

  it('uses Madeira’s reduced rate of the date: 5 % until 2024-09-30, 4 % from 2024-10-01', () => {
    const madeira = (vat_rate: number, date?: string) => ({
      ...withItem({ vat_rate }),
      fiscal_zone: 'PT-MA',
      ...(date ? { date } : {}),
    });
    expect(parse(madeira(4)).ok).toBe(true);
    expect(parse(madeira(4, '2024-10-01')).ok).toBe(true);
    expect(parse(madeira(5, '2024-09-30')).ok).toBe(true);
    expect(issuesOf(madeira(5))).toEqual([
      {
        path: 'items[0].vat_rate',
        reason: expect.stringContaining('on 2026-05-18 (0, 4, 12, 22)'),
        code: 'vat_rate_of_zone',
        params: { rate: 5, zone: 'PT-MA', date: '2026-05-18', rates: '0, 4, 12, 22' },
      },
    ]);
    expect(issuesOf(madeira(4, '2024-09-30'))[0]?.reason).toContain('on 2024-09-30 (0, 5, 12, 22)');
  });

  it('uses the Azores’ normal rate of the date: 18 % until 2021-06-30, 16 % from 2021-07-01', () => {
    const azores = (vat_rate: number, date: string) => ({
      ...withItem({ vat_rate }),
      fiscal_zone: 'PT-AC',
      date,
    });
    expect(parse(azores(18, '2021-06-30')).ok).toBe(true);
    expect(parse(azores(16, '2021-06-30')).ok).toBe(false);
    expect(parse(azores(16, '2021-07-01')).ok).toBe(true);
    expect(parse(azores(18, '2021-07-01')).ok).toBe(false);
    expect(issuesOf(azores(16, '2015-06-30'))).toContainEqual({
      path: 'date',
      reason: expect.stringContaining('2015-07-01'),
      code: 'rates_unknown',
      params: { date: '2015-06-30', first: '2015-07-01', zone: 'PT-AC' },
    });
  });

  it('accepts the exemption codes added in 2025 and refuses codes outside their dates, naming them', () => {
    const exempt = (exemption_reason: string, date?: string) => ({
      ...withItem({ vat_rate: 0, exemption_reason }),
      ...(date ? { date } : {}),
    });
    for (const code of ['M44', 'M45', 'M46']) expect(parse(exempt(code)).ok).toBe(true);
    expect(issuesOf(exempt('M44', '2024-12-31'))).toEqual([
      {
        path: 'items[0].exemption_reason',
        reason: 'M44 may only be used from 2025-01-01 (the document is dated 2024-12-31)',
        code: 'exemption_not_yet',
        params: { code: 'M44', from: '2025-01-01', date: '2024-12-31' },
      },
    ]);
    expect(parse(exempt('M26', '2023-06-01')).ok).toBe(true);
    const late = parse(exempt('M26'));
    expect(late.ok).toBe(false);
    if (!late.ok) {
      expect(late.error.status).toBe(400);
      expect(late.error.message).toBe(
        'items[0].exemption_reason is invalid: M26 may only be used until 2024-01-04 (the document is dated 2026-05-18).',
      );
    }
    expect(issuesOf(exempt('M30', '2022-12-31'))[0]?.reason).toContain(
      'M30 may only be used from 2023-01-01',
    );
  });

  it('lets a private buyer stay unidentified on an invoice of any value (Decreto-Lei n.º 28/2019)', () => {
    const big = { ...seedBody, customer: { name: 'X' }, items: [withItem({ gross_price: 25_000 }).items[0]] };
    expect(parse(big).ok).toBe(true);
    expect(parse({ ...big, document_type: 'invoice' }).ok).toBe(true);
  });

  it('limits simplified invoices to 1000.00 EUR (CIVA art. 40), anonymous or not', () => {
    const fs = (gross_price: number) => ({
      ...seedBody,
      customer: { name: 'X' },
      document_type: 'simplified_invoice',
      items: [withItem({ gross_price }).items[0]],
    });
    expect(parse(fs(1000)).ok).toBe(true);
    expect(issuesOf(fs(1000.01))).toEqual([
      { path: 'document_type', reason: expect.stringContaining('CIVA art. 40'), code: 'simplified_limit' },
    ]);
  });

  it('takes the city and postcode from a seed-contract address that names them', () => {
    const customerOf = (address: string, extra: Record<string, string> = {}) => {
      const result = parse({ ...seedBody, customer: { ...seedBody.customer, address, ...extra } });
      if (!result.ok) throw result.error;
      return result.value.customer;
    };
    expect(customerOf('Rua do Campo Grande 45, 1700-093 Lisboa')).toMatchObject({
      address: 'Rua do Campo Grande 45, 1700-093 Lisboa',
      city: 'Lisboa',
      zipCode: '1700-093',
    });
    expect(customerOf('Rua do Campo Grande 45, Lisboa')).toMatchObject({
      city: 'Lisboa',
      zipCode: undefined,
    });
    expect(customerOf('Largo do Chafariz, 4, 4490-420 Póvoa de Varzim')).toMatchObject({
      city: 'Póvoa de Varzim',
      zipCode: '4490-420',
    });
    expect(customerOf('Rua Direita 12, 3.º Esq.')).toMatchObject({ city: undefined, zipCode: undefined });
    expect(customerOf('Rua Direita 12')).toMatchObject({ city: undefined });
    // What the caller sends wins.
    expect(customerOf('Rua X 1, 1700-093 Lisboa', { city: 'Odivelas', zip_code: '2675-001' })).toMatchObject({
      city: 'Odivelas',
      zipCode: '2675-001',
    });
  });
});
