import { z } from 'zod';
import { cityFromAddress } from './address.ts';
import { FaturadorError } from './errors.ts';
import { codeOfMessage, type IssueCode, issueReason, type Params } from './issue-texts.ts';
import { hasAtMostTwoDecimals, toCents } from './money.ts';
import { FINAL_CONSUMER_NIF, NIF_PROBLEM_MESSAGES, nifProblem, normalizeNif } from './nif.ts';
import { malformedTextPaths } from './text.ts';

/** An issue's reason, code and parameters, from the one table of issue texts. */
function coded(code: IssueCode, params?: Params) {
  return { reason: issueReason(code, params), code, ...(params ? { params } : {}) };
}

import type { ExemptionReasonCode } from './vat.ts';
import {
  ALL_VAT_RATES,
  EXEMPTION_REASONS,
  exemptionProblemOn,
  FISCAL_ZONES,
  firstRatesDate,
  isExemptionReason,
  lisbonDate,
  ratesOf,
  SIMPLIFIED_INVOICE_LIMIT_CENTS,
  unidentifiedBuyerLimitCentsOn,
  vatRatesOn,
} from './vat.ts';

export const DOCUMENT_TYPES = ['invoice_receipt', 'invoice', 'simplified_invoice'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** SAF-T codes of the document types, as they prefix a document number (`FR M/32`). */
export const DOCUMENT_TYPE_CODES: Record<DocumentType, string> = {
  invoice_receipt: 'FR',
  invoice: 'FT',
  simplified_invoice: 'FS',
};

export const DOCUMENT_STATUSES = ['final', 'draft'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

const MAX_EUROS = 1_000_000;

/** Control characters (other than tab and line breaks) would end up on a fiscal document. */
function hasControlCharacters(value: string): boolean {
  for (const char of value) {
    const code = char.charCodeAt(0);
    if ((code < 0x20 && char !== '\t' && char !== '\n' && char !== '\r') || code === 0x7f) return true;
  }
  return false;
}
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !hasControlCharacters(value), 'must not contain control characters');

const euros = z
  .number({ error: 'must be a number' })
  .positive('must be greater than 0')
  .max(MAX_EUROS, `must be at most ${MAX_EUROS}`)
  .refine(hasAtMostTwoDecimals, 'must have at most two decimals');

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, 'is not a real calendar date');

const nif = z
  .string({ error: 'must be a string of 9 digits' })
  .transform(normalizeNif)
  .superRefine((value, ctx) => {
    const problem = nifProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: NIF_PROBLEM_MESSAGES[problem] });
  });

// The descriptions and examples (`meta`) are for the API's OpenAPI spec; they do not validate.
const customerSchema = z
  .strictObject({
    name: text(100).meta({
      description: "The customer's name, as on the document.",
      example: 'Eduardo Costa',
    }),
    vat_number: nif.optional().meta({
      description:
        'Portuguese NIF (9 digits with a valid check digit; spaces and a `PT` prefix are accepted). When ' +
        'omitted, the final consumer (999999990) is used, up to 1000.00 EUR.',
      example: '509999999',
    }),
    email: z.email('must be an e-mail address').max(254).optional().meta({
      description: "The customer's e-mail, forwarded to Moloni.",
      example: 'eduardo.costa@example.pt',
    }),
    address: text(200).optional().meta({
      description: "The customer's address, forwarded to Moloni.",
      example: 'Rua do Campo Grande 45, Lisboa',
    }),
    city: text(50).optional().meta({ description: "The customer's city.", example: 'Lisboa' }),
    zip_code: text(20).optional().meta({ description: "The customer's postal code.", example: '1700-093' }),
    /** ISO 3166-1 alpha-2; Portugal when omitted. */
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
      .transform((value) => value.toUpperCase())
      .optional()
      .meta({ description: 'ISO 3166-1 alpha-2 country code; PT when omitted.', example: 'PT' }),
  })
  .meta({ description: 'Who the document is for; found in Moloni by NIF, created when missing.' });

