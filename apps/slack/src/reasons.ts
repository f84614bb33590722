import type { ValidationIssue } from '@faturador/core';
import type { Locale } from '@faturador/slack-web';

// core words its validation in English, for API callers; people in Slack read it here in their
// language, with the field named as the form and the quick syntax name it.

const PT_REASONS: Record<string, string> = {
  'must be 9 digits (an optional PT prefix and spaces are accepted)': 'O NIF tem de ter 9 dígitos.',
  'does not start with digits the Portuguese tax authority assigns':
    'Este NIF não começa por dígitos atribuídos pela AT.',
  'fails the NIF check digit': 'NIF inválido: o dígito de controlo não confere.',
  'must not be empty': 'Obrigatório.',
  'is required': 'Obrigatório.',
  'must be an e-mail address': 'E-mail inválido.',
  'is required when vat_rate is 0': 'Obrigatório com IVA a 0%: indique o motivo de isenção (ex.: M07).',
  'is only allowed when vat_rate is 0': 'Só se aplica a linhas com IVA a 0%.',
  'simplified_invoice is limited to 1000.00 EUR (CIVA art. 40 n.º 1): use invoice_receipt or invoice':
    'A fatura simplificada está limitada a 1000,00 € (art. 40.º do CIVA): emita uma fatura-recibo ou fatura.',
  'times gross_price must be a whole number of cents': 'Quantidade × valor tem de dar cêntimos inteiros.',
};

/** `7 is not a VAT rate of fiscal zone PT on 2026-05-18 (0, 6, 13, 23)` */
const NOT_A_RATE = /^\S+ is not a VAT rate of fiscal zone \S+(?: on \S+)? \((.*)\)$/;
/** `M26 may only be used until 2024-01-04 (the document is dated 2026-05-18)` */
const EXEMPTION_DATES = /^(\S+) may only be used (from|until) (\S+) \(the document is dated (\S+)\)$/;

export function reasonText(reason: string, locale: Locale): string {
  if (locale === 'en') return reason.charAt(0).toUpperCase() + reason.slice(1);
  const known = PT_REASONS[reason];
  if (known) return known;
  const rate = NOT_A_RATE.exec(reason);
  if (rate) return `Não é uma taxa de IVA desta zona (${rate[1]}).`;
  const dates = EXEMPTION_DATES.exec(reason);
  if (dates) {
    const [, code, bound, day, documentDay] = dates;
    return `${code} só pode ser usado ${bound === 'from' ? 'a partir de' : 'até'} ${day} (o documento tem a data ${documentDay}).`;
  }
  const choice = /^must be one of (.*)$/.exec(reason);
  if (choice) return `Tem de ser um de: ${choice[1]}.`;
  return `Inválido: ${reason}`;
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
  return issues
    .map((issue) => `• ${fieldName(issue.path, locale)}: ${reasonText(issue.reason, locale)}`)
    .join('\n');
}
