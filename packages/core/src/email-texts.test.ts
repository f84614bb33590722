import { describe, expect, it } from 'vitest';
import { documentEmail } from './email-texts.ts';

const input = {
  documentType: 'invoice' as const,
  number: 'FT M/12',
  totalCents: 123456,
  customerName: 'Ana Sousa',
  senderName: 'Faturação Acme',
};

describe('documentEmail', () => {
  it('speaks European Portuguese by default: the document by name, the total in euros, a safe file name', () => {
    expect(documentEmail(input)).toEqual({
      subject: 'Fatura FT M/12',
      text: 'Olá, Ana Sousa.\n\nEnviamos em anexo a fatura FT M/12, no valor de 1234,56 €.\n\nCom os melhores cumprimentos,\nFaturação Acme\n',
      filename: 'FT_M-12.pdf',
    });
    expect(documentEmail({ ...input, documentType: 'invoice_receipt', senderName: null }).subject).toBe(
      'Fatura-recibo FT M/12',
    );
  });

  it('promises no attachment when the platform sends the document its own way', () => {
    expect(documentEmail({ ...input, attached: false }).text).toContain(
      'Enviamos a fatura FT M/12, no valor',
    );
    expect(documentEmail({ ...input, attached: false }, 'en').text).toContain('Here is invoice FT M/12');
  });

  it('English where asked', () => {
    expect(documentEmail({ ...input, documentType: 'simplified_invoice' }, 'en')).toMatchObject({
      subject: 'Your simplified invoice FT M/12',
      text: expect.stringContaining('for €1234.56'),
    });
  });
});