const itemSchema = z
  .strictObject({
    product: text(100).meta({
      description: 'The product or service, found in Moloni by name (created when missing).',
      example: 'mensalidade TheInventors',
    }),
    description: text(500)
      .optional()
      .meta({ description: 'Text shown under the line on the document.', example: 'Maio de 2026' }),
    quantity: z
      .number({ error: 'must be a number' })
      .positive('must be greater than 0')
      .max(1_000_000, 'must be at most 1000000')
      .refine(
        (value) => Number.isInteger(Math.round(value * 1000 * 1e6) / 1e6),
        'must have at most three decimals',
      )
      .optional()
      .meta({ description: 'How many units (up to three decimals); 1 when omitted.', example: 1 }),
    gross_price: euros.meta({
      description: 'The price of one unit with VAT, in euros (up to two decimals).',
      example: 10,
    }),
    vat_rate: z
      .number({ error: 'must be a number' })
      .refine((value) => ALL_VAT_RATES.includes(value), `must be one of ${ALL_VAT_RATES.join(', ')}`)
      .meta({
        description: `VAT rate in percent, one of the fiscal zone's (${ALL_VAT_RATES.join(', ')} across PT, PT-AC and PT-MA).`,
        example: 23,
      }),
    exemption_reason: z
      .string()
      .refine(isExemptionReason, `must be an exemption code (${Object.keys(EXEMPTION_REASONS).join(', ')})`)
      .optional()
      .meta({
        description: `Required when vat_rate is 0, refused otherwise: one of ${Object.keys(EXEMPTION_REASONS).join(', ')}.`,
        example: 'M07',
      }),
  })
  .meta({ description: 'One line of the document.' });

const bodySchema = z.strictObject({
  reference: text(60).meta({
    description:
      'Your reference of the document: a reference that produced a document is never issued again.',
    example: 'TI-2026-05-18-0007',
  }),
  customer: customerSchema,
  items: z
    .array(itemSchema)
    .min(1, 'must have at least one item')
    .max(100, 'must have at most 100 items')
    .meta({ description: 'The lines of the document (1 to 100).' }),
  document_type: z.enum(DOCUMENT_TYPES).optional().meta({
    description:
      '`invoice_receipt` (FR, the default), `invoice` (FT) or `simplified_invoice` (FS, up to 1000.00 EUR).',
    example: 'invoice_receipt',
  }),
  status: z.enum(DOCUMENT_STATUSES).optional().meta({
    description: '`final` (the default) closes the document; `draft` leaves it open in Moloni.',
    example: 'final',
  }),
  fiscal_zone: z.enum(FISCAL_ZONES).optional().meta({
    description: 'Whose VAT rates apply: mainland (PT, the default), the Azores (PT-AC) or Madeira (PT-MA).',
    example: 'PT',
  }),
  date: isoDate
    .optional()
    .meta({ description: "The document's date (YYYY-MM-DD); today when omitted.", example: '2026-05-18' }),
  due_date: isoDate.optional().meta({
    description: 'Only for `invoice`: when it is due (YYYY-MM-DD, not before `date`).',
    example: '2026-06-17',
  }),
  series: text(30).optional().meta({
    description: "The Moloni document series' name; the account's default when omitted.",
    example: 'M',
  }),
  payment_method: text(60).optional().meta({
    description:
      "A payment method's name in Moloni, for invoice-receipts; the account's default when omitted.",
    example: 'Multibanco',
  }),
  notes: text(1000).optional().meta({ description: 'Notes printed on the document.', example: 'Obrigado!' }),
  currency: z.literal('EUR', 'must be EUR').optional().meta({ description: 'Only EUR.', example: 'EUR' }),
});

export type InvoiceRequestBody = z.input<typeof bodySchema>;

export interface InvoiceLine {
  product: string;
  description: string | undefined;
  quantity: number;
  unitGrossCents: number;
  lineGrossCents: number;
  vatRate: number;
  exemptionReason: ExemptionReasonCode | undefined;
}

