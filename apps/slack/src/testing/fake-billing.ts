import type { AddressInfo } from 'node:net';
import {
  type DocumentView,
  type ErrorCode,
  FaturadorError,
  type InvoiceRequestBody,
  originRefusal,
  parseCreditInput,
  parseEmailInput,
  parseReceiptInput,
  type SlackOrigin,
  type StatusBody,
} from '@faturador/core';
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';

/**
 * A small stand-in for the billing API, for the bot's tests: it authenticates like the real one
 * (plain credentials), keeps Idempotency-Keys (same key + same body → the same answer; another
 * body → 409), records every request, and answers what a test scripts. Besides issuing, it
 * answers GET of a request it was told about (`know`) and the lifecycle calls on it. It does not depend on
 * the real API, which another package builds.
 */
export const FAKE_CLIENT = {
  clientId: 'slack_bot',
  apiKey: 'ak_slack_0123456789',
  apiSecret: 'as_slack_secret_value',
};

/** An API client the fake knows; with `capabilities`, it checks Slack origins as the API does. */
export interface FakeBillingClient {
  clientId: string;
  apiKey: string;
  apiSecret: string;
  capabilities?: string[];
}

export interface BillingRequest {
  /** Who sent it (null when no known client's credentials came). */
  clientId: string | null;
  idempotencyKey: string | null;
  prefer: string | null;
  body: InvoiceRequestBody & { origin?: SlackOrigin };
}

export type Scripted =
  | { kind: 'accept' }
  | { kind: 'issue'; document?: Partial<DocumentView> }
  | {
      kind: 'error';
      code: ErrorCode;
      status: number;
      message: string;
      details?: Record<string, unknown> | null;
    };

export interface Accepted {
  requestId: string;
  idempotencyKey: string;
  body: InvoiceRequestBody;
  origin: SlackOrigin | undefined;
}

/** The calls on an issued document, by the API's own names. */
export type DocumentAction = 'finalize' | 'credit_note' | 'receipt' | 'email';

export interface ActionRequest {
  requestId: string;
  action: DocumentAction;
  idempotencyKey: string | null;
  /** The JSON body; undefined when none was sent (finalize). */
  body: unknown;
  /** Answered from what the key stored, as a duplicate: nothing was done again. */
  replayed: boolean;
}

/** A request the fake knows, as GET tells it, plus the customer's e-mail the API keeps for `email`. */
export interface KnownInvoice {
  status: StatusBody;
  customerEmail?: string;
}

export type ScriptedAction =
  | { kind: 'ok' }
  | {
      kind: 'error';
      code: ErrorCode;
      status: number;
      message: string;
      details?: Record<string, unknown> | null;
    };

export interface FakeBilling {
  url: string;
  requests: BillingRequest[];
  /** The lifecycle calls (finalize, credit notes, receipts, e-mail), replays included. */
  actions: ActionRequest[];
  /** The request ids GET was asked about. */
  lookups: string[];
  /** What GET answers for this request id (404 for any other), and where `email` sends by default. */
  know(invoice: KnownInvoice): void;
  /** What new (not replayed) lifecycle calls get; `ok` by default. */
  scriptAction(next: ScriptedAction): void;
  /** What new (not replayed) requests get; `accept` (202) by default. */
  script(next: Scripted): void;
  /** Called after a 202, like the worker picking up the job. */
  onAccepted(handler: (accepted: Accepted) => Promise<void> | void): void;
  /** Records the final answer of a key, as the real API does once the worker is done with it. */
  settle(idempotencyKey: string, status: number, body: unknown): void;
  /** Requests wait (after being recorded) until the returned function is called. */
  hold(): () => void;
  close(): Promise<void>;
}

