import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NONCE_PATTERN, SIGNATURE_WINDOW_SECONDS, signRequest } from '@faturador/store/signing';
import { afterEach, describe, expect, it } from 'vitest';
import { BillingApiError, createBillingClient } from './client.ts';
import { isAccepted } from './types.ts';

// A tiny billing API that authenticates like the real one (plain secret or HMAC signature with a
// single-use nonce) and answers what each test scripts.
const CLIENT = {
  clientId: 'slack_bot',
  apiKey: 'ak_0123456789abcdef',
  apiSecret: 'as_s3cr3t_value_never_logged',
};

interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Answer = { status: number; body: unknown; headers?: Record<string, string> } | 'raw502' | 'hang';

async function startApi(answer: (seen: Seen) => Answer) {
  const seen: Seen[] = [];
  const nonces = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: Seen = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(request);
      const h = req.headers;
      let authorized = h['x-client-id'] === CLIENT.clientId && h['x-api-key'] === CLIENT.apiKey;
      if (h['x-signature'] !== undefined) {
        const timestamp = Number(h['x-timestamp']);
        const nonce = String(h['x-nonce']);
        const expected = signRequest({
          method: request.method,
          path: request.path,
          timestamp,
          nonce,
          body: request.body,
          secret: CLIENT.apiSecret,
        });
        authorized &&=
          h['x-api-secret'] === undefined &&
          h['x-signature'] === expected &&
          Math.abs(Date.now() / 1000 - timestamp) <= SIGNATURE_WINDOW_SECONDS &&
          NONCE_PATTERN.test(nonce) &&
          !nonces.has(nonce);
        nonces.add(nonce);
      } else {
        authorized &&= h['x-api-secret'] === CLIENT.apiSecret;
      }
      if (!authorized) {
        res.writeHead(401, { 'content-type': 'application/json', 'x-request-id': 'req_00000000000000aa' });
        res.end(
          JSON.stringify({
            success: false,
            request_id: 'req_00000000000000aa',
            error: { code: 'AUTH_ERROR', message: 'Invalid credentials.', details: null },
          }),
        );
        return;
      }
      const scripted = answer(request);
      if (scripted === 'hang') return;
      if (scripted === 'raw502') {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html>Bad gateway</html>');
        return;
      }
      res.writeHead(scripted.status, { 'content-type': 'application/json', ...scripted.headers });
      res.end(JSON.stringify(scripted.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  closers.push(close);
  return { url: `http://127.0.0.1:${port}`, seen, close };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const body = {
  reference: 'TI-2026-05-18-0007',
  customer: { name: 'Eduardo Costa', vat_number: '509999999' },
  items: [{ product: 'mensalidade TheInventors', gross_price: 10, vat_rate: 23 }],
};

const issued = {
  success: true,
  request_id: 'req_4ad9b2ec1d9f3a71',
  reference: body.reference,
  document: {
    type: 'invoice_receipt',
    status: 'final',
    moloni_document_id: 974989624,
    number: 'FR M/32',
    series: 'M',
    total_gross: 10,
    currency: 'EUR',
    pdf_url: 'https://example.test/pdf',
    created_at: '2026-05-18T15:07:21Z',
  },
};

describe('createBillingClient', () => {
  it('sends the contract headers and body, and returns 201 as ok', async () => {
    const api = await startApi(() => ({
      status: 201,
      body: issued,
      headers: { 'x-request-id': issued.request_id },
    }));
    const client = createBillingClient({ baseUrl: api.url, ...CLIENT });
    const result = await client.issueInvoice(body, {
      idempotencyKey: '2878e76a-6654-4e52-a11b-dcc525eef985',
    });
    expect(result).toEqual({ ok: true, status: 201, requestId: issued.request_id, body: issued });
    const [request] = api.seen;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/api/v1/invoices/');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['idempotency-key']).toBe('2878e76a-6654-4e52-a11b-dcc525eef985');
    expect(request?.headers.prefer).toBeUndefined();
    expect(JSON.parse(request?.body ?? '')).toEqual(body);
  });

  it('sends the calls after issuing, signed: finalize, delete, credit notes, receipts and e-mail', async () => {
    const action = { success: true, request_id: 'req_4ad9b2ec1d9f3a71', action: 'credit_note' };
    const api = await startApi(() => ({ status: 201, body: action }));
    const client = createBillingClient({ baseUrl: api.url, ...CLIENT, signed: true });
    const options = { idempotencyKey: '5a0f3c1e-8b7d-4c2a-9e61-0d4b7f2c9a13' };
    const credited = await client.creditInvoice('req_4ad9b2ec1d9f3a71', { reason: 'Erro no NIF' }, options);
    expect(credited).toMatchObject({ ok: true, status: 201, body: action });
    await client.recordPayment('req_4ad9b2ec1d9f3a71', { amount: 4 }, options);
    await client.finalizeInvoice('req_4ad9b2ec1d9f3a71', options);
    await client.deleteDraft('req_4ad9b2ec1d9f3a71', options);
    await client.emailInvoice('req_4ad9b2ec1d9f3a71', { to: 'ana@cliente.pt' }, options);
    expect(api.seen.map((seen) => `${seen.method} ${seen.path} ${seen.body}`)).toEqual([
      'POST /api/v1/invoices/req_4ad9b2ec1d9f3a71/credit-notes {"reason":"Erro no NIF"}',
      'POST /api/v1/invoices/req_4ad9b2ec1d9f3a71/receipts {"amount":4}',
      'POST /api/v1/invoices/req_4ad9b2ec1d9f3a71/finalize ',
      'DELETE /api/v1/invoices/req_4ad9b2ec1d9f3a71 ',
      'POST /api/v1/invoices/req_4ad9b2ec1d9f3a71/email {"to":"ana@cliente.pt"}',
    ]);
    expect(api.seen.every((seen) => seen.headers['idempotency-key'] === options.idempotencyKey)).toBe(true);
  });

  it('signs requests without sending the secret, with a fresh nonce each time', async () => {
    const api = await startApi(() => ({ status: 201, body: issued }));
    const client = createBillingClient({ baseUrl: `${api.url}/`, ...CLIENT, signed: true });
    const first = await client.issueInvoice(body, { idempotencyKey: 'slack:T1:trigger-0001' });
    const second = await client.issueInvoice(body, { idempotencyKey: 'slack:T1:trigger-0001' });
    expect(first.ok && second.ok).toBe(true);
    const [a, b] = api.seen;
    expect(a?.headers['x-api-secret']).toBeUndefined();
    expect(a?.headers['x-nonce']).not.toBe(b?.headers['x-nonce']);
  });

  it('signs the path with a base URL prefix and the query exactly as sent', async () => {
    const api = await startApi(() => ({
      status: 200,
      body: { success: true, request_id: 'req_1', state: 'issued' },
    }));
    const client = createBillingClient({ baseUrl: `${api.url}/billing`, ...CLIENT, signed: true });
    const result = await client.getInvoice('req_4ad9b2ec1d9f3a71');
    expect(result.ok).toBe(true);
    expect(api.seen[0]?.path).toBe('/billing/api/v1/invoices/req_4ad9b2ec1d9f3a71');
    expect(api.seen[0]?.method).toBe('GET');
  });

  it('lists invoices with the query as given, signed over the path and query', async () => {
    const api = await startApi(() => ({
      status: 200,
      body: { success: true, data: [], next_cursor: null },
    }));
    const client = createBillingClient({ baseUrl: api.url, ...CLIENT, signed: true });
    const result = await client.listInvoices({ state: 'failed', from: '2026-05-01', limit: 20 });
    expect(result).toMatchObject({ ok: true, body: { data: [], next_cursor: null } });
    expect(api.seen[0]?.path).toBe('/api/v1/invoices/?state=failed&from=2026-05-01&limit=20');
    expect(api.seen[0]?.headers['x-signature']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a wrong secret is an AUTH_ERROR value, in both modes', async () => {
    const api = await startApi(() => ({ status: 201, body: issued }));
    for (const signed of [false, true]) {
      const client = createBillingClient({ baseUrl: api.url, ...CLIENT, apiSecret: 'as_wrong', signed });
      const result = await client.issueInvoice(body, { idempotencyKey: 'key-00000001' });
      expect(result).toMatchObject({ ok: false, status: 401, requestId: 'req_00000000000000aa' });
      if (!result.ok) expect(result.body.error.code).toBe('AUTH_ERROR');
    }
  });

  it('asks for async processing and sends the origin', async () => {
    const accepted = {
      success: true,
      request_id: 'req_0000000000000001',
      reference: body.reference,
      state: 'queued',
      status_url: 'http://x/api/v1/invoices/req_0000000000000001',
    };
    const api = await startApi(() => ({ status: 202, body: accepted }));
    const client = createBillingClient({ baseUrl: api.url, ...CLIENT });
    const origin = {
      kind: 'slack' as const,
      channel: 'C0123ABCD',
      message_ts: '1700000000.000100',
      user_id: 'U1',
    };
    const result = await client.issueInvoice(body, {
      idempotencyKey: 'slack:T1:abc.def',
      async: true,
      origin,
    });
    expect(result.ok && isAccepted(result.body)).toBe(true);
    expect(result.status).toBe(202);
    expect(api.seen[0]?.headers.prefer).toBe('respond-async');
    expect(JSON.parse(api.seen[0]?.body ?? '').origin).toEqual(origin);
  });

  it('returns error envelopes as values with their status', async () => {
    const envelope = {
      success: false,
      request_id: 'req_62d03a9dabc7e8f4',
      error: { code: 'MOLONI_BUSINESS_ERROR', message: 'Moloni said no.', details: null },
    };
    const api = await startApi(() => ({ status: 422, body: envelope }));
    const client = createBillingClient({ baseUrl: api.url, ...CLIENT });
    const result = await client.issueInvoice(body, { idempotencyKey: 'key-00000002' });
    expect(result).toEqual({ ok: false, status: 422, requestId: 'req_62d03a9dabc7e8f4', body: envelope });
  });

  it('turns a non-envelope answer (a proxy page) into an error value', async () => {
    const api = await startApi(() => 'raw502');
    const client = createBillingClient({ baseUrl: api.url, ...CLIENT });
    const result = await client.issueInvoice(body, { idempotencyKey: 'key-00000003' });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.body.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { http_status: 502 } });
  });

  it('posts record triggers with the same authentication', async () => {
    const api = await startApi(() => ({
      status: 202,
      body: { success: true, request_id: 'req_2', state: 'queued', status_url: 'x' },
    }));
    const client = createBillingClient({ baseUrl: api.url, ...CLIENT, signed: true });
    const record = {
      base_id: 'appAAAAAAAAAAAAAA',
      table_id: 'tblBBBBBBBBBBBBBB',
      record_id: 'recCCCCCCCCCCCCCC',
    };
    const result = await client.triggerAirtableRecord(record, { idempotencyKey: 'airtable:recCCCC' });
    expect(result.ok).toBe(true);
    expect(api.seen[0]?.path).toBe('/api/v1/record-triggers/airtable');
    // The signature covers the query string: the test server verified it with `?wait=sync` in the path.
    const synced = await client.triggerAirtableRecord(record, { wait: 'sync' });
    expect(synced.ok).toBe(true);
    expect(api.seen[1]?.path).toBe('/api/v1/record-triggers/airtable?wait=sync');
    expect(api.seen[1]?.headers['idempotency-key']).toBeUndefined();
    expect(JSON.parse(api.seen[0]?.body ?? '')).toEqual(record);
    expect(api.seen[0]?.headers['idempotency-key']).toBe('airtable:recCCCC');
  });

  it('refuses a malformed Idempotency-Key before sending anything', async () => {
    const api = await startApi(() => ({ status: 201, body: issued }));
    const client = createBillingClient({ baseUrl: api.url, ...CLIENT });
    await expect(client.issueInvoice(body, { idempotencyKey: 'short' })).rejects.toThrow(TypeError);
    await expect(client.issueInvoice(body, { idempotencyKey: 'has space in it' })).rejects.toThrow(TypeError);
    expect(api.seen).toHaveLength(0);
  });

  it('throws a BillingApiError without the secret when the API is unreachable', async () => {
    const api = await startApi(() => ({ status: 201, body: issued }));
    await api.close();
    const client = createBillingClient({ baseUrl: api.url, ...CLIENT });
    const error = await client
      .issueInvoice(body, { idempotencyKey: 'key-00000004' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillingApiError);
    expect((error as BillingApiError).kind).toBe('network');
    expect((error as BillingApiError).code).toBe('ECONNREFUSED');
    expect(JSON.stringify(error) + String(error)).not.toContain(CLIENT.apiSecret);
  });

  it('times out with a BillingApiError', async () => {
    const api = await startApi(() => 'hang');
    const client = createBillingClient({ baseUrl: api.url, ...CLIENT, timeoutMs: 100 });
    const error = await client
      .issueInvoice(body, { idempotencyKey: 'key-00000005' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillingApiError);
    expect((error as BillingApiError).kind).toBe('timeout');
  });
});
