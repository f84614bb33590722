import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from './errors.ts';
import { DOCUMENT_STATUSES, DOCUMENT_TYPES } from './invoice-request.ts';

/**
 * The answers of the billing API, defined once: the API's OpenAPI spec is generated from these
 * schemas (`meta.id` names the component), the response contract test validates every answer the
 * API tests receive against that spec, and the SDK's and the service layer's types are inferred
 * from them. Objects are strict, so a field added to an answer without being added here fails that
 * test. Add a field to an answer here (with a description and an example); add an error code to
 * `ERROR_STATUS` in errors.ts (the `code` enum below follows it).
 */

export const REQUEST_STATES = ['queued', 'issuing', 'issued', 'failed'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

const requestId = z
  .string()
  .regex(/^req_[0-9a-f]{16}$/)
  .meta({
    description: 'The id of the request (also in the X-Request-Id header).',
    example: 'req_4ad9b2ec1d9f3a71',
  });

const reference = z.string().meta({
  description: "The caller's reference of the document, unique per Moloni account.",
  example: 'TI-2026-05-18-0007',
});

const timestamp = (description: string) =>
  z.string().meta({ description, format: 'date-time', example: '2026-05-18T15:07:21.000Z' });

const state = z.enum(REQUEST_STATES).meta({
  description:
    '`queued`: accepted, waiting for a worker; `issuing`: a worker is talking to Moloni; `issued`: the ' +
    'document exists; `failed`: the request ended with an error (see `error`).',
  example: 'queued',
});

const statusUrl = z.string().meta({
  description: 'Where `GET` reports the state and result of this request (same client only).',
  format: 'uri',
  example: 'https://billing.theinventors.io/api/v1/invoices/req_4ad9b2ec1d9f3a71',
});

/** An issued document as the API shows it (the seed's success body, plus `status`). */
export const documentViewSchema = z
  .strictObject({
    type: z.enum(DOCUMENT_TYPES).meta({
      description: 'The document type: invoice-receipt (FR), invoice (FT) or simplified invoice (FS).',
      example: 'invoice_receipt',
    }),
    status: z.enum(DOCUMENT_STATUSES).meta({
      description: '`final` (closed, certified) or `draft` (left open in Moloni, with no number yet).',
      example: 'final',
    }),
    moloni_document_id: z
      .number()
      .int()
      .meta({ description: "The document's id in Moloni.", example: 974989624 }),
    number: z.string().nullable().meta({
      description:
        'The certified number (`FR M/32`); null for a draft, which Moloni numbers when it is closed.',
      example: 'FR M/32',
    }),
    series: z.string().meta({ description: 'The Moloni document series.', example: 'M' }),
    total_gross: z.number().meta({
      description: "Moloni's total with VAT, in euros; equal to the request's to the cent.",
      example: 10,
    }),
    currency: z.literal('EUR').meta({ description: 'Always EUR.', example: 'EUR' }),
    pdf_url: z.string().nullable().meta({
      description:
        'A signed, expiring link to the PDF through this API (fresh on every answer); null for drafts.',
      format: 'uri',
      example:
        'https://billing.theinventors.io/api/v1/invoices/req_4ad9b2ec1d9f3a71/pdf?expires=1779117441&signature=x3cQm1o7Zk2bP9sV4fT8wYj6rN0aHdLuE5gC1iKpQzA',
    }),
    created_at: timestamp('When Moloni created the document (UTC).'),
  })
  .meta({ id: 'Document', description: 'An issued document.' });

export type DocumentView = z.output<typeof documentViewSchema>;

/** 201: the document was issued (the seed contract's success body). */
export const successEnvelopeSchema = z
  .strictObject({
    success: z.literal(true).meta({ description: 'Always true in a success answer.', example: true }),
    request_id: requestId,
    reference,
    document: documentViewSchema,
  })
  .meta({
    id: 'InvoiceIssued',
    description: 'The document was issued (or had been, for this key or record).',
  });

export type SuccessEnvelope = z.output<typeof successEnvelopeSchema>;

/** 202: the request is claimed and will be issued; `status_url` reports it. */
export const acceptedBodySchema = z
  .strictObject({
    success: z.literal(true).meta({ description: 'Always true: the request was accepted.', example: true }),
    request_id: requestId,
    reference,
    state,
    status_url: statusUrl,
  })
  .meta({
    id: 'InvoiceAccepted',
    description: 'Accepted: the request goes on; poll `status_url` for the result.',
  });

export type AcceptedBody = z.output<typeof acceptedBodySchema>;

export const errorDetailsSchema = z
  .record(z.string(), z.unknown())
  .nullable()
  .meta({
    description:
      'Facts about the failure, by code; null when there are none. VALIDATION_ERROR: `issues`, a list of ' +
      '`{path, reason}` naming every bad field. MOLONI_TIMEOUT while the request goes on: `request_id`, ' +
      '`state`, `status_url`, `retry_with_same_idempotency_key`. REFERENCE_ALREADY_ISSUED: the `document` ' +
      'issued before, when known.',
    example: {
      issues: [{ path: 'items[0].vat_rate', reason: 'must be one of 0, 4, 6, 9, 12, 13, 16, 22, 23' }],
    },
  });

export type ErrorDetails = z.output<typeof errorDetailsSchema>;

/** The `error` member of the envelope, also what the ledger stores of a failed request. */
export const serializedErrorSchema = z
  .strictObject({
    code: z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]).meta({
      description: 'What went wrong, one of the catalog; each code has one HTTP status.',
      example: 'VALIDATION_ERROR',
    }),
    message: z.string().meta({
      description: 'For people, in English; it names the field at fault. Never contains a secret.',
      example: 'items[0].vat_rate is invalid: must be one of 0, 4, 6, 9, 12, 13, 16, 22, 23.',
    }),
    details: errorDetailsSchema,
  })
  .meta({ id: 'ErrorBody', description: 'The error: code, message and details.' });

