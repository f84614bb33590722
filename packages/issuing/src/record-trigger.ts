import { randomBytes } from 'node:crypto';
import {
  AirtableApiError,
  type AirtableBaseSettings,
  type AirtableBaseSettingsStore,
  type AirtableClientFactory,
  type AirtableRecord,
  cellText,
  mapRecordToInvoice,
  recordReference,
  usesFieldIds,
} from '@faturador/airtable-web';
import { type AirtableOrigin, FaturadorError } from '@faturador/core';
import { enqueue, type JobData, type Queues } from '@faturador/jobs';
import { fingerprint, type Ledger } from '@faturador/store';
import type { Submission, Submitter } from './submit.ts';

export interface RecordTriggerDeps {
  settings: Pick<AirtableBaseSettingsStore, 'get'>;
  airtable: AirtableClientFactory;
  submitter: Pick<Submitter, 'submit'>;
  ledger: Pick<Ledger, 'get' | 'setDelivery'>;
  /** The record is written by the deliver step only: the trigger enqueues what it should show. */
  queues: Queues;
}

export interface RecordTriggerInput {
  /** The HTTP request's id, which a new request's ledger entry takes. */
  requestId: string;
  clientId: string;
  connectionId: string | null;
  origin: AirtableOrigin;
  wait: 'sync' | 'async';
}

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

function airtableFailure(error: unknown, origin: AirtableOrigin): FaturadorError {
  if (!(error instanceof AirtableApiError)) throw error;
  if (error.status === 404 && error.type !== 'TABLE_NOT_FOUND') {
    return new FaturadorError(
      'NOT_FOUND',
      `Record ${origin.record_id} was not found in table ${origin.table_id}.`,
    );
  }
  if (error.status === 429) {
    return new FaturadorError(
      'RATE_LIMITED',
      'Airtable asked us to slow down for this base. Retry shortly.',
      null,
      {
        retryAfterSeconds: Math.ceil((error.retryAfterMs ?? 30_000) / 1000),
      },
    );
  }
  if (error.retryable) {
    return new FaturadorError(
      'SERVICE_UNAVAILABLE',
      `Airtable did not answer (${error.type}). Nothing was issued; retry.`,
      null,
      { retryAfterSeconds: 5 },
    );
  }
  // 401/403/422 or a table that is gone: the base's setup is wrong, not the caller's request.
  return new FaturadorError(
    'CONNECTION_NOT_CONFIGURED',
    `Airtable refused to give record ${origin.record_id} (${error.status} ${error.type}). Check the base's token, its access to the base and the table id.`,
  );
}

/**
 * One record trigger: read the record with the base's own token, refuse what is already invoiced,
 * map it and submit it as any request is submitted. The record itself is written by the deliver
 * step only — "A emitir" while the request runs, then its result, or why it cannot be invoiced —
 * one write at a time, so a late notice never hides the result.
 */
const originKey = (origin: AirtableOrigin) => `${origin.base_id}.${origin.record_id}`;

export function createRecordTrigger(deps: RecordTriggerDeps) {
  const notify = (data: JobData<'deliver'>, jobId: string) =>
    enqueue(deps.queues, 'deliver', data, { jobId });

  async function refuse(input: RecordTriggerInput, error: FaturadorError): Promise<never> {
    await notify(
      {
        refusal: {
          clientId: input.clientId,
          origin: input.origin,
          error: { code: error.code, message: error.message },
        },
      },
      `refusal.${originKey(input.origin)}.${randomBytes(6).toString('hex')}`,
    );
    throw error;
  }

  async function redeliver(requestId: string): Promise<void> {
    await deps.ledger.setDelivery(requestId, 'pending', null);
    await notify({ requestId }, `${requestId}.redeliver.${Date.now()}`);
  }

  return {
    async trigger(input: RecordTriggerInput): Promise<Submission> {
      const { origin } = input;
      const settings = await deps.settings.get(origin.base_id);
      // Another client's base is reported as absent: a trigger key must not reveal which bases exist.
      if (!settings || settings.client_id !== input.clientId) {
        throw new FaturadorError(
          'NOT_FOUND',
          `Airtable base ${origin.base_id} is not set up for this client.`,
        );
      }
      if (settings.table_id !== origin.table_id) {
        throw new FaturadorError(
          'VALIDATION_ERROR',
          `table_id is invalid: base ${origin.base_id} issues from table ${settings.table_id}.`,
          { issues: [{ path: 'table_id', reason: `is not the table set up for base ${origin.base_id}` }] },
        );
      }

      let record: AirtableRecord;
      try {
        record = await deps
          .airtable(origin.base_id)
          .getRecord(origin.table_id, origin.record_id, { fieldsById: usesFieldIds(settings) });
      } catch (error) {
        throw airtableFailure(error, origin);
      }

      const number = issuedNumber(record, settings);
      if (number !== undefined) {
        throw new FaturadorError(
          'REFERENCE_ALREADY_ISSUED',
          `Record ${origin.record_id} was already invoiced (${number ?? 'um rascunho'}).`,
          { reference: recordReference(origin.record_id), record_id: origin.record_id, number },
        );
      }

      const mapped = mapRecordToInvoice(record, settings);
      if (!mapped.ok) return refuse(input, mapped.error);

      let submission: Submission;
      try {
        submission = await deps.submitter.submit({
          requestId: input.requestId,
          clientId: input.clientId,
          connectionId: input.connectionId,
          idempotencyKey: recordIdempotencyKey(origin, mapped.body),
          body: mapped.body,
          capabilities: [],
          origin,
          wait: input.wait,
        });
      } catch (error) {
        if (!(error instanceof FaturadorError)) throw error;
        if (error.code !== 'REFERENCE_ALREADY_ISSUED') return refuse(input, error);
        // Issued before, and the record lost its result fields: its own request shows it again.
        const ownerId = error.details?.request_id;
        const owner = typeof ownerId === 'string' ? await deps.ledger.get(ownerId) : null;
        if (
          owner?.document &&
          owner.origin.kind === 'airtable' &&
          owner.origin.record_id === origin.record_id
        ) {
          await redeliver(owner.requestId);
        }
        throw error;
      }
      const { entry } = submission;
      if (submission.kind === 'final') {
        // A replay: the record asks again because it no longer shows its result; it gets it again.
        await redeliver(entry.requestId);
      } else {
        // The result's own delivery follows from the worker; until then the record says "A emitir".
        await notify({ requestId: entry.requestId, progress: true }, `${entry.requestId}.progress`);
      }
      return submission;
    },
  };
}

export type RecordTrigger = ReturnType<typeof createRecordTrigger>;
