import type { AddressInfo } from 'node:net';
import type { DocumentView, ErrorCode, InvoiceRequestBody, SlackOrigin } from '@faturador/core';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * A small stand-in for the billing API, for the bot's tests: it authenticates like the real one
 * (plain credentials), keeps Idempotency-Keys (same key + same body → the same answer; another
 * body → 409), records every request, and answers what a test scripts. It does not depend on
 * the real API, which another package builds.
 */
export const FAKE_CLIENT = {
  clientId: 'slack_bot',
  apiKey: 'ak_slack_0123456789',
  apiSecret: 'as_slack_secret_value',
};

export interface BillingRequest {
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

export interface FakeBilling {
  url: string;
  requests: BillingRequest[];
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

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export async function startFakeBilling(): Promise<FakeBilling> {
  const requests: BillingRequest[] = [];
  const keys = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  let scripted: Scripted = { kind: 'accept' };
  let accepted: (accepted: Accepted) => Promise<void> | void = () => {};
  let counter = 0;
  let held: Promise<void> | null = null;
  const app = new Hono();

  app.post('/api/v1/invoices/', async (c) => {
    const body = (await c.req.json()) as BillingRequest['body'];
    const idempotencyKey = c.req.header('idempotency-key') ?? null;
    requests.push({ idempotencyKey, prefer: c.req.header('prefer') ?? null, body });
    if (held) await held;
    const authorized =
      c.req.header('x-client-id') === FAKE_CLIENT.clientId &&
      c.req.header('x-api-key') === FAKE_CLIENT.apiKey &&
      c.req.header('x-api-secret') === FAKE_CLIENT.apiSecret;
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
