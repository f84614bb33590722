import type { TextLocale } from './error-texts.ts';
import type { ErrorCode } from './errors.ts';

/**
 * What a person sees while a request is retried after a transient failure (the interim line in a
 * Slack thread), keyed by the last attempt's error code. `{n}/{of}` is the attempt about to run.
 */
type RetryCause = Record<'pt' | 'en', string>;

const MOLONI_SILENT: RetryCause = { pt: 'o Moloni não responde', en: 'Moloni is not answering' };
const IXP_SILENT: RetryCause = { pt: 'o InvoiceXpress não responde', en: 'InvoiceXpress is not answering' };

const CAUSES: Partial<Record<ErrorCode, RetryCause>> = {
  MOLONI_TIMEOUT: MOLONI_SILENT,
  MOLONI_UNAVAILABLE: MOLONI_SILENT,
  MOLONI_BAD_GATEWAY: MOLONI_SILENT,
  INVOICEXPRESS_TIMEOUT: IXP_SILENT,
  INVOICEXPRESS_UNAVAILABLE: IXP_SILENT,
  INVOICEXPRESS_BAD_GATEWAY: IXP_SILENT,
  RATE_LIMITED: {
    pt: 'o serviço de faturação pediu uma pausa',
    en: 'the invoicing service asked for a pause',
  },
  SERVICE_UNAVAILABLE: { pt: 'o serviço está indisponível', en: 'the service is unavailable' },
};
const OTHER: RetryCause = { pt: 'a tentativa anterior falhou', en: 'the previous attempt failed' };

const AGAIN = {
  pt: (n: number, of: number) => `nova tentativa (${n}/${of})`,
  en: (n: number, of: number) => `trying again (${n}/${of})`,
};

/** `⏳ o Moloni não responde, nova tentativa (3/8)`: `next` is the attempt about to run. */
export function retryingText(code: string, next: number, of: number, locale: TextLocale = 'pt'): string {
  const cause = (Object.hasOwn(CAUSES, code) ? CAUSES[code as ErrorCode] : undefined) ?? OTHER;
  return `⏳ ${cause[locale]}, ${AGAIN[locale](next, of)}`;
}
