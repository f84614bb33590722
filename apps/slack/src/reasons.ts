import { issueText, type ValidationIssue } from '@faturador/core';
import type { Locale } from '@faturador/slack-web';

// core words its validation in English for API callers, and gives each issue a code and its
// parameters: people in Slack read it in their language (core's one table of issue texts), with
// the field named as the form and the quick syntax name it.

/** An issue's reason in the bot's language, by its code (as it came when it has none). */
export function reasonText(
  issue: Pick<ValidationIssue, 'reason' | 'code' | 'params'>,
  locale: Locale,
): string {
  return issueText(issue, locale);
}

const FIELDS = {
  pt: {
    line: (n: number, what: string) => `Linha ${n}, ${what}`,
    product: 'descrição',
    amount: 'valor',
    vat: 'IVA',
    exemption: 'motivo de isenção',
    'customer.vat_number': 'NIF',
    'customer.name': 'Nome do cliente',
    'customer.email': 'E-mail',
    customer: 'Morada',
    document_type: 'Tipo de documento',
    status: 'Estado',
  },
  en: {
    line: (n: number, what: string) => `Line ${n}, ${what}`,
    product: 'description',
    amount: 'amount',
    vat: 'VAT',
    exemption: 'exemption reason',
    'customer.vat_number': 'VAT number',
    'customer.name': 'Customer name',
    'customer.email': 'E-mail',
    customer: 'Address',
    document_type: 'Document type',
    status: 'Status',
  },
} as const;

/** The field a core issue path is about, as people call it. */
export function fieldName(path: string, locale: Locale): string {
  const f = FIELDS[locale];
  const item = /^items\[(\d+)\]\.?(\w*)/.exec(path);
  if (item) {
    const n = Number(item[1]) + 1;
    const what =
      item[2] === 'gross_price' || item[2] === 'quantity'
        ? f.amount
        : item[2] === 'vat_rate'
          ? f.vat
          : item[2] === 'exemption_reason'
            ? f.exemption
            : f.product;
    return f.line(n, what);
  }
  if (path === 'customer.vat_number' || path === 'customer.name' || path === 'customer.email') return f[path];
  if (path.startsWith('customer.')) return f.customer;
  if (path === 'document_type' || path === 'status') return f[path];
  return path;
}

/** One line per issue: `• NIF: NIF inválido: o dígito de controlo não confere.` */
export function issuesText(issues: readonly ValidationIssue[], locale: Locale): string {
  return issues.map((issue) => `• ${fieldName(issue.path, locale)}: ${reasonText(issue, locale)}`).join('\n');
}
