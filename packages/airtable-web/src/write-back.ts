import {
  DeliveryError,
  type DocumentView,
  deliveryRefused,
  type RelatedFields,
  type SerializedError,
} from '@faturador/core';
import type { LedgerEntry, LifecycleAction } from '@faturador/store';
import { type ActionOutcome, actionOutcomeFields } from './action-fields.ts';
import { AirtableApiError, type AirtableClientFactory } from './client.ts';
import { describeErrorInPortuguese } from './messages.ts';
import type { AirtableBaseSettingsStore } from './settings.ts';
import type { AirtableBaseSettings, FieldRole } from './settings-schema.ts';

type Settings = Pick<AirtableBaseSettings, 'fields' | 'status_values'> &
  Partial<Pick<AirtableBaseSettings, 'issued_at_format' | 'time_zone'>>;

/** "18/05/2026, 16:07" in the base's zone: for an issue time written to a text field. */
export function issuedAtText(iso: string, timeZone = 'Europe/Lisbon'): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return new Intl.DateTimeFormat('pt-PT', {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(time);
}

/** What a record should show about its request. */
export type RecordOutcome =
  | { kind: 'issuing' }
  | {
      kind: 'issued';
      document: Pick<DocumentView, 'number' | 'status'> & Partial<Pick<DocumentView, 'moloni_document_id'>>;
      pdfUrl: string | null;
      issuedAt: string | null;
      /** The request's id, when known (the deliver step knows it). */
      requestId?: string | null;
    }
  | {
      kind: 'failed';
      error: Pick<SerializedError, 'code' | 'message'> & { details?: SerializedError['details'] };
      /** A draft left for review (a total mismatch): the document exists. */
      document?: (Pick<DocumentView, 'number'> & Partial<Pick<DocumentView, 'moloni_document_id'>>) | null;
      requestId?: string | null;
    };

/** Cell values for an outcome, keyed as the settings name the fields; unmapped result fields are skipped. */
export function outcomeFields(settings: Settings, outcome: RecordOutcome): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const set = (role: FieldRole, value: unknown) => {
    const ref = settings.fields[role];
    if (ref !== undefined) fields[ref] = value;
  };
  // Text, so that a text field takes it as it is and a number field gets the digits.
  const setIds = (requestId: string | null | undefined, documentId: number | undefined) => {
    if (requestId) set('request_id', requestId);
    if (documentId !== undefined) set('document_id', String(documentId));
  };
  const { status_values: status } = settings;
  if (outcome.kind === 'issuing') {
    set('status', status.issuing);
    // A new attempt after a failure: the old error no longer describes the record.
    set('error', null);
  } else if (outcome.kind === 'issued') {
    set('status', outcome.document.status === 'draft' ? status.draft : status.issued);
    if (outcome.document.number) set('number', outcome.document.number);
    if (outcome.pdfUrl) set('pdf_url', outcome.pdfUrl);
    if (outcome.issuedAt) {
      set(
        'issued_at',
        settings.issued_at_format === 'text'
          ? issuedAtText(outcome.issuedAt, settings.time_zone)
          : outcome.issuedAt,
      );
    }
    setIds(outcome.requestId, outcome.document.moloni_document_id);
    set('error', null);
  } else {
    // A draft left for review (total mismatch) is both: the document exists, and someone must act.
    set('status', outcome.document ? status.draft : status.failed);
    set('error', describeErrorInPortuguese(outcome.error, outcome.requestId ?? null));
    if (outcome.document) setIds(outcome.requestId, outcome.document.moloni_document_id);
  }
  return fields;
}

export function outcomeOfEntry(entry: LedgerEntry, pdfUrl: string | null): RecordOutcome {
  if (entry.state === 'issued' && entry.document) {
    return {
      kind: 'issued',
      document: entry.document,
      pdfUrl,
      issuedAt: entry.issuedAt ?? entry.updatedAt,
      requestId: entry.requestId,
    };
  }
  if (entry.state === 'failed') {
    return {
      kind: 'failed',
      error: entry.error ?? { code: 'INTERNAL_ERROR', message: 'The request failed.' },
      document: entry.document,
      requestId: entry.requestId,
    };
  }
  return { kind: 'issuing' };
}

/** Maps a Web API failure to what the worker should do: wait and retry, or give up. */
export function toDeliveryError(error: unknown): DeliveryError {
  if (error instanceof AirtableApiError) {
    return new DeliveryError(error.message, {
      retryable: error.retryable,
      retryAfterMs: error.retryAfterMs,
      cause: error,
    });
  }
  if (error instanceof DeliveryError) return error;
  return new DeliveryError(error instanceof Error ? error.message : String(error), {
    retryable: true,
    cause: error,
  });
}

/**
 * Why this entry's result may not be written to the record it names, or null: the base must be
 * set up for the entry's client, and the record must be in the base's invoicing table.
 */
