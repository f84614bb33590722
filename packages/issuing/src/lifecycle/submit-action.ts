// The API side of an action on an issued document: the same Idempotency-Key rules as issuing, one
// BullMQ job per action, and an answer within the synchronous budget.
import {
  type DocumentActionBody,
  type ErrorEnvelope,
  errorEnvelope,
  FaturadorError,
  newId,
  parseCreditInput,
  parseReceiptInput,
  validationError,
} from '@faturador/core';
import { enqueue, type Queues } from '@faturador/jobs';
import {
  type ActionKind,
  fingerprint,
  type Ledger,
  type LifecycleAction,
  type LifecycleStore,
} from '@faturador/store';
import { IDEMPOTENCY_KEY_PATTERN } from '../submit.ts';

export interface ActionSubmitDeps {
  ledger: Ledger;
  actions: LifecycleStore;
  queues: Queues;
  syncBudgetMs: number;
}

export interface ActionSubmission {
  requestId: string;
  clientId: string;
  idempotencyKey: string;
  kind: Exclude<ActionKind, 'email'>;
  body: unknown;
}

export interface ActionAnswer {
  status: number;
  body: DocumentActionBody | ErrorEnvelope;
}

function inputOf(kind: ActionSubmission['kind'], body: unknown): Record<string, unknown> {
  if (kind === 'credit_note') return { ...parseCreditInput(body) };
  if (kind === 'receipt') return { ...parseReceiptInput(body) };
  const empty =
    body === undefined || (typeof body === 'object' && body !== null && Object.keys(body).length === 0);
  if (!empty) throw validationError([{ path: 'body', reason: 'must be empty' }]);
  return {};
}

function documentType(action: LifecycleAction, entry: { document: { type: string } | null }) {
  if (action.kind === 'credit_note') return 'credit_note' as const;
  if (action.kind === 'receipt') return 'receipt' as const;
  return (entry.document?.type ?? 'invoice_receipt') as 'invoice_receipt' | 'invoice' | 'simplified_invoice';
}

/** The answer every caller of this action gets, the first time and on every retry. */
export function actionAnswer(
  action: LifecycleAction,
  entry: { document: { type: string } | null },
): ActionAnswer {
  if (action.state === 'failed' || action.error) {
    const error = action.error ?? {
      code: 'INTERNAL_ERROR' as const,
      message: 'The action failed.',
      details: null,
    };
    return { status: action.httpStatus ?? 500, body: errorEnvelope(action.requestId, error) };
  }
  const outcome = action.outcome ?? {};
  return {
    status: action.kind === 'delete' ? 200 : 201,
    body: {
      success: true,
      request_id: action.requestId,
      action_id: action.actionId,
      action: action.kind,
      reference: action.reference,
      document: action.document
        ? {
            type: documentType(action, entry),
            moloni_document_id: action.document.moloniDocumentId,
            number: action.document.number,
            total: action.document.totalCents / 100,
            created_at: action.document.createdAt,
          }
        : null,
      open_amount: typeof outcome.open_amount === 'number' ? outcome.open_amount : null,
      fully_credited: typeof outcome.fully_credited === 'boolean' ? outcome.fully_credited : null,
    },
  };
}

const settled = (action: LifecycleAction | null) => action?.state === 'done' || action?.state === 'failed';

export function createActionSubmitter(deps: ActionSubmitDeps) {
  async function wait(actionId: string): Promise<LifecycleAction | null> {
    const deadline = Date.now() + deps.syncBudgetMs;
    let delay = 25;
    for (;;) {
      const action = await deps.actions.get(actionId);
      if (settled(action) || Date.now() >= deadline) return action;
      await new Promise((resolve) => setTimeout(resolve, Math.min(delay, deadline - Date.now())));
      delay = Math.min(delay * 2, 250);
    }
  }

  return {
    async submit(input: ActionSubmission): Promise<ActionAnswer> {
      const refuse = (error: FaturadorError): ActionAnswer => ({
        status: error.status,
        body: errorEnvelope(input.requestId, error),
      });
      const entry = await deps.ledger.get(input.requestId);
      // Another client's request is reported as absent, not as forbidden: ids are not an oracle.
      if (!entry || entry.clientId !== input.clientId) {
        return refuse(new FaturadorError('NOT_FOUND', `No request ${input.requestId} for this client.`));
      }
      if (!IDEMPOTENCY_KEY_PATTERN.test(input.idempotencyKey)) {
        return refuse(
          validationError([
            {
              path: 'Idempotency-Key',
              reason: 'is required: 8–128 characters of letters, digits and - _ : .',
            },
          ]),
        );
      }
      let parsed: Record<string, unknown>;
      try {
        parsed = inputOf(input.kind, input.body);
      } catch (error) {
        if (error instanceof FaturadorError) return refuse(error);
        throw error;
      }
      const claim = await deps.actions.claim({
        actionId: newId('act'),
        requestId: entry.requestId,
        clientId: input.clientId,
        kind: input.kind,
        input: parsed,
        idempotencyKey: input.idempotencyKey,
        fingerprint: fingerprint({
          request_id: entry.requestId,
          action: input.kind,
          body: input.body ?? null,
        }),
        referenceCode: input.kind === 'credit_note' ? 'NC' : input.kind === 'receipt' ? 'RC' : null,
        baseReference: entry.reference,
      });
      if (claim.kind === 'existing' && !claim.sameBody) {
        return refuse(
          new FaturadorError(
            'IDEMPOTENCY_CONFLICT',
            'This Idempotency-Key was already used with a different body.',
            {
              action_id: claim.action.actionId,
            },
          ),
        );
      }
      const { action } = claim;
      if (!settled(action)) {
        // BullMQ ignores an add whose jobId exists: re-adding repairs a lost enqueue.
        await enqueue(deps.queues, 'lifecycle', { actionId: action.actionId }, { jobId: action.actionId });
      }
      const result = await wait(action.actionId);
      if (!result || !settled(result)) {
        return refuse(
          new FaturadorError(
            'MOLONI_TIMEOUT',
            'The action is still running. Retry with the same Idempotency-Key to get the final result.',
            { action_id: action.actionId, retry_with_same_idempotency_key: true },
          ),
        );
      }
      return actionAnswer(result, entry);
    },
  };
}

export type ActionSubmitter = ReturnType<typeof createActionSubmitter>;
