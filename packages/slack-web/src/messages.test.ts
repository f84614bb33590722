import { describe, expect, it } from 'vitest';
import { explain, formatMoney } from './i18n.ts';
import { escapeMrkdwn, failedReply, issuedReply, mention, pendingParent } from './messages.ts';

const document = {
  type: 'invoice_receipt' as const,
  status: 'final' as const,
  moloni_document_id: 1,
  number: 'FR M/32',
  series: 'M',
  total_gross: 1234.5,
  currency: 'EUR' as const,
  pdf_url: 'javascript:alert(1)',
  created_at: '2026-05-18T15:07:21Z',
};

describe('messages', () => {
  it('escapes user text so that names cannot ping channels or forge links', () => {
    expect(escapeMrkdwn('<!channel> & <https://evil|ok>')).toBe(
      '&lt;!channel&gt; &amp; &lt;https://evil|ok&gt;',
    );
    const parent = pendingParent({
      userId: 'U0USER',
      totalCents: 1000,
      customerName: '<!here>',
      locale: 'pt',
    });
    expect(parent.text).toContain('<@U0USER>');
    expect(parent.text).toContain('&lt;!here&gt;');
    expect(parent.text).not.toContain('<!here>');
    expect(mention('<!channel>')).toBe('&lt;!channel&gt;');
  });

  it('formats money per locale', () => {
    expect(formatMoney(1000, 'pt')).toBe('10,00\u00a0€');
    expect(formatMoney(123456, 'en')).toBe('€1,234.56');
    expect(pendingParent({ userId: 'U1AB', totalCents: 1000, customerName: 'Ana' }).text).toBe(
      '⏳ A emitir fatura… pedido por <@U1AB>, 10,00\u00a0€ — Ana',
    );
  });

  it('offers a PDF button only for http(s) links', () => {
    const base = {
      requestId: 'req_1',
      reference: 'R',
      customerName: 'Ana',
      customerNif: null,
      userId: 'U1AB',
    };
    expect(JSON.stringify(issuedReply({ ...base, document }).blocks)).not.toContain('javascript:');
    const withPdf = issuedReply({ ...base, document, pdfUrl: 'https://x.test/pdf' });
    expect(JSON.stringify(withPdf.blocks)).toContain('https://x.test/pdf');
    expect(JSON.stringify(withPdf.blocks)).toContain('Consumidor final');
  });

  it('lists the fields to fix for a validation error, and no retry when there is nothing to retry', () => {
    const reply = failedReply({
      requestId: 'req_1',
      error: {
        code: 'VALIDATION_ERROR',
        message: 'customer.vat_number is invalid.',
        details: { issues: [{ path: 'customer.vat_number', reason: 'fails the NIF check digit' }] },
      },
      retry: null,
      userId: 'U1AB',
      locale: 'en',
    });
    const text = JSON.stringify(reply.blocks);
    expect(text).toContain('`customer.vat_number` fails the NIF check digit');
    expect(text).toContain('The invoice data is not valid.');
    expect(text).not.toContain('fatura_retry');
  });

  it('explains every code of the catalog in both languages, unknown codes generically', () => {
    expect(explain('MOLONI_TIMEOUT', 'pt').action).toContain('nunca uma segunda');
    expect(explain('SOMETHING_NEW', 'en')).toEqual(explain('INTERNAL_ERROR', 'en'));
  });
});
