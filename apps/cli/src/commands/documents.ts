// `faturador documents …`: the calls after issuing, for an operator, through the same service layer
// as the API (issuing's action submitter: the same Idempotency-Key rules, one lifecycle job each,
// run by the worker). The action is done on behalf of the request's own client.
import { randomUUID } from 'node:crypto';
import { type ParseArgsConfig, parseArgs } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

import { FaturadorError, isFaturadorError, isId } from '@faturador/core';
import { relatedDocument } from '@faturador/issuing';
import type { ActionKind, LifecycleAction } from '@faturador/store';
import { type CliDeps, type CommandOutput, parsing, positionals, UsageError } from '../context.ts';

export const DOCUMENTS_USAGE = `faturador documents finalize <request_id> [--key K]   (close a draft after checking its total)
faturador documents delete <request_id> [--key K]     (delete a draft in Moloni)
faturador documents credit <request_id> --reason R [--line N[:quantity[:gross_price]]]... [--key K]
faturador documents receipt <request_id> [--amount A] [--method M] [--date YYYY-MM-DD] [--key K]
faturador documents email <request_id> [--to address] [--no-wait] [--key K]
  (a worker must be running; --key is the Idempotency-Key, a new one by default: print it to repeat safely)`;

const COMMON: ParseArgsOptionsConfig = { key: { type: 'string' } };

const KINDS: Record<string, ActionKind> = {
  finalize: 'finalize',
  delete: 'delete',
  credit: 'credit_note',
  receipt: 'receipt',
  email: 'email',
};

function number(value: string, option: string): number {
  const parsed = Number(value.replace(',', '.'));
  if (!Number.isFinite(parsed)) throw new UsageError(`${option}: "${value}" is not a number`);
  return parsed;
}

/** `--line 1`, `--line 1:2`, `--line 1::5.00` (line, quantity, gross unit price). */
function lineOf(value: string) {
  const [line = '', quantity = '', gross = ''] = value.split(':');
  return {
    line: number(line, '--line'),
    ...(quantity ? { quantity: number(quantity, '--line') } : {}),
    ...(gross ? { gross_price: number(gross, '--line') } : {}),
  };
}

function bodyOf(
  kind: ActionKind,
  args: string[],
): { requestId: string; key: string; body: unknown; wait: boolean } {
  const options: ParseArgsOptionsConfig = {
    ...COMMON,
    ...(kind === 'credit_note'
      ? { reason: { type: 'string' as const }, line: { type: 'string' as const, multiple: true } }
      : {}),
    ...(kind === 'receipt'
      ? {
          amount: { type: 'string' as const },
          method: { type: 'string' as const },
          date: { type: 'string' as const },
        }
      : {}),
    ...(kind === 'email' ? { to: { type: 'string' as const }, 'no-wait': { type: 'boolean' as const } } : {}),
  };
  const parsed = parsing(() => parseArgs({ args, strict: true, allowPositionals: true, options }));
  const values = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const [requestId = ''] = positionals(parsed.positionals, ['request_id'], `documents ${kind}`);
  if (!isId(requestId, 'req'))
    throw new UsageError(`"${requestId.slice(0, 80)}" is not a request id (req_ + 16 hex)`);
  const key = typeof values.key === 'string' ? values.key : randomUUID();
  let body: unknown;
  if (kind === 'credit_note') {
    const lines = Array.isArray(values.line) ? values.line.map(lineOf) : undefined;
    body = { reason: values.reason ?? '', ...(lines ? { items: lines } : {}) };
  } else if (kind === 'receipt') {
    body = {
      ...(typeof values.amount === 'string' ? { amount: number(values.amount, '--amount') } : {}),
      ...(typeof values.method === 'string' ? { payment_method: values.method } : {}),
      ...(typeof values.date === 'string' ? { date: values.date } : {}),
    };
  } else if (kind === 'email') {
    body = typeof values.to === 'string' ? { to: values.to } : {};
  }
  return { requestId, key, body, wait: values['no-wait'] !== true };
}

/** What the terminal shows of an action: its document, amounts, recipient, or its error. */
function summaryOf(action: LifecycleAction, key: string): CommandOutput {
  const view = relatedDocument(action);
  const state = action.kind === 'email' ? (view?.state ?? 'queued') : action.state;
  const document = action.document;
  const outcome = action.outcome ?? {};
  const parts = [
    `${action.kind} ${state} for ${action.requestId}`,
    action.reference ? `reference ${action.reference}` : null,
    document
      ? `document ${document.number ?? '(draft)'}, total ${(document.totalCents / 100).toFixed(2)}`
      : null,
    typeof outcome.open_amount === 'number' ? `open amount ${outcome.open_amount.toFixed(2)}` : null,
    typeof action.input.to === 'string' ? `to ${action.input.to}` : null,
  ];
  const error = action.error ? `\n${action.error.code}: ${action.error.message}` : '';
  return {
    text: `${parts.filter(Boolean).join('; ')}${error}\nIdempotency-Key: ${key}`,
    data: {
      idempotency_key: key,
      action_id: action.actionId,
      request_id: action.requestId,
      action: action.kind,
      state,
      reference: action.reference,
      document: document
        ? {
            number: document.number,
            total: document.totalCents / 100,
            moloni_document_id: document.moloniDocumentId,
          }
        : null,
      outcome: action.outcome,
      error: action.error,
    },
    exitCode: action.state === 'failed' || state === 'in_doubt' ? 1 : 0,
  };
}

function refusal(error: FaturadorError, key: string): CommandOutput {
  return {
    text: `${error.code}: ${error.message}\nIdempotency-Key: ${key}`,
    data: { idempotency_key: key, error: error.toJSON() },
    exitCode: 1,
  };
}

export async function documentsCommand(
  deps: CliDeps,
  action: string | undefined,
  args: string[],
): Promise<CommandOutput> {
  const kind = KINDS[action ?? ''];
  if (!kind) throw new UsageError(`unknown command: documents ${action ?? ''}`.trim());
  const input = bodyOf(kind, args);
  const { ledger, actions, submitter } = deps.lifecycle();
  const entry = await ledger.get(input.requestId);
  if (!entry) throw new FaturadorError('NOT_FOUND', `request ${input.requestId} not found`);
  let result: Awaited<ReturnType<typeof submitter.submit>>;
  try {
    result = await submitter.submit({
      requestId: input.requestId,
      clientId: entry.clientId,
      idempotencyKey: input.key,
      kind,
      body: input.body,
    });
  } catch (error) {
    if (isFaturadorError(error)) return refusal(error, input.key);
    throw error;
  }
  if (result.kind === 'in-progress') {
    return {
      text: `${kind} is still running for ${input.requestId}; repeat with --key ${input.key} for its result.`,
      data: { idempotency_key: input.key, action_id: result.action.actionId, state: result.action.state },
      exitCode: 1,
    };
  }
  let done = result.action;
  if (result.kind === 'accepted' && input.wait) {
    // The API answers an e-mail with 202 at once; at a terminal the outcome is worth the wait.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const stored = (await actions.get(done.actionId)) ?? done;
      done = stored;
      const state = relatedDocument(stored)?.state;
      if ((state !== 'queued' && state !== 'sending') || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return summaryOf(done, input.key);
}
