// The e-mail that carries a document's PDF to the customer: European Portuguese first, keyed by the
// document type (never by English text), English where the sender asks for it.
import type { TextLocale } from './error-texts.ts';
import type { DocumentType } from './invoice-request.ts';

const DOCUMENT_NAMES: Record<TextLocale, Record<DocumentType, string>> = {
  pt: { invoice_receipt: 'fatura-recibo', invoice: 'fatura', simplified_invoice: 'fatura simplificada' },
  en: { invoice_receipt: 'invoice-receipt', invoice: 'invoice', simplified_invoice: 'simplified invoice' },
};

export interface DocumentEmailInput {
  documentType: DocumentType;
  /** `FR M/1`. */
  number: string;
  totalCents: number;
  customerName: string;
  /** Who sends it (the display name of MAIL_FROM, else nothing). */
  senderName: string | null;
  /**
   * False when the platform sends the message and adds the document its own way (InvoiceXpress's
   * `email-document`: whether it attaches the PDF or links to it is its account's setting).
   */
  attached?: boolean;
}

export interface DocumentEmailText {
  subject: string;
  text: string;
  /** The attachment's file name: the number with `/` and spaces made safe (`FR_M-1.pdf`). */
  filename: string;
}

/** `1234` → `12,34 €` (Portuguese) or `€12.34`. */
function amount(cents: number, locale: TextLocale): string {
  const euros = (cents / 100).toFixed(2);
  return locale === 'pt' ? `${euros.replace('.', ',')} €` : `€${euros}`;
}

export function documentEmail(input: DocumentEmailInput, locale: TextLocale = 'pt'): DocumentEmailText {
  const name = DOCUMENT_NAMES[locale][input.documentType];
  const total = amount(input.totalCents, locale);
  const filename = `${input.number.replace(/\//g, '-').replace(/\s+/g, '_')}.pdf`;
  const signature = input.senderName ? `\n${input.senderName}` : '';
  const attached = input.attached ?? true;
  if (locale === 'en') {
    return {
      subject: `Your ${name} ${input.number}`,
      text:
        `Hello ${input.customerName},\n\n` +
        `${attached ? 'Please find attached' : 'Here is'} ${name} ${input.number}, for ${total}.\n\n` +
        `Kind regards,${signature}\n`,
      filename,
    };
  }
  const capitalised = name.charAt(0).toUpperCase() + name.slice(1);
  return {
    subject: `${capitalised} ${input.number}`,
    text:
      `Olá, ${input.customerName}.\n\n` +
      `Enviamos${attached ? ' em anexo' : ''} a ${name} ${input.number}, no valor de ${total}.\n\n` +
      `Com os melhores cumprimentos,${signature}\n`,
    filename,
  };
}
