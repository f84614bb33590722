import {
  AirtableApiError,
  type AirtableBaseSettings,
  type AirtableBaseSettingsStore,
  type AirtableClientFactory,
  type AirtableRecord,
  cellText,
  mapRecordToInvoice,
  outcomeFields,
  type RecordOutcome,
  recordReference,
  usesFieldIds,
} from '@faturador/airtable-web';
import { type AirtableOrigin, FaturadorError, type Origin, type SerializedError } from '@faturador/core';
import { fingerprint } from '@faturador/store';

/** The billing API's submit (the issuing layer's), with the origin this route decided. */
export type SubmitFn = (input: {
  /** The HTTP request's id, which a new request's ledger entry takes. */
  requestId: string;
  clientId: string;
  connectionId: string | null;
  /** None are needed: the origin comes from this route, after it checked the base's owner. */
  capabilities: readonly string[];
  idempotencyKey: string;
  /** JSON in the seed contract's shape (an InvoiceRequestBody). */
  body: unknown;
  origin: Origin;
  wait: 'sync' | 'async';
}) => Promise<{ status: number; body: unknown }>;

export interface TriggerLogger {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface RecordTriggerDeps {
  settings: Pick<AirtableBaseSettingsStore, 'get'>;
  airtable: AirtableClientFactory;
  submit: SubmitFn;
}

export type TriggerAnswer =
  | { kind: 'answer'; status: number; body: unknown }
  | { kind: 'error'; error: FaturadorError; retryAfterSeconds?: number };

/**
 * The Idempotency-Key of a record's request. The record is the basis (`airtable:<base>:<record>`)
 * and a short fingerprint of the invoice it maps to follows: re-triggering an unchanged record
 * replays its request, while a record corrected after a refusal can be issued anew. At most one
 * document per record is still guaranteed by its reference `AT-<record>`, which the store never
 * gives to a second request unless the first failed without a document.
 */
export function recordIdempotencyKey(origin: AirtableOrigin, body: unknown): string {
  return `airtable:${origin.base_id}:${origin.record_id}:${fingerprint(body).slice(0, 16)}`;
}

/** What the record says about a document already made for it: issued, or a draft left for review. */
export function issuedNumber(
  record: AirtableRecord,
  settings: AirtableBaseSettings,
): string | null | undefined {
  const { fields, status_values: values } = settings;
  const number = fields.number ? cellText(record.fields[fields.number]) : '';
  const status = cellText(record.fields[fields.status]);
  if (number) return number;
  if (status === values.issued || status === values.draft) return null;
  return undefined;
}

function airtableFailure(error: unknown, origin: AirtableOrigin): TriggerAnswer {
  if (!(error instanceof AirtableApiError)) throw error;
  if (error.status === 404 && error.type !== 'TABLE_NOT_FOUND') {
    return {
      kind: 'error',
      error: new FaturadorError(
        'NOT_FOUND',
        `Record ${origin.record_id} was not found in table ${origin.table_id}.`,
      ),
    };
  }
  if (error.status === 429) {
    return {
      kind: 'error',
      error: new FaturadorError(
        'RATE_LIMITED',
        'Airtable asked us to slow down for this base. Retry shortly.',
      ),
      retryAfterSeconds: Math.ceil((error.retryAfterMs ?? 30_000) / 1000),
    };
  }
  if (error.retryable) {
    return {
      kind: 'error',
      error: new FaturadorError(
        'SERVICE_UNAVAILABLE',
        `Airtable did not answer (${error.type}). Nothing was issued; retry.`,
      ),
      retryAfterSeconds: 5,
    };
  }
  // 401/403/422 or a table that is gone: the base's setup is wrong, not the caller's request.
  return {
    kind: 'error',
    error: new FaturadorError(
      'CONNECTION_NOT_CONFIGURED',
      `Airtable refused to give record ${origin.record_id} (${error.status} ${error.type}). Check the base's token, its access to the base and the table id.`,
    ),
  };
}

/** The outcome a submit answer shows on the record; null while the worker still has it (202). */
function outcomeOfAnswer(answer: { status: number; body: unknown }): RecordOutcome | null {
  const body = (answer.body ?? {}) as {
    document?: {
      number: string | null;
      status: 'final' | 'draft';
      pdf_url: string | null;
      created_at: string;
    };
    error?: SerializedError;
  };
  if (answer.status === 202) return null;
  if (answer.status < 300 && body.document) {
    const { document } = body;
    return { kind: 'issued', document, pdfUrl: document.pdf_url, issuedAt: document.created_at };
  }
  if (answer.status >= 400 && body.error) {
    // Issued before (the record's result fields were cleared): show that document again.
    const earlier = body.error.details?.document as
      | { number: string | null; status: 'final' | 'draft'; pdf_url: string | null; created_at: string }
      | null
      | undefined;
    if (body.error.code === 'REFERENCE_ALREADY_ISSUED') {
      return earlier
        ? { kind: 'issued', document: earlier, pdfUrl: earlier.pdf_url, issuedAt: earlier.created_at }
        : null;
    }
    // Still running after the sync budget: the worker will write the result.
    if (body.error.details?.retry_with_same_idempotency_key === true) return null;
    return { kind: 'failed', error: body.error };
  }
  return null;
}

/**
 * One record trigger: read the record with the base's own token, refuse what is already invoiced,
 * map it, submit it through the billing API's path, and keep the record's status up to date.
 * Writes to the record are best effort: the worker's delivery is what guarantees the result lands.
 */
export async function triggerRecord(
  input: {
    requestId: string;
    clientId: string;
    connectionId: string | null;
    origin: AirtableOrigin;
    wait: 'sync' | 'async';
  },
  deps: RecordTriggerDeps,
  logger: TriggerLogger,
): Promise<TriggerAnswer> {
  const { origin } = input;
  const settings = await deps.settings.get(origin.base_id);
  // Another client's base is reported as absent: a trigger key must not reveal which bases exist.
  if (!settings || settings.client_id !== input.clientId) {
    return {
      kind: 'error',
      error: new FaturadorError(
        'NOT_FOUND',
        `Airtable base ${origin.base_id} is not set up for this client.`,
      ),
    };
  }
  if (settings.table_id !== origin.table_id) {
    return {
      kind: 'error',
      error: new FaturadorError(
        'VALIDATION_ERROR',
        `table_id is invalid: base ${origin.base_id} issues from table ${settings.table_id}.`,
        {
          issues: [{ path: 'table_id', reason: `is not the table set up for base ${origin.base_id}` }],
        },
      ),
    };
  }

  const airtable = deps.airtable(origin.base_id);
  let record: AirtableRecord;
  try {
    record = await airtable.getRecord(origin.table_id, origin.record_id, {
      fieldsById: usesFieldIds(settings),
    });
  } catch (error) {
    return airtableFailure(error, origin);
  }

  const reference = recordReference(origin.record_id);
  const number = issuedNumber(record, settings);
  if (number !== undefined) {
    const shown = number ?? 'um rascunho';
    return {
      kind: 'error',
      error: new FaturadorError(
        'REFERENCE_ALREADY_ISSUED',
        `Record ${origin.record_id} was already invoiced (${shown}).`,
        {
          reference,
          record_id: origin.record_id,
          number,
        },
      ),
    };
  }

  const write = async (outcome: RecordOutcome) => {
    try {
      await airtable.updateRecords(
        origin.table_id,
        [{ id: origin.record_id, fields: outcomeFields(settings, outcome) }],
        {
          typecast: settings.typecast,
        },
      );
    } catch (error) {
      logger.warn(
        { err: error, record: origin.record_id, outcome: outcome.kind },
        'could not update the Airtable record',
      );
    }
  };

  const mapped = mapRecordToInvoice(record, settings);
  if (!mapped.ok) {
    await write({ kind: 'failed', error: mapped.error });
    return { kind: 'error', error: mapped.error };
  }

  // Before submitting, so that a fast worker's result is never overwritten by this status.
  await write({ kind: 'issuing' });
  const answer = await deps.submit({
    requestId: input.requestId,
    clientId: input.clientId,
    connectionId: input.connectionId,
    idempotencyKey: recordIdempotencyKey(origin, mapped.body),
    body: mapped.body,
    capabilities: [],
    origin,
    wait: input.wait,
  });
  const outcome = outcomeOfAnswer(answer);
  if (outcome) await write(outcome);
  logger.info({ record: origin.record_id, status: answer.status }, 'airtable record trigger answered');
  return { kind: 'answer', status: answer.status, body: answer.body };
}
