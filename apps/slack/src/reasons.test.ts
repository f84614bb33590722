import { describe, expect, it } from 'vitest';
import { fieldName, issuesText, reasonText } from './reasons.ts';

describe("core's validation, as people in Slack read it", () => {
  it('names fields as the form does, lines counted from 1', () => {
    expect(fieldName('items[2].gross_price', 'pt')).toBe('Linha 3, valor');
    expect(fieldName('items[0].exemption_reason', 'en')).toBe('Line 1, exemption reason');
    expect(fieldName('customer.zip_code', 'pt')).toBe('Morada');
    expect(fieldName('reference', 'pt')).toBe('reference');
  });

  it('translates the reasons it knows, and shows the others as they are', () => {
    expect(reasonText('7 is not a VAT rate of fiscal zone PT-MA (0, 4, 12, 22)', 'pt')).toBe(
      'Não é uma taxa de IVA desta zona (0, 4, 12, 22).',
    );
    expect(reasonText('5 is not a VAT rate of fiscal zone PT-MA on 2026-05-18 (0, 4, 12, 22)', 'pt')).toBe(
      'Não é uma taxa de IVA desta zona (0, 4, 12, 22).',
    );
    expect(reasonText('M26 may only be used until 2024-01-04 (the document is dated 2026-05-18)', 'pt')).toBe(
      'M26 só pode ser usado até 2024-01-04 (o documento tem a data 2026-05-18).',
    );
    expect(reasonText('is only allowed when vat_rate is 0', 'en')).toBe('Is only allowed when vat_rate is 0');
    expect(reasonText('something new', 'pt')).toBe('Inválido: something new');
    expect(
      issuesText(
        [
          { path: 'customer.vat_number', reason: 'fails the NIF check digit' },
          { path: 'items[1].vat_rate', reason: 'must be one of 0, 6, 13, 23' },
        ],
        'pt',
      ),
    ).toBe(
      '• NIF: NIF inválido: o dígito de controlo não confere.\n• Linha 2, IVA: Tem de ser um de: 0, 6, 13, 23.',
    );
  });
});