export type SerializedError = z.output<typeof serializedErrorSchema>;

/** Every failure of the API, whatever its status. */
export const errorEnvelopeSchema = z
  .strictObject({
    success: z.literal(false).meta({ description: 'Always false in an error answer.', example: false }),
    request_id: requestId,
    error: serializedErrorSchema,
  })
  .meta({ id: 'Error', description: 'The one error envelope of the API.' });

export type ErrorEnvelope = z.output<typeof errorEnvelopeSchema>;

/** The details of a 504 MOLONI_TIMEOUT whose request goes on (see `stillProcessingAnswer`). */
/** While a request retries: how far it got, when it runs next and why the last attempt failed. */
const retryFields = {
  attempts: z.number().int().min(0).meta({ description: 'Attempts of the issue job so far.', example: 3 }),
  next_attempt_at: z.string().nullable().meta({
    description: 'While the job waits to retry: when the next attempt runs (UTC).',
    example: '2026-05-18T15:07:30.000Z',
  }),
  last_error: serializedErrorSchema
    .nullable()
    .meta({ description: 'Why the last attempt failed, also while the request is still retrying.' }),
};

export const stillProcessingDetailsSchema = z.strictObject({
  request_id: requestId,
  state,
  status_url: statusUrl,
  retry_with_same_idempotency_key: z.literal(true),
  ...retryFields,
});

export type StillProcessingDetails = z.output<typeof stillProcessingDetailsSchema>;

const EMAIL_STATES = ['queued', 'sending', 'sent', 'failed', 'in_doubt'] as const;
const RELATED_STATES = ['pending', 'final', 'failed', ...EMAIL_STATES.filter((s) => s !== 'failed')] as const;

