// The API side of an action on an issued document: the same Idempotency-Key rules as issuing, one
// BullMQ job per action, and an answer within the synchronous budget.
import {
  FaturadorError,
  newId,
  parseCreditInput,
  parseEmailInput,
  parseReceiptInput,
  validationError,
} from '@faturador/core';
import { enqueue, type Queues } from '@faturador/jobs';
import {
  type ActionKind,
  fingerprint,
  type Ledger,
  type LedgerEntry,
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
  kind: ActionKind;
  body: unknown;
  /** Who asked, recorded on the action (default: the client itself). */
  by?: string;
}

/**
 * How far an action got; refusals are thrown as FaturadorError. The transport decides what each
 * looks like (the API's answers.ts).
 */
export type ActionResult =
  /** Done or failed: what every caller with this key gets, now and on every retry. */
  | { kind: 'settled'; action: LifecycleAction; entry: LedgerEntry }
  /** An e-mail: it is sent in the background, and its outcome appears on the request. */
  | { kind: 'accepted'; action: LifecycleAction }
  /** The synchronous budget ran out: the action goes on; the same key later gets its result. */
  | { kind: 'in-progress'; action: LifecycleAction };

function inputOf(kind: ActionKind, body: unknown, entry: LedgerEntry): Record<string, unknown> {
  if (kind === 'email') {
    // The PDF of a draft does not exist: only a final document can be sent.
    if (entry.state !== 'issued' || entry.document?.status !== 'final') {
      throw new FaturadorError(
        'DOCUMENT_NOT_FINAL',
        `Request ${entry.requestId} has no final document to send.`,
        {
          state: entry.state,
          status: entry.document?.status ?? null,
        },
      );
    }
    const to = parseEmailInput(body).to ?? entry.request.customer.email;
    if (!to) {
      throw validationError([
        { path: 'to', reason: 'is required: the request has no customer e-mail to send the document to' },
      ]);
    }
    return { to };
  }
  if (kind === 'credit_note') return { ...parseCreditInput(body) };
  if (kind === 'receipt') return { ...parseReceiptInput(body) };
  const empty =
    body === undefined || (typeof body === 'object' && body !== null && Object.keys(body).length === 0);
  if (!empty) throw validationError([{ path: 'body', reason: 'must be empty' }]);
  return {};
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
    async submit(input: ActionSubmission): Promise<ActionResult> {
      const refuse = (error: FaturadorError): never => {
        throw error;
      };
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
      const parsed = inputOf(input.kind, input.body, entry);
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
        by: input.by ?? `client:${input.clientId}`,
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
      if (action.kind === 'email') return { kind: 'accepted', action };
      const result = await wait(action.actionId);
      if (!result || !settled(result)) return { kind: 'in-progress', action: result ?? action };
      return { kind: 'settled', action: result, entry };
    },
  };
}

export type ActionSubmitter = ReturnType<typeof createActionSubmitter>;
