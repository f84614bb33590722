import { describe, expect, it } from 'vitest';
import { parseAmount, parseCommandText } from './quick.ts';

describe('parseAmount', () => {
  it('reads dot or comma decimals and refuses what it would have to guess', () => {
    expect(parseAmount('10')).toBe(10);
    expect(parseAmount('10.5')).toBe(10.5);
    expect(parseAmount('10,05')).toBe(10.05);
    expect(parseAmount('€12.30')).toBe(12.3);
    expect(parseAmount('12,30€')).toBe(12.3);
    for (const bad of ['1.234,56', '1,234.56', '10.001', '-5', '0', '0,00', 'dez', '', '1e3']) {
      expect(parseAmount(bad)).toBeNull();
    }
  });
});

describe('parseCommandText', () => {
  it('no text opens the modal; help and ajuda explain', () => {
    expect(parseCommandText('  ', 'pt')).toEqual({ kind: 'modal' });
    expect(parseCommandText('ajuda', 'pt')).toEqual({ kind: 'help' });
    expect(parseCommandText('HELP', 'en')).toEqual({ kind: 'help' });
  });

  it('reads the documented example', () => {
    expect(parseCommandText('509999999 10.00 mensalidade TheInventors', 'pt')).toEqual({
      kind: 'invoice',
      draft: {
        customer: { name: 'Cliente 509999999', vat_number: '509999999' },
        items: [{ product: 'mensalidade TheInventors', gross_price: 10, vat_rate: 23 }],
        document_type: 'invoice_receipt',
        status: 'final',
        fiscal_zone: 'PT',
      },
    });
  });

  it('makes a draft with estado=rascunho, and refuses an unknown state', () => {
    expect(parseCommandText('509999999 10 x estado=rascunho tipo=ft', 'pt')).toMatchObject({
      draft: { status: 'draft', document_type: 'invoice' },
    });
    expect(parseCommandText('509999999 10 x estado=pronto', 'pt')).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('estado=rascunho'),
    });
  });

  it('takes a VAT exemption with its reason code', () => {
    expect(parseCommandText('509999999 50 formação iva=0 isencao=m07', 'pt')).toMatchObject({
      kind: 'invoice',
      draft: { items: [{ product: 'formação', gross_price: 50, vat_rate: 0, exemption_reason: 'M07' }] },
    });
  });

  it("uses the bot's fiscal zone: its normal rate by default, its rates in the mistakes", () => {
    expect(parseCommandText('509999999 12,20 consultoria', 'pt', 'PT-MA')).toMatchObject({
      kind: 'invoice',
      draft: { items: [{ gross_price: 12.2, vat_rate: 22 }], fiscal_zone: 'PT-MA' },
    });
    expect(parseCommandText('509999999 10 x iva=9', 'pt', 'PT-AC')).toMatchObject({
      draft: { items: [{ vat_rate: 9 }], fiscal_zone: 'PT-AC' },
    });
    const wrong = parseCommandText('509999999 10 x iva=muito', 'pt', 'PT-AC');
    expect(wrong).toMatchObject({ kind: 'error' });
    expect(wrong.kind === 'error' && wrong.message).toContain('`iva=16`, `iva=9` ou `iva=4`');
  });

  it('takes a quoted name, a final consumer, options anywhere after the amount', () => {
    const named = parseCommandText('PT509999999 “Eduardo Costa” 10,50 iva=6 livro de contos tipo=ft', 'pt');
    expect(named).toMatchObject({
      kind: 'invoice',
      draft: {
        customer: { name: 'Eduardo Costa', vat_number: '509999999' },
        items: [{ product: 'livro de contos', gross_price: 10.5, vat_rate: 6 }],
        document_type: 'invoice',
      },
    });
    const anonymous = parseCommandText('- 3 café', 'en');
    expect(anonymous).toMatchObject({ kind: 'invoice', draft: { customer: { name: 'Final consumer' } } });
    expect(anonymous.kind === 'invoice' && 'vat_number' in anonymous.draft.customer).toBe(false);
  });

  it('says what is wrong', () => {
    expect(parseCommandText('12345 10 x', 'pt')).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('"12345"'),
    });
    expect(parseCommandText('- 10', 'en')).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('description'),
    });
    expect(parseCommandText('- 10 x tipo=recibo', 'pt')).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('tipo'),
    });
    expect(parseCommandText('- "Ana 10 x', 'pt')).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('aspas'),
    });
  });
});