/** A request after validation: defaults applied, amounts in cents, NIF normalised. */
export interface InvoiceRequest {
  reference: string;
  customer: {
    name: string;
    /** Always set: the final consumer's NIF when the caller gave none. */
    vatNumber: string;
    finalConsumer: boolean;
    email: string | undefined;
    address: string | undefined;
    city: string | undefined;
    zipCode: string | undefined;
    country: string;
  };
  lines: InvoiceLine[];
  documentType: DocumentType;
  status: DocumentStatus;
  fiscalZone: (typeof FISCAL_ZONES)[number];
  date: string | undefined;
  dueDate: string | undefined;
  series: string | undefined;
  paymentMethod: string | undefined;
  notes: string | undefined;
  totalGrossCents: number;
}

function toRequest(body: z.output<typeof bodySchema>): InvoiceRequest {
  const lines = body.items.map((item) => {
    const quantity = item.quantity ?? 1;
    const unitGrossCents = toCents(item.gross_price);
    return {
      product: item.product,
      description: item.description,
      quantity,
      unitGrossCents,
      lineGrossCents: Math.round(unitGrossCents * quantity),
      vatRate: item.vat_rate,
      exemptionReason: item.exemption_reason as ExemptionReasonCode | undefined,
    };
  });
  // The seed contract has no city field: `…, 1700-001 Lisboa` or `…, Lisboa` names it.
  const fromAddress = body.customer.address ? cityFromAddress(body.customer.address) : {};
  return {
    reference: body.reference,
    customer: {
      name: body.customer.name,
      vatNumber: body.customer.vat_number ?? FINAL_CONSUMER_NIF,
      finalConsumer: (body.customer.vat_number ?? FINAL_CONSUMER_NIF) === FINAL_CONSUMER_NIF,
      email: body.customer.email,
      address: body.customer.address,
      city: body.customer.city ?? fromAddress.city,
      zipCode: body.customer.zip_code ?? fromAddress.zipCode,
      country: body.customer.country ?? 'PT',
    },
    lines,
    documentType: body.document_type ?? 'invoice_receipt',
    status: body.status ?? 'final',
    fiscalZone: body.fiscal_zone ?? 'PT',
    date: body.date,
    dueDate: body.due_date,
    series: body.series,
    paymentMethod: body.payment_method,
    notes: body.notes,
    totalGrossCents: lines.reduce((sum, line) => sum + line.lineGrossCents, 0),
  };
}

/** Rules that span fields; each issue names the field a person would fix. */
function crossFieldIssues(request: InvoiceRequest, today: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  // The law of the document's date: a back-dated document uses the rates and codes of its day.
  const date = request.date ?? today;
  const zoneRates = ratesOf(request.fiscalZone, date);
  if (vatRatesOn(request.fiscalZone, date) === null) {
    issues.push({
      path: 'date',
      ...coded('rates_unknown', {
        date,
        first: firstRatesDate(request.fiscalZone),
        zone: request.fiscalZone,
      }),
    });
  }
  request.lines.forEach((line, index) => {
    if (zoneRates.length > 0 && !zoneRates.includes(line.vatRate)) {
      issues.push({
        path: `items[${index}].vat_rate`,
        ...coded('vat_rate_of_zone', {
          rate: line.vatRate,
          zone: request.fiscalZone,
          date,
          rates: zoneRates.join(', '),
        }),
      });
    }
    if (line.vatRate === 0 && !line.exemptionReason) {
      issues.push({ path: `items[${index}].exemption_reason`, ...coded('exemption_required') });
    }
    if (line.vatRate !== 0 && line.exemptionReason) {
      issues.push({ path: `items[${index}].exemption_reason`, ...coded('exemption_only_at_zero') });
    }
    const problem = line.exemptionReason ? exemptionProblemOn(line.exemptionReason, date) : null;
    if (problem) {
      issues.push({
        path: `items[${index}].exemption_reason`,
        ...(problem.kind === 'not_yet'
          ? coded('exemption_not_yet', { code: line.exemptionReason ?? '', from: problem.from, date })
          : coded('exemption_ended', { code: line.exemptionReason ?? '', until: problem.until, date })),
      });
    }
    if (!Number.isInteger(line.unitGrossCents * line.quantity)) {
      issues.push({
        path: `items[${index}].quantity`,
        ...coded('whole_cents'),
      });
    }
  });
  const anonymousLimit = unidentifiedBuyerLimitCentsOn(date);
  if (
    anonymousLimit !== null &&
    request.customer.finalConsumer &&
    request.totalGrossCents >= anonymousLimit
  ) {
    issues.push({
      path: 'customer.vat_number',
      ...coded('identification_required', { limit: (anonymousLimit / 100).toFixed(2) }),
    });
  }
  if (
    request.documentType === 'simplified_invoice' &&
    request.totalGrossCents > SIMPLIFIED_INVOICE_LIMIT_CENTS
  ) {
    issues.push({
      path: 'document_type',
      ...coded('simplified_limit'),
    });
  }
  if (request.dueDate && request.documentType !== 'invoice') {
    issues.push({ path: 'due_date', ...coded('due_date_only_invoice') });
  }
  if (request.dueDate && request.date && request.dueDate < request.date) {
    issues.push({ path: 'due_date', ...coded('due_date_before_date') });
  }
  return issues;
}