/** What GET answers for an issued request: a final FR of 10 € unless told otherwise. */
export function invoiceStatus(
  requestId: string,
  document: Partial<DocumentView> = {},
  related: Pick<StatusBody, 'open_amount' | 'credited_amount'> = {},
): StatusBody {
  const now = new Date().toISOString();
  return {
    success: true,
    request_id: requestId,
    reference: `SLACK-C0FATURAS-${requestId}`,
    state: 'issued',
    document: {
      type: 'invoice_receipt',
      status: 'final',
      moloni_document_id: 4242,
      number: 'FR M/77',
      series: 'M',
      total_gross: 10,
      currency: 'EUR',
      pdf_url: `http://billing.test/pdf/${requestId}`,
      created_at: now,
      ...document,
    },
    error: null,
    created_at: now,
    updated_at: now,
    attempts: 1,
    next_attempt_at: null,
    last_error: null,
    related_documents: [],
    open_amount: null,
    credited_amount: 0,
    ...related,
  };
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export async function startFakeBilling(
  options: { clients?: FakeBillingClient[] } = {},
): Promise<FakeBilling> {
  const clients: FakeBillingClient[] = options.clients ?? [FAKE_CLIENT];
  const requests: BillingRequest[] = [];
  const keys = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  let scripted: Scripted = { kind: 'accept' };
  let accepted: (accepted: Accepted) => Promise<void> | void = () => {};
  let counter = 0;
  let held: Promise<void> | null = null;
  const actions: ActionRequest[] = [];
  const lookups: string[] = [];
  const known = new Map<string, KnownInvoice>();
  const actionKeys = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  let scriptedAction: ScriptedAction = { kind: 'ok' };
  let actionCounter = 0;
  const app = new Hono();

  const clientOf = (c: Context) =>
    clients.find(
      (client) =>
        c.req.header('x-client-id') === client.clientId &&
        c.req.header('x-api-key') === client.apiKey &&
        c.req.header('x-api-secret') === client.apiSecret,
    ) ?? null;
  const isAuthorized = (c: Context) => clientOf(c) !== null;

  const envelope = (
    requestId: string,
    code: ErrorCode,
    message: string,
    details: Record<string, unknown> | null = null,
  ) => ({ success: false, request_id: requestId, error: { code, message, details } });

  app.get('/api/v1/invoices/:id', (c) => {
    const requestId = c.req.param('id');
    lookups.push(requestId);
    if (!isAuthorized(c)) return c.json(envelope(requestId, 'AUTH_ERROR', 'Invalid credentials.'), 401);
    const invoice = known.get(requestId);
    if (!invoice) return c.json(envelope(requestId, 'NOT_FOUND', `No request ${requestId}.`), 404);
    return c.json(invoice.status, 200);
  });

  /** The body checked with core's parsers, as the API does before it claims the key. */
  function check(action: DocumentAction, body: unknown, invoice: KnownInvoice): string | null {
    if (action === 'credit_note') parseCreditInput(body);
    if (action === 'receipt') parseReceiptInput(body);
    if (action !== 'email') return null;
    const to = parseEmailInput(body).to ?? invoice.customerEmail;
    if (!to) {
      throw new FaturadorError('VALIDATION_ERROR', 'to is invalid: is required.', {
        issues: [
          { path: 'to', reason: 'is required: the request has no customer e-mail to send the document to' },
        ],
      });
    }
    return to;
  }

  function actionAnswer(action: DocumentAction, requestId: string, to: string | null, origin: string) {
    const actionId = `act_${(++actionCounter).toString(16).padStart(16, '0')}`;
    if (action === 'email') {
      return {
        status: 202,
        body: {
          success: true,
          request_id: requestId,
          action_id: actionId,
          action,
          to,
          state: 'queued',
          error: null,
          status_url: `${origin}/api/v1/invoices/${requestId}`,
        },
      };
    }
    const document = known.get(requestId)?.status.document;
    return {
      status: action === 'finalize' ? 200 : 201,
      body: {
        success: true,
        request_id: requestId,
        action_id: actionId,
        action,
        reference: action === 'finalize' ? null : `REF/${action === 'credit_note' ? 'NC' : 'RC'}1`,
        document: {
          type: action === 'finalize' ? (document?.type ?? 'invoice') : action,
          moloni_document_id: 5000 + actionCounter,
          number: action === 'finalize' ? 'FT M/9' : action === 'credit_note' ? 'NC M/1' : 'RC M/1',
          total: document?.total_gross ?? 10,
          created_at: new Date().toISOString(),
        },
        open_amount: action === 'receipt' ? 0 : null,
        fully_credited: action === 'credit_note' ? true : null,
      },
    };
  }

  const ACTION_PATHS: Array<[string, DocumentAction]> = [
    ['finalize', 'finalize'],
    ['credit-notes', 'credit_note'],
    ['receipts', 'receipt'],
    ['email', 'email'],
  ];
  for (const [path, action] of ACTION_PATHS) {
    app.post(`/api/v1/invoices/:id/${path}`, async (c) => {
      const requestId = c.req.param('id');
      const text = await c.req.text();
      const body: unknown = text === '' ? undefined : JSON.parse(text);
      const idempotencyKey = c.req.header('idempotency-key') ?? null;
      const record: ActionRequest = { requestId, action, idempotencyKey, body, replayed: false };
      actions.push(record);
      if (held) await held;
      if (!isAuthorized(c)) return c.json(envelope(requestId, 'AUTH_ERROR', 'Invalid credentials.'), 401);
      const invoice = known.get(requestId);
      if (!invoice) return c.json(envelope(requestId, 'NOT_FOUND', `No request ${requestId}.`), 404);
      if (!idempotencyKey) {
        return c.json(envelope(requestId, 'VALIDATION_ERROR', 'Idempotency-Key is required.'), 400);
      }
      // Refusals of the body are not kept under the key (the API checks before it claims one):
      // the corrected body may come with the same key.
      let to: string | null;
      try {
        to = check(action, body, invoice);
      } catch (error) {
        if (!(error instanceof FaturadorError)) throw error;
        return c.json(envelope(requestId, error.code, error.message, error.details), 400);
      }
      const fingerprint = canonical({ requestId, action, body: body ?? null });
      const previous = actionKeys.get(idempotencyKey);
      if (previous) {
        if (previous.fingerprint !== fingerprint) {
          return c.json(
            envelope(
              requestId,
              'IDEMPOTENCY_CONFLICT',
              'This Idempotency-Key was already used with a different body.',
            ),
            409,
          );
        }
        record.replayed = true;
        return c.json(previous.body as object, previous.status as 200);
      }
      const answer =
        scriptedAction.kind === 'error'
          ? {
              status: scriptedAction.status,
              body: envelope(
                requestId,
                scriptedAction.code,
                scriptedAction.message,
                scriptedAction.details ?? null,
              ),
            }
          : actionAnswer(action, requestId, to, new URL(c.req.url).origin);
      actionKeys.set(idempotencyKey, { fingerprint, ...answer });
      return c.json(answer.body as object, answer.status as 200);
    });
  }

  app.post('/api/v1/invoices/', async (c) => {
    const body = (await c.req.json()) as BillingRequest['body'];
    const idempotencyKey = c.req.header('idempotency-key') ?? null;
    const client = clientOf(c);
    requests.push({
      clientId: client?.clientId ?? null,
      idempotencyKey,
      prefer: c.req.header('prefer') ?? null,
      body,
    });
    if (held) await held;
    const authorized = client !== null;
    const requestId = `req_${(++counter).toString(16).padStart(16, '0')}`;
    c.header('x-request-id', requestId);
    const fail = (
      status: number,
      code: ErrorCode,
      message: string,
      details: Record<string, unknown> | null = null,
    ) => c.json({ success: false, request_id: requestId, error: { code, message, details } }, status as 400);
    if (!authorized) return fail(401, 'AUTH_ERROR', 'Invalid credentials.');
    if (!idempotencyKey) return fail(400, 'VALIDATION_ERROR', 'Idempotency-Key is required.');
    const refusal =
      client.capabilities && body.origin ? originRefusal(body.origin, client.capabilities) : null;
    if (refusal) {
      return fail(400, 'VALIDATION_ERROR', `origin ${refusal}.`, {
        issues: [{ path: 'origin', reason: refusal }],
      });
    }

    const fingerprint = canonical(body);
    const previous = keys.get(idempotencyKey);
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        return fail(
          409,
          'IDEMPOTENCY_CONFLICT',
          'This Idempotency-Key was already used with a different body.',
        );
      }
      return c.json(previous.body as object, previous.status as 200);
    }
    const { origin, ...invoice } = body;
    let answer: { status: number; body: unknown };
    if (scripted.kind === 'error') {
      answer = {
        status: scripted.status,
        body: {
          success: false,
          request_id: requestId,
          error: { code: scripted.code, message: scripted.message, details: scripted.details ?? null },
        },
      };
    } else if (scripted.kind === 'issue') {
      const document: DocumentView = {
        type: invoice.document_type ?? 'invoice_receipt',
        status: 'final',
        moloni_document_id: 1000 + counter,
        number: `FR M/${counter}`,
        series: 'M',
        total_gross: invoice.items.reduce((sum, item) => sum + item.gross_price * (item.quantity ?? 1), 0),
        currency: 'EUR',
        pdf_url: `http://billing.test/pdf/${requestId}`,
        created_at: new Date().toISOString(),
        ...scripted.document,
      };
      answer = {
        status: 201,
        body: { success: true, request_id: requestId, reference: invoice.reference, document },
      };
    } else {
      answer = {
        status: 202,
        body: {
          success: true,
          request_id: requestId,
          reference: invoice.reference,
          state: 'queued',
          status_url: `${new URL(c.req.url).origin}/api/v1/invoices/${requestId}`,
        },
      };
    }
    keys.set(idempotencyKey, { fingerprint, ...answer });
    if (answer.status === 202) {
      // After the answer, like a worker: the bot must not wait for the result.
      setTimeout(() => void accepted({ requestId, idempotencyKey, body: invoice, origin }), 0);
    }
    return c.json(answer.body as object, answer.status as 200);
  });

  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
        resolve({ server, port: info.port }),
      );
    },
  );
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    actions,
    lookups,
    know: (invoice) => {
      known.set(invoice.status.request_id, invoice);
    },
    scriptAction: (next) => {
      scriptedAction = next;
    },
    script: (next) => {
      scripted = next;
    },
    onAccepted: (handler) => {
      accepted = handler;
    },
    settle(idempotencyKey, status, body) {
      const known = keys.get(idempotencyKey);
      if (known) keys.set(idempotencyKey, { ...known, status, body });
    },
    hold() {
      let release: () => void = () => {};
      held = new Promise<void>((resolve) => {
        release = resolve;
      });
      return () => {
        held = null;
        release();
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
