/**
 * Every validation problem core reports, keyed by a stable code, with its words in English (the
 * API's `reason`, for programs) and in European Portuguese (for people: Slack, Airtable, the
 * backoffice). Callers translate by `code` and `params`, never by the English text.
 */
export type Params = Record<string, string | number>;

interface IssueText {
  en: (p: Params) => string;
  pt: (p: Params) => string;
  /** How core's zod schemas word it, for the zod issues that carry only a message. */
  zod?: RegExp;
}

const fixed = (en: string, pt: string, fromZod = true): IssueText => ({
  en: () => en,
  pt: () => pt,
  ...(fromZod ? { zod: new RegExp(`^${en.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) } : {}),
});

const TEXTS = {
  required: fixed('is required', 'Obrigatório.'),
  not_empty: fixed('must not be empty', 'Obrigatório.'),
  max_characters: {
    en: (p) => `must be at most ${p.max} characters`,
    pt: (p) => `No máximo ${p.max} caracteres.`,
    zod: /^must be at most (?<max>\d+) characters$/,
  },
  control_characters: fixed('must not contain control characters', 'Não pode ter caracteres de controlo.'),
  not_valid_text: fixed(
    'contains characters that are not valid text (a lone surrogate or a control character)',
    'Tem caracteres que não são texto válido.',
  ),
  number: fixed('must be a number', 'Tem de ser um número.'),
  positive: fixed('must be greater than 0', 'Tem de ser maior que 0.'),
  at_most: {
    en: (p) => `must be at most ${p.max}`,
    pt: (p) => `No máximo ${p.max}.`,
    zod: /^must be at most (?<max>[\d.]+)$/,
  },
  two_decimals: fixed('must have at most two decimals', 'No máximo duas casas decimais.'),
  three_decimals: fixed('must have at most three decimals', 'No máximo três casas decimais.'),
  date_format: fixed('must be a date as YYYY-MM-DD', 'Tem de ser uma data AAAA-MM-DD.'),
  not_a_date: fixed('is not a real calendar date', 'Não é uma data do calendário.'),
  nif_string: fixed('must be a string of 9 digits', 'O NIF tem de ter 9 dígitos.'),
  nif_format: fixed(
    'must be 9 digits (an optional PT prefix and spaces are accepted)',
    'O NIF tem de ter 9 dígitos.',
  ),
  nif_prefix: fixed(
    'does not start with digits the Portuguese tax authority assigns',
    'Este NIF não começa por dígitos atribuídos pela AT.',
  ),
  nif_checksum: fixed('fails the NIF check digit', 'NIF inválido: o dígito de controlo não confere.'),
  email: fixed('must be an e-mail address', 'E-mail inválido.'),
  country: fixed(
    'must be an ISO 3166-1 alpha-2 country code',
    'Tem de ser um código de país de duas letras (ex.: PT).',
  ),
  one_of: {
    en: (p) => `must be one of ${p.values}`,
    pt: (p) => `Tem de ser um de: ${p.values}.`,
    zod: /^must be one of (?<values>.*)$/,
  },
  exemption_code: {
    en: (p) => `must be an exemption code (${p.codes})`,
    pt: () => 'Tem de ser um código de isenção da AT (ex.: M07).',
    zod: /^must be an exemption code \((?<codes>.*)\)$/,
  },
  min_items: fixed('must have at least one item', 'Indique pelo menos uma linha.'),
  max_items: fixed('must have at most 100 items', 'No máximo 100 linhas.'),
  unknown_field: fixed('is not a known field', 'Campo desconhecido.'),
  json_object: fixed('must be a JSON object', 'Tem de ser um objeto JSON.'),
  object: fixed('must be an object', 'Tem de ser um objeto.'),
  array: fixed('must be an array', 'Tem de ser uma lista.'),
  rates_unknown: {
    en: (p) =>
      `${p.date} is before ${p.first}, the first day whose VAT rates of fiscal zone ${p.zone} are known`,
    pt: (p) => `Não há taxas de IVA conhecidas da zona ${p.zone} antes de ${p.first}.`,
  },
  vat_rate_of_zone: {
    en: (p) => `${p.rate} is not a VAT rate of fiscal zone ${p.zone} on ${p.date} (${p.rates})`,
    pt: (p) => `Não é uma taxa de IVA desta zona (${p.rates}).`,
  },
  exemption_required: fixed(
    'is required when vat_rate is 0',
    'Obrigatório com IVA a 0%: indique o motivo de isenção (ex.: M07).',
    false,
  ),
  exemption_only_at_zero: fixed(
    'is only allowed when vat_rate is 0',
    'Só se aplica a linhas com IVA a 0%.',
    false,
  ),
  exemption_not_yet: {
    en: (p) => `${p.code} may only be used from ${p.from} (the document is dated ${p.date})`,
    pt: (p) => `${p.code} só pode ser usado a partir de ${p.from} (o documento tem a data ${p.date}).`,
  },
  exemption_ended: {
    en: (p) => `${p.code} may only be used until ${p.until} (the document is dated ${p.date})`,
    pt: (p) => `${p.code} só pode ser usado até ${p.until} (o documento tem a data ${p.date}).`,
  },
  whole_cents: fixed(
    'times gross_price must be a whole number of cents',
    'Quantidade × valor tem de dar cêntimos inteiros.',
    false,
  ),
  identification_required: {
    en: (p) =>
      `is required for documents of ${p.limit} EUR or more dated before 2019-07-01 (CIVA art. 36 n.º 15 before Decreto-Lei n.º 28/2019)`,
    pt: (p) =>
      `Obrigatório a partir de ${String(p.limit).replace('.', ',')} € em documentos anteriores a 2019-07-01.`,
  },
  simplified_limit: fixed(
    'simplified_invoice is limited to 1000.00 EUR (CIVA art. 40 n.º 1): use invoice_receipt or invoice',
    'A fatura simplificada está limitada a 1000,00 €: use fatura-recibo ou fatura.',
    false,
  ),
  due_date_only_invoice: fixed(
    'is only allowed for document_type invoice',
    'Só se aplica a faturas (FT).',
    false,
  ),
  due_date_before_date: fixed('must not be before date', 'Não pode ser anterior à data do documento.', false),
} satisfies Record<string, IssueText>;

export type IssueCode = keyof typeof TEXTS;

/** The English reason of a code (what the API says in `reason`). */
export function issueReason(code: IssueCode, params: Params = {}): string {
  return TEXTS[code].en(params);
}

/** Which code a message of core's zod schemas is, with its parameters; nothing when it has none. */
export function codeOfMessage(message: string): { code?: IssueCode; params?: Params } {
  for (const [code, text] of Object.entries(TEXTS) as Array<[keyof typeof TEXTS, IssueText]>) {
    const match = text.zod?.exec(message);
    if (match) return match.groups ? { code, params: { ...match.groups } } : { code };
  }
  return {};
}

/** An issue's reason in the reader's language; one that has no code is shown as it came. */
export function issueText(
  issue: { reason: string; code?: string; params?: Params },
  locale: 'pt' | 'en',
): string {
  const text = issue.code && issue.code in TEXTS ? TEXTS[issue.code as keyof typeof TEXTS] : null;
  if (text) {
    const words = text[locale](issue.params ?? {});
    return locale === 'en' ? words.charAt(0).toUpperCase() + words.slice(1) : words;
  }
  return locale === 'en'
    ? issue.reason.charAt(0).toUpperCase() + issue.reason.slice(1)
    : `Inválido: ${issue.reason}`;
}