export interface ValidationIssue {
  /** `items[0].vat_rate`, or `body` for the request as a whole. */
  path: string;
  /** In English, for programs; people read `code` and `params` in their language (issue-texts.ts). */
  reason: string;
  code?: IssueCode;
  params?: Params;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? 'body' : out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function zodIssues(error: z.ZodError, input: unknown): ValidationIssue[] {
  return error.issues.flatMap((issue): ValidationIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), ...coded('unknown_field') }));
    }
    if (issue.code === 'invalid_type' && issue.path.length === 0) {
      return [{ path: 'body', ...coded('json_object') }];
    }
    if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
      return [{ path: formatPath(issue.path), ...coded('required') }];
    }
    if (issue.code === 'invalid_type' && issue.expected === 'object') {
      return [{ path: formatPath(issue.path), ...coded('object') }];
    }
    if (issue.code === 'invalid_type' && issue.expected === 'array') {
      return [{ path: formatPath(issue.path), ...coded('array') }];
    }
    return [{ path: formatPath(issue.path), reason: issue.message, ...codeOfMessage(issue.message) }];
  });
}

export function validationError(issues: readonly ValidationIssue[]): FaturadorError {
  const [first] = issues;
  const message = first ? `${first.path} is invalid: ${first.reason}.` : 'The request is invalid.';
  return new FaturadorError('VALIDATION_ERROR', message, { issues: [...issues] });
}

/**
 * Any zod failure as core's VALIDATION_ERROR, fields named and reasons worded as the request
 * body's are: the API's query and path parameters go through it too.
 */
export function zodValidationError(error: z.ZodError, input?: unknown): FaturadorError {
  return validationError(zodIssues(error, input));
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: FaturadorError };

/**
 * Validates a decoded JSON body against the seed contract (and its optional extensions) and the
 * law of the document's date (`today` in Lisbon when the request has no `date`). Never throws: any input gives either a request or a VALIDATION_ERROR naming every bad field.
 */
export function parseInvoiceRequest(
  input: unknown,
  options: { today?: string } = {},
): ParseResult<InvoiceRequest> {
  const malformed = malformedTextPaths(input);
  if (malformed.length > 0) {
    return {
      ok: false,
      error: validationError(
        malformed.map((path) => ({
          path: formatPath(path),
          ...coded('not_valid_text'),
        })),
      ),
    };
  }
  const parsed = bodySchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: validationError(zodIssues(parsed.error, input)) };
  const request = toRequest(parsed.data);
  const issues = crossFieldIssues(request, options.today ?? lisbonDate(Date.now()));
  if (issues.length > 0) return { ok: false, error: validationError(issues) };
  return { ok: true, value: request };
}

/** The zod schema of the request body, for OpenAPI generation. */
export const invoiceRequestBodySchema = bodySchema;
