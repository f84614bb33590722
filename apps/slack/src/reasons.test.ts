import { parseInvoiceRequest, type ValidationIssue } from '@faturador/core';
import { describe, expect, it } from 'vitest';
import { fieldName, issuesText, reasonText } from './reasons.ts';

describe("core's validation, as people in Slack read it", () => {
  it('names fields as the form does, lines counted from 1', () => {
    expect(fieldName('items[2].gross_price', 'pt')).toBe('Linha 3, valor');
    expect(fieldName('items[0].exemption_reason', 'en')).toBe('Line 1, exemption reason');
    expect(fieldName('customer.zip_code', 'pt')).toBe('Morada');
    expect(fieldName('reference', 'pt')).toBe('reference');
  });

  it("translates core's issues by their code, and shows one without a code as it came", () => {
    expect(
      reasonText(
        issueOf({ items: [{ product: 'x', gross_price: 10, vat_rate: 23 }], fiscal_zone: 'PT-MA' }),
        'pt',
      ),
    ).toBe('Não é uma taxa de IVA desta zona (0, 4, 12, 22).');
    expect(
      reasonText(
        issueOf({
          date: '2026-05-18',
          items: [{ product: 'x', gross_price: 10, vat_rate: 0, exemption_reason: 'M26' }],
        }),
        'pt',
      ),
    ).toBe('M26 só pode ser usado até 2024-01-04 (o documento tem a data 2026-05-18).');
    expect(
      reasonText(
        issueOf({ items: [{ product: 'x', gross_price: 10, vat_rate: 23, exemption_reason: 'M07' }] }),
        'en',
      ),
    ).toBe('Is only allowed when vat_rate is 0');
    expect(reasonText({ reason: 'something new' }, 'pt')).toBe('Inválido: something new');
    expect(
      issuesText(
        issuesOf({
          customer: { name: 'Eduardo Costa', vat_number: '509999998' },
          items: [
            { product: 'x', gross_price: 10, vat_rate: 23 },
            { product: 'y', gross_price: 10, vat_rate: 7 },
          ],
        }),
        'pt',
      ),
    ).toBe(
      '• NIF: NIF inválido: o dígito de controlo não confere.\n• Linha 2, IVA: Tem de ser um de: 0, 4, 5, 6, 9, 12, 13, 16, 18, 22, 23.',
    );
  });
});

/** The issues core gives for a request with these fields (a valid seed request otherwise). */
function issuesOf(overrides: Record<string, unknown>): ValidationIssue[] {
  const parsed = parseInvoiceRequest({
    reference: 'R-1',
    customer: { name: 'Eduardo Costa', vat_number: '509999999' },
    ...overrides,
  });
  if (parsed.ok) throw new Error('expected a refusal');
  return parsed.error.details?.issues as ValidationIssue[];
}

function issueOf(overrides: Record<string, unknown>): ValidationIssue {
  const [first] = issuesOf(overrides);
  if (!first) throw new Error('expected an issue');
  return first;
}
