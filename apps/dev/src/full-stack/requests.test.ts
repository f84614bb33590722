import { randomUUID } from 'node:crypto';
import { createApiClientStore } from '@faturador/store';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addSandboxConnection } from '../demo.ts';
import { documentsWithReference, SEED_BODY, type Stack, startStack } from '../stack.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), prefix: randomPrefix(), issueAttempts: 3 });
});
afterAll(async () => {
  await stack?.close();
});
afterEach(() => {
  stack.sandbox.sandbox.faults.clear();
});

const key = () => ({ 'idempotency-key': randomUUID() });
const issue = (reference: string, headers: Record<string, string> = {}) =>
  stack.post('/api/v1/invoices/', { ...SEED_BODY, reference }, { ...key(), ...headers });

/** A client of its own on a connection made by `connection`, with a key. */
async function clientOn(connectionId: string): Promise<Record<string, string>> {
  const runtime = stack.api.runtime;
  const clients = createApiClientStore({
    redis: runtime.redis,
    prefix: runtime.prefix,
    secretBox: runtime.secretBox,
  });
  const clientId = `c_${randomUUID().slice(0, 8)}`;
  await clients.createClient({ client_id: clientId, name: clientId });
  await clients.setMoloniConnection(clientId, connectionId);
  const { key: apiKey, secret } = await clients.createKey(clientId);
  return { 'x-client-id': clientId, 'x-api-key': apiKey.key_id, 'x-api-secret': secret };
}

