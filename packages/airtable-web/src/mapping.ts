// Core's pure modules by path, not its index: this file also runs in the extension's browser bundle.
import { FaturadorError } from '@faturador/core/errors';
import {
  DOCUMENT_TYPES,
  type DocumentType,
  type InvoiceRequestBody,
  parseInvoiceRequest,
  type ValidationIssue,
} from '@faturador/core/invoice-request';
import { issueText } from '@faturador/core/issue-texts';
import { nifProblem, normalizeNif } from '@faturador/core/nif';
import { cellDate, cellNumber, cellText, foldText } from './cells.ts';
import type { AirtableRecord } from './client.ts';
import type { AirtableBaseSettings, FieldRole } from './settings-schema.ts';
import { resolveTax } from './tax.ts';

/** The invoice's reference: one per record, so Moloni and the ledger both see the record. */
export function recordReference(recordId: string): string {
  return `AT-${recordId}`;
}

export interface RecordIssue {
  /** The request field it became (`customer.vat_number`), as in the API's validation errors. */
  path: string;
  /** The Airtable field to fix, as the settings name it; null when no single field is at fault. */
  field: string | null;
  /** In Portuguese: this is what the record's error field shows. */
  reason: string;
}

export type MappingResult =
  | { ok: true; body: InvoiceRequestBody }
  | { ok: false; error: FaturadorError; issues: RecordIssue[] };

type Settings = Pick<
  AirtableBaseSettings,
  | 'fields'
  | 'product'
  | 'amount_mode'
  | 'commission_kind'
  | 'default_document_type'
  | 'default_fiscal_zone'
  | 'default_vat_rate'
  | 'location_rules'
> &
  Partial<Pick<AirtableBaseSettings, 'document_status'>>;

const NIF_REASONS = {
  format: 'o NIF deve ter 9 dígitos',
  prefix: 'o NIF não começa por dígitos atribuídos pela Autoridade Tributária',
  checksum: 'o NIF tem o dígito de controlo errado',
} as const;

const DOCUMENT_TYPE_WORDS: Record<string, DocumentType> = {
  fr: 'invoice_receipt',
  'fatura-recibo': 'invoice_receipt',
  'fatura recibo': 'invoice_receipt',
  ft: 'invoice',
  fatura: 'invoice',
  fs: 'simplified_invoice',
  'fatura simplificada': 'simplified_invoice',
};

function parseDocumentType(text: string): DocumentType | null {
  if ((DOCUMENT_TYPES as readonly string[]).includes(text)) return text as DocumentType;
  return DOCUMENT_TYPE_WORDS[foldText(text)] ?? null;
}

const toPtDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const cents = (euros: number) => Math.round(euros * 100);

/** The path of a request field → the role of the Airtable field it was read from. */
function roleOfPath(path: string): FieldRole | null {
  if (path === 'customer.name') return 'customer_name';
  if (path === 'customer.vat_number') return 'customer_nif';
  if (path === 'customer.email') return 'customer_email';
  if (path === 'customer.address') return 'customer_address';
  if (path === 'document_type') return 'document_type';
  if (/^items\[\d+\]\.(gross_price|quantity)$/.test(path)) return 'gross_amount';
  if (/^items\[\d+\]\.description$/.test(path)) return 'description';
  if (/^items\[\d+\]\.vat_rate$/.test(path)) return 'vat_rate';
  return null;
}

/**
 * The contract's reason in the words of the record's users: core's Portuguese text for the issue's
 * code (issue-texts.ts), as a fragment after the field's name ("Email: e-mail inválido").
 */