/** A credit note, receipt or e-mail that an action on the request made (or is making). */
export const relatedDocumentSchema = z
  .strictObject({
    type: z.enum(['credit_note', 'receipt', 'email']).meta({
      description: 'A credit note (`NC`), a receipt (`RC`/`RE`), or an e-mail that carried the PDF.',
      example: 'credit_note',
    }),
    action_id: z
      .string()
      .regex(/^act_[0-9a-f]{16}$/)
      .meta({ description: 'The action that made it.', example: 'act_9c1e0b7d2a4f6e38' }),
    reference: z.string().nullable().meta({
      description: 'Its own reference in Moloni (`<reference>/NC1`); null for an e-mail.',
      example: 'TI-2026-05-18-0007/NC1',
    }),
    number: z
      .string()
      .nullable()
      .meta({ description: 'Its certified number; null for an e-mail or while pending.', example: 'NC M/1' }),
    total: z
      .number()
      .nullable()
      .meta({ description: 'Its total in euros; null for an e-mail or while pending.', example: 10 }),
    state: z.enum(RELATED_STATES).meta({
      description:
        'A document: `pending` (the action runs), `final` or `failed`. An e-mail: `queued`, `sending`, `sent`, ' +
        '`failed` (nothing was sent) or `in_doubt` (the mail server may have taken it: it is never re-sent by itself).',
      example: 'final',
    }),
    to: z
      .string()
      .nullable()
      .meta({ description: 'An e-mail: where it was sent; null for a document.', example: 'ana@cliente.pt' }),
    message_id: z.string().nullable().meta({
      description:
        'An e-mail: its Message-ID header (the same on every attempt); null for a document, or when the platform (InvoiceXpress) sent it.',
      example: '<act_9c1e0b7d2a4f6e38@faturador>',
    }),
    sent_at: timestamp('An e-mail: when the mail server accepted it; null otherwise.').nullable(),
    error: serializedErrorSchema
      .nullable()
      .meta({ description: 'Why the action failed or is in doubt; null otherwise.' }),
    created_at: timestamp('When the action was asked (UTC).'),
  })
  .meta({ id: 'RelatedDocument', description: 'Something an action on the request made.' });

export type RelatedDocument = z.output<typeof relatedDocumentSchema>;

/** What `GET /api/v1/invoices/{request_id}` adds about the life of the document after issuing. */
export const relatedFieldsSchema = {
  related_documents: z.array(relatedDocumentSchema).optional().meta({
    description:
      'Credit notes, receipts and e-mails of this request, oldest first (GET of one request only).',
  }),
  open_amount: z
    .number()
    .nullable()
    .optional()
    .meta({
      description:
        'An invoice (FT): what is still to pay, in euros (its total less receipts and credit notes); null for any ' +
        'other document or without a final one (GET of one request only).',
      example: 6,
    }),
  credited_amount: z.number().nullable().optional().meta({
    description:
      'What credit notes have cancelled of the document, in euros; null without a final document (GET of one request only).',
    example: 0,
  }),
};

export interface RelatedFields {
  related_documents: RelatedDocument[];
  open_amount: number | null;
  credited_amount: number | null;
}

/** 200 of `GET /api/v1/invoices/{request_id}`. */
export const statusBodySchema = z
  .strictObject({
    success: z.literal(true).meta({ description: 'Always true: the request exists.', example: true }),
    request_id: requestId,
    reference,
    state,
    document: documentViewSchema
      .nullable()
      .meta({ description: 'The document once there is one (issued, or a draft left for review).' }),
    error: serializedErrorSchema
      .nullable()
      .meta({ description: 'The final error when `state` is `failed`.' }),
    created_at: timestamp('When the request was accepted (UTC).'),
    updated_at: timestamp('When the request last changed (UTC).'),
    ...retryFields,
    ...relatedFieldsSchema,
  })
  .meta({ id: 'InvoiceStatus', description: 'The state and result of a request.' });

export type StatusBody = z.output<typeof statusBodySchema>;

/** 200 of `GET /api/v1/invoices/`: one page of the client's own requests, newest first. */
export const invoiceListBodySchema = z
  .strictObject({
    success: z.literal(true).meta({ description: 'Always true.', example: true }),
    data: z.array(statusBodySchema).meta({ description: 'The requests of this page, newest first.' }),
    next_cursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass it as `cursor` for the next page; null on the last page.', example: null }),
  })
  .meta({ id: 'InvoiceList', description: "One page of the client's own requests." });