describe('GET /api/v1/invoices', () => {
  it("lists the client's own requests, newest first, page by page, with filters", async () => {
    const run = randomUUID().slice(0, 6);
    const refs = [`L-${run}-1`, `L-${run}-2`, `L-${run}-3`];
    for (const reference of refs) expect((await issue(reference)).status).toBe(201);
    // Another client's request never shows in this client's list.
    expect((await issue(`L-${run}-bot`, stack.slackBotHeaders)).status).toBe(201);

    const first = await stack.get('/api/v1/invoices/?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.data.map((item: { reference: string }) => item.reference)).toEqual([refs[2], refs[1]]);
    expect(first.body.data[0]).toMatchObject({ state: 'issued', attempts: 0, last_error: null });
    expect(first.body.data[0].document.pdf_url).toContain('/pdf?');
    const second = await stack.get(`/api/v1/invoices?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body.data.map((item: { reference: string }) => item.reference)).toEqual([refs[0]]);
    expect(second.body.next_cursor).toBeNull();

    const byReference = await stack.get(`/api/v1/invoices?reference=${refs[1]}`);
    expect(byReference.body.data).toHaveLength(1);
    expect((await stack.get(`/api/v1/invoices?reference=L-${run}-bot`)).body.data).toEqual([]);
    expect((await stack.get('/api/v1/invoices?state=failed')).body.data).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await stack.get(`/api/v1/invoices?from=${today}&to=${today}`)).body.data).toHaveLength(3);
    expect((await stack.get('/api/v1/invoices?to=2020-01-01')).body.data).toEqual([]);
  });

  it('refuses a bad filter or cursor with 400 naming it', async () => {
    const bad = await stack.get('/api/v1/invoices?state=done&limit=0&from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_ERROR');
    expect(bad.body.error.message).toMatch(/state/);
    expect(JSON.stringify(bad.body.error.details)).toMatch(/limit.*from|from.*limit/);
    const cursor = await stack.get('/api/v1/invoices?cursor=not-ours');
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.message).toMatch(/cursor/);
  });

  it('is in the OpenAPI document', async () => {
    const spec = await stack.get('/openapi.json');
    expect(spec.body.paths['/api/v1/invoices/'].get.summary).toMatch(/own requests/);
    expect(JSON.stringify(spec.body.components.schemas.InvoiceStatus)).toContain('next_attempt_at');
  });
});

describe('retries, seen and asked for', () => {
  it('records attempts and the last error, then an operator retry issues it once', async () => {
    const reference = `RT-${randomUUID().slice(0, 8)}`;
    stack.sandbox.sandbox.faults.add({ kind: 'status', status: 503, endpoint: 'invoiceReceipts/insert' });
    const failed = await issue(reference);
    expect(failed.status).toBe(503);
    const requestId = failed.body.request_id;
    const status = await stack.get(`/api/v1/invoices/${requestId}`);
    // Two attempts were retried (recorded by the worker as they failed), the third was final.
    expect(status.body).toMatchObject({
      state: 'failed',
      attempts: 2,
      next_attempt_at: null,
      last_error: { code: 'MOLONI_UNAVAILABLE' },
    });

    stack.sandbox.sandbox.faults.clear();
    await expect(stack.api.runtime.operations.retry(requestId, 'cli', 'someone_else')).rejects.toThrow(
      /No request/,
    );
    await stack.api.runtime.operations.retry(requestId, 'cli');
    let state = '';
    for (let i = 0; i < 100 && state !== 'issued'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      state = (await stack.get(`/api/v1/invoices/${requestId}`)).body.state;
    }
    expect(state).toBe('issued');
    expect(documentsWithReference(stack, reference)).toBe(1);
    const entry = await stack.api.runtime.ledger.get(requestId);
    expect(entry?.actions).toEqual([expect.objectContaining({ action: 'retry', by: 'cli' })]);
    await expect(stack.api.runtime.operations.retry(requestId, 'cli')).rejects.toMatchObject({
      code: 'REQUEST_NOT_RETRYABLE',
    });
  });

  it('an unknown Moloni host fails the request at once with MOLONI_CONNECTION_FAILED', async () => {
    const runtime = stack.api.runtime;
    const deps = { redis: runtime.redis, prefix: runtime.prefix, secretBox: runtime.secretBox };
    const connection = await addSandboxConnection(deps, 'Typo', {
      baseUrl: 'http://moloni-typo.invalid/v1/',
      credentials: stack.sandbox.sandbox.credentials,
    });
    const started = Date.now();
    const response = await issue(`NX-${randomUUID().slice(0, 8)}`, await clientOn(connection.connection_id));
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({
      code: 'MOLONI_CONNECTION_FAILED',
      details: { cause: 'unknown_host', reason: 'ENOTFOUND' },
    });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('credentials Moloni refuses fail the request at once, without the secret', async () => {
    const runtime = stack.api.runtime;
    const deps = { redis: runtime.redis, prefix: runtime.prefix, secretBox: runtime.secretBox };
    const connection = await addSandboxConnection(deps, 'Wrong password', {
      baseUrl: stack.sandbox.baseUrl,
      credentials: { ...stack.sandbox.sandbox.credentials, password: 'not-the-password-42' },
    });
    const response = await issue(`CR-${randomUUID().slice(0, 8)}`, await clientOn(connection.connection_id));
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({
      code: 'MOLONI_CONNECTION_FAILED',
      details: { cause: 'credentials_refused' },
    });
    expect(JSON.stringify(response.body)).not.toContain('not-the-password-42');
  });
});

describe('/metrics', () => {
  it('counts API requests by code, Moloni calls by endpoint and outcome, issuance and the queues', async () => {
    expect((await issue(`M-${randomUUID().slice(0, 8)}`)).status).toBe(201);
    expect((await stack.get('/api/v1/invoices?state=nope')).status).toBe(400);
    const api = await stack.get('/metrics');
    expect(api.status).toBe(200);
    const text = api.body.toString('utf8');
    expect(text).toMatch(
      /faturador_http_requests_total\{method="POST",route="\/api\/v1\/invoices",status="201",code=""\} \d+/,
    );
    expect(text).toMatch(
      /faturador_http_requests_total\{method="GET",route="\/api\/v1\/invoices",status="400",code="VALIDATION_ERROR"\} \d+/,
    );
    expect(text).toMatch(/faturador_invoice_answer_seconds_count\{status="201"\} \d+/);
    expect(text).toMatch(/faturador_queue_jobs\{queue="issue",state="waiting"\} \d+/);
    // Request ids never become labels.
    expect(text).not.toMatch(/req_[0-9a-f]{16}/);

    const worker = await stack.workerMetrics?.registry.metrics();
    expect(worker).toMatch(
      /faturador_moloni_calls_total\{endpoint="invoiceReceipts\/insert",outcome="ok"\} \d+/,
    );
    expect(worker).toMatch(
      /faturador_moloni_calls_total\{endpoint="invoiceReceipts\/insert",outcome="MOLONI_UNAVAILABLE"\} \d+/,
    );
    expect(worker).toMatch(/faturador_issuance_seconds_count\{outcome="issued"\} \d+/);
    expect(worker).toMatch(/faturador_issuance_seconds_count\{outcome="failed"\} \d+/);
  });
});