function reasonInPortuguese(issue: ValidationIssue): string {
  const text = issueText(issue, 'pt').replace(/\.$/, '');
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/**
 * A booking (or any) record → the billing API's request body. Every problem is reported at once,
 * in Portuguese and by field, so whoever reads the record's error field can fix it in one go.
 */
export function mapRecordToInvoice(record: AirtableRecord, settings: Settings): MappingResult {
  const issues: RecordIssue[] = [];
  const cell = (role: FieldRole): unknown => {
    const ref = settings.fields[role];
    return ref === undefined ? undefined : record.fields[ref];
  };
  const issue = (path: string, role: FieldRole | null, reason: string) =>
    issues.push({ path, field: role ? (settings.fields[role] ?? null) : null, reason });

  const name = cellText(cell('customer_name'));
  if (name === '') issue('customer.name', 'customer_name', 'falta o nome do cliente');

  const nifText = cellText(cell('customer_nif'));
  const nif = nifText === '' ? undefined : normalizeNif(nifText);
  const problem = nif === undefined ? null : nifProblem(nif);
  if (problem) issue('customer.vat_number', 'customer_nif', `${NIF_REASONS[problem]} («${nifText}»)`);

  const email = cellText(cell('customer_email')) || undefined;
  const address = cellText(cell('customer_address')) || undefined;

  const grossText = cellText(cell('gross_amount'));
  const gross = cellNumber(cell('gross_amount'));
  let amountCents: number | null = null;
  if (gross === null) {
    issue(
      'items[0].gross_price',
      'gross_amount',
      grossText ? `«${grossText}» não é um valor` : 'falta o valor',
    );
  } else if (settings.amount_mode === 'net_of_commission') {
    const commission = cellNumber(cell('commission')) ?? 0;
    const commissionCents =
      settings.commission_kind === 'percent'
        ? Math.round(cents(gross) * (commission > 1 ? commission / 100 : commission))
        : cents(commission);
    amountCents = cents(gross) - commissionCents;
    if (amountCents <= 0)
      issue('items[0].gross_price', 'commission', 'o valor após a comissão não é positivo');
  } else {
    amountCents = cents(gross);
    if (amountCents <= 0) issue('items[0].gross_price', 'gross_amount', 'o valor tem de ser maior que 0');
  }

  const tax = resolveTax(settings, {
    vat_rate: cell('vat_rate'),
    fiscal_zone: cell('fiscal_zone'),
    location: cell('location'),
  });
  if (!tax.ok) issue(tax.role === 'vat_rate' ? 'items[0].vat_rate' : 'fiscal_zone', tax.role, tax.reason);

  const typeText = cellText(cell('document_type'));
  const documentType = typeText === '' ? settings.default_document_type : parseDocumentType(typeText);
  if (!documentType) issue('document_type', 'document_type', `«${typeText}» não é um tipo de documento`);

  const stay = stayText(cell('check_in'), cell('check_out'));
  if (!stay.ok) issue('items[0].description', stay.role, stay.reason);
  const description = [cellText(cell('description')), stay.ok ? stay.text : ''].filter(Boolean).join(' — ');

  if (issues.length > 0 || amountCents === null || !tax.ok || !documentType) return failure(record, issues);

  const body: InvoiceRequestBody = {
    reference: recordReference(record.id),
    customer: {
      name,
      ...(nif ? { vat_number: nif } : {}),
      ...(email ? { email } : {}),
      ...(address ? { address } : {}),
    },
    items: [
      {
        product: settings.product,
        ...(description ? { description } : {}),
        gross_price: amountCents / 100,
        vat_rate: tax.tax.vat_rate,
      },
    ],
    document_type: documentType,
    ...(settings.document_status === 'draft' ? { status: 'draft' as const } : {}),
    fiscal_zone: tax.tax.fiscal_zone,
  };
  // The contract's own rules (lengths, e-mail, the law of the document's date…) are checked here too, so the
  // record says what is wrong instead of the request failing later with an English message.
  const parsed = parseInvoiceRequest(body);
  if (!parsed.ok) {
    const contractIssues = (parsed.error.details?.issues ?? []) as ValidationIssue[];
    for (const contractIssue of contractIssues) {
      issue(contractIssue.path, roleOfPath(contractIssue.path), reasonInPortuguese(contractIssue));
    }
    return failure(record, issues);
  }
  return { ok: true, body };
}

function stayText(
  checkIn: unknown,
  checkOut: unknown,
): { ok: true; text: string } | { ok: false; role: FieldRole; reason: string } {
  const inText = cellText(checkIn);
  const outText = cellText(checkOut);
  const from = cellDate(checkIn);
  const to = cellDate(checkOut);
  if (inText && !from) return { ok: false, role: 'check_in', reason: `«${inText}» não é uma data` };
  if (outText && !to) return { ok: false, role: 'check_out', reason: `«${outText}» não é uma data` };
  if (from && to) {
    const nights = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
    if (nights < 0) return { ok: false, role: 'check_out', reason: 'o check-out é anterior ao check-in' };
    const count = nights === 1 ? '1 noite' : `${nights} noites`;
    return { ok: true, text: `Estadia de ${toPtDate(from)} a ${toPtDate(to)} (${count})` };
  }
  if (from) return { ok: true, text: `Check-in a ${toPtDate(from)}` };
  if (to) return { ok: true, text: `Check-out a ${toPtDate(to)}` };
  return { ok: true, text: '' };
}

/** One line per problem, naming the field: this is what goes into the record's error field. */
export function describeIssues(issues: readonly RecordIssue[]): string {
  return issues.map((issue) => (issue.field ? `${issue.field}: ${issue.reason}` : issue.reason)).join('\n');
}

function failure(record: AirtableRecord, issues: RecordIssue[]): MappingResult {
  const message = `O registo ${record.id} não pode ser faturado.\n${describeIssues(issues)}`;
  return { ok: false, issues, error: new FaturadorError('VALIDATION_ERROR', message, { issues }) };
}