export type InvoiceListBody = z.output<typeof invoiceListBodySchema>;

/**
 * The answers of `POST /api/v1/record-triggers/airtable`: an invoice request's, with the reference
 * the record gives (`AT-<record id>`).
 */
export const recordTriggerIssuedSchema = successEnvelopeSchema;
export const recordTriggerAcceptedSchema = acceptedBodySchema
  .extend({ reference: reference.meta({ example: 'AT-recBooking0000001' }) })
  .meta({ id: 'RecordTriggerAccepted', description: 'Accepted: the result is written back to the record.' });

/** 201/200 of the calls that act on an issued document (finalize, delete, credit notes, receipts). */
export const documentActionSchema = z
  .strictObject({
    success: z.literal(true).meta({ description: 'Always true: the action was done.', example: true }),
    request_id: requestId,
    action_id: z
      .string()
      .regex(/^act_[0-9a-f]{16}$/)
      .meta({ description: 'The id of this action on the request.', example: 'act_9c1e0b7d2a4f6e38' }),
    action: z.enum(['finalize', 'delete', 'credit_note', 'receipt', 'email']).meta({
      description: 'What was done.',
      example: 'credit_note',
    }),
    reference: z.string().nullable().meta({
      description:
        "The action's own reference in Moloni (`<reference>/NC1`, `<reference>/RC1`), which a retry finds it by; null for finalize and delete.",
      example: 'TI-2026-05-18-0007/NC1',
    }),
    document: z
      .strictObject({
        type: z.enum(['invoice_receipt', 'invoice', 'simplified_invoice', 'credit_note', 'receipt']).meta({
          description:
            'The document made or closed: the request’s own (finalize), a credit note or a receipt.',
          example: 'credit_note',
        }),
        moloni_document_id: z
          .number()
          .int()
          .meta({ description: "The document's id in Moloni.", example: 974989631 }),
        number: z
          .string()
          .nullable()
          .meta({ description: 'Its certified number; null if Moloni left it a draft.', example: 'NC M/1' }),
        total: z.number().meta({ description: 'Its total with VAT, in euros.', example: 10 }),
        created_at: timestamp('When it was made (UTC).'),
      })
      .nullable()
      .meta({ description: 'The document; null for a deleted draft.' }),
    open_amount: z.number().nullable().meta({
      description: 'After a receipt: what is still to pay on the invoice, in euros; null otherwise.',
      example: 6,
    }),
    fully_credited: z.boolean().nullable().meta({
      description: 'After a credit note: whether nothing is left to credit; null otherwise.',
      example: true,
    }),
  })
  .meta({ id: 'DocumentAction', description: 'The outcome of an action on an issued document.' });

export type DocumentActionBody = z.output<typeof documentActionSchema>;

/** 202 of `POST /api/v1/invoices/{request_id}/email`: the e-mail is queued; its outcome shows on the request. */
export const emailAcceptedSchema = z
  .strictObject({
    success: z.literal(true).meta({ description: 'Always true: the e-mail is taken.', example: true }),
    request_id: requestId,
    action_id: z
      .string()
      .regex(/^act_[0-9a-f]{16}$/)
      .meta({ description: 'The id of this e-mail on the request.', example: 'act_9c1e0b7d2a4f6e38' }),
    action: z.literal('email').meta({ description: 'What is done.', example: 'email' }),
    to: z.string().meta({ description: 'Where the PDF goes.', example: 'ana@cliente.pt' }),
    state: z.enum(EMAIL_STATES).meta({
      description: 'Where the e-mail stands now (the same key answers the latest state).',
      example: 'queued',
    }),
    error: serializedErrorSchema
      .nullable()
      .meta({ description: 'Why it failed or is in doubt, once known; null otherwise.' }),
    status_url: statusUrl,
  })
  .meta({
    id: 'EmailAccepted',
    description: 'The e-mail is queued; `status_url` lists it under `related_documents`.',
  });

export type EmailAcceptedBody = z.output<typeof emailAcceptedSchema>;