export function airtableDestinationRefusal(
  entry: Pick<LedgerEntry, 'clientId' | 'origin'>,
  settings: Pick<AirtableBaseSettings, 'client_id' | 'table_id'> | null,
): string | null {
  const { origin } = entry;
  if (origin.kind !== 'airtable') return null;
  if (!settings) return `Airtable base ${origin.base_id} is not set up.`;
  if (settings.client_id !== entry.clientId) {
    return `Airtable base ${origin.base_id} is not set up for client ${entry.clientId}.`;
  }
  if (settings.table_id !== origin.table_id) {
    return `Table ${origin.table_id} is not the invoicing table of base ${origin.base_id}.`;
  }
  return null;
}

export interface DeliverToAirtableDeps {
  settings: Pick<AirtableBaseSettingsStore, 'get'>;
  airtable: AirtableClientFactory;
  /** The PDF link written to the record. Default: the document's `pdf_url` in the ledger. */
  pdfUrl?: (entry: LedgerEntry) => string | null;
}

/** Writes an outcome to the record a request or trigger came from, after checking who owns the base. */
async function writeOutcome(
  target: Pick<LedgerEntry, 'clientId' | 'origin'>,
  outcome: (settings: AirtableBaseSettings) => RecordOutcome,
  deps: Omit<DeliverToAirtableDeps, 'pdfUrl'>,
): Promise<void> {
  await writeFields(target, (settings) => outcomeFields(settings, outcome(settings)), deps);
}

async function writeFields(
  target: Pick<LedgerEntry, 'clientId' | 'origin'>,
  fieldsOf: (settings: AirtableBaseSettings) => Record<string, unknown>,
  deps: Omit<DeliverToAirtableDeps, 'pdfUrl'>,
): Promise<void> {
  const { origin } = target;
  if (origin.kind !== 'airtable') {
    throw new DeliveryError('This delivery did not come from Airtable.', { retryable: false });
  }
  const settings = await deps.settings.get(origin.base_id);
  if (!settings) {
    throw new DeliveryError(`Airtable base ${origin.base_id} has no settings any more.`, {
      retryable: false,
    });
  }
  // The base's token belongs to the client that set the base up: nobody else's result goes there.
  const refusal = airtableDestinationRefusal(target, settings);
  if (refusal) throw deliveryRefused(refusal);
  const fields = fieldsOf(settings);
  if (Object.keys(fields).length === 0) return;
  try {
    await deps
      .airtable(origin.base_id)
      .updateRecords(origin.table_id, [{ id: origin.record_id, fields }], { typecast: settings.typecast });
  } catch (error) {
    throw toDeliveryError(error);
  }
}

/**
 * The `deliver` job of an Airtable request: writes status, number, PDF link and issue time (or the
 * error in words) to the record it came from. Throws DeliveryError: retryable after a 429 (with
 * the 30 s wait), a 5xx or no answer; final after a 401/403/404/422.
 */
export async function deliverToAirtable(entry: LedgerEntry, deps: DeliverToAirtableDeps): Promise<void> {
  const pdfUrl = deps.pdfUrl ? deps.pdfUrl(entry) : (entry.document?.pdf_url ?? null);
  await writeOutcome(entry, () => outcomeOfEntry(entry, pdfUrl), deps);
}

/**
 * What a record shows before its result: "A emitir" while its request is being issued, or the
 * error of a trigger refused before any request existed (a record that cannot be invoiced).
 */
export async function deliverNoticeToAirtable(
  target: Pick<LedgerEntry, 'clientId' | 'origin'>,
  notice: { kind: 'issuing' } | { kind: 'refused'; error: Pick<SerializedError, 'code' | 'message'> },
  deps: Omit<DeliverToAirtableDeps, 'pdfUrl'>,
): Promise<void> {
  await writeOutcome(
    target,
    () => (notice.kind === 'issuing' ? { kind: 'issuing' } : { kind: 'failed', error: notice.error }),
    deps,
  );
}

/**
 * The `deliver` job of an action on an Airtable request's document, whoever asked for it: a
 * finalized draft writes its number and PDF as an issue does; a credit note or a receipt writes
 * the fields the settings map for them (and "Anulado"/"Pago" once nothing is left); a failure
 * writes its reason to the error field. An e-mail or a deleted draft has no field to show it.
 */
export async function deliverActionToAirtable(
  entry: LedgerEntry,
  action: LifecycleAction,
  related: Pick<RelatedFields, 'open_amount'>,
  deps: DeliverToAirtableDeps,
): Promise<void> {
  if (action.state === 'failed') {
    const error = action.error ?? { code: 'INTERNAL_ERROR', message: 'The action failed.' };
    await writeFields(
      entry,
      (settings) => {
        const ref = settings.fields.error;
        return ref === undefined ? {} : { [ref]: describeErrorInPortuguese(error, entry.requestId) };
      },
      deps,
    );
    return;
  }
  if (action.kind === 'finalize') return deliverToAirtable(entry, deps);
  if (action.kind !== 'credit_note' && action.kind !== 'receipt') return;
  const outcome: ActionOutcome =
    action.kind === 'credit_note'
      ? {
          kind: 'credited',
          number: action.document?.number ?? null,
          // What the credit note's own job found left to credit (the API's `fully_credited`).
          fullyCredited: action.outcome?.fully_credited === true,
        }
      : { kind: 'paid', number: action.document?.number ?? null, openAmount: related.open_amount };
  await writeFields(entry, (settings) => actionOutcomeFields(settings, outcome), deps);
}
