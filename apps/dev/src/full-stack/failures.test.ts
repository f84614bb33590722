import { randomUUID } from 'node:crypto';
import { seedCustomer } from '@faturador/moloni-sandbox';
import { createApiClientStore } from '@faturador/store';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addSandboxConnection } from '../demo.ts';
import { documentsWithReference, SEED_BODY, type Stack, startStack } from '../stack.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    redisUrl: testRedisUrl(),
    prefix: randomPrefix(),
    syncBudgetMs: 5_000,
    issueAttempts: 3,
  });
});
afterAll(async () => {
  await stack?.close();
});
afterEach(() => {
  stack.sandbox.sandbox.faults.clear();
});

const key = () => ({ 'idempotency-key': randomUUID() });
const body = (reference: string, extra: Record<string, unknown> = {}) => ({
  ...SEED_BODY,
  reference,
  ...extra,
});

function addCustomer(name: string, vat: string): void {
  seedCustomer(stack.sandbox, { name, vat });
}

describe("the seed's error table, produced for real", () => {
  it('422 MOLONI_BUSINESS_ERROR with Moloni’s codes, not retried, reference freed', async () => {
    const request = body('BIZ-1', {
      customer: { ...SEED_BODY.customer, vat_number: '123456789', zip_code: '12345', name: 'Zé Postal' },
    });
    const response = await stack.post('/api/v1/invoices/', request, key());
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('MOLONI_BUSINESS_ERROR');
    expect(JSON.stringify(response.body.error.details)).toContain('zip_code');
    expect(documentsWithReference(stack, 'BIZ-1')).toBe(0);
    // A corrected request with a new key may use the reference again.
    const fixed = await stack.post(
      '/api/v1/invoices/',
      { ...request, customer: { ...request.customer, zip_code: '1000-001' } },
      key(),
    );
    expect(fixed.status).toBe(201);
  });

  for (const [shape, refusal] of [
    ['a nested error array', [['10 associated_id'], '5 related_id']],
    ['{"valid": 0}', { valid: 0, error_msg: 'Não foi possível inserir o documento' }],
  ] as const) {
    it(`422 MOLONI_BUSINESS_ERROR for ${shape} on insert: no reconciliation, no retry`, async () => {
      const reference = `BIZ-${shape.length}`;
      const { stats } = stack.sandbox.sandbox;
      const before = {
        inserts: stats.count('invoiceReceipts/insert'),
        lookups: stats.count('documents/getAll'),
      };
      stack.sandbox.sandbox.faults.add({ kind: 'refuse', endpoint: 'invoiceReceipts/insert', body: refusal });
      const response = await stack.post('/api/v1/invoices/', body(reference), key());
      expect(response.status).toBe(422);
      expect(response.body.error.code).toBe('MOLONI_BUSINESS_ERROR');
      expect(stats.count('invoiceReceipts/insert') - before.inserts).toBe(1);
      // A refusal changed nothing: no search by reference as after an unknown outcome.
      expect(stats.count('documents/getAll') - before.lookups).toBe(0);
      expect(documentsWithReference(stack, reference)).toBe(0);
    });
  }

  it('422 CUSTOMER_AMBIGUOUS when several customers share the NIF under other names', async () => {
    addCustomer('Ana Ambígua', '500000000');
    addCustomer('Bruno Ambíguo', '500000000');
    const response = await stack.post(
      '/api/v1/invoices/',
      body('AMB-1', { customer: { name: 'Carla Terceira', vat_number: '500000000' } }),
      key(),
    );
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('CUSTOMER_AMBIGUOUS');
    expect(response.body.error.details.candidates).toHaveLength(2);
  });

  // A customer this worker has not resolved yet, so its lookup (where the fault is) is made.
  const newCustomer = (name: string) => ({ customer: { ...SEED_BODY.customer, name } });

  it('502 MOLONI_BAD_GATEWAY after retries when a proxy keeps answering HTML', async () => {
    stack.sandbox.sandbox.faults.add({ kind: 'status', status: 502, endpoint: 'customers/getByVat' });
    const response = await stack.post('/api/v1/invoices/', body('BGW-1', newCustomer('Gateway Lda')), key());
    expect(response.status).toBe(502);
    expect(response.body.error.code).toBe('MOLONI_BAD_GATEWAY');
  });

  it('503 MOLONI_UNAVAILABLE, and a retry with the same key re-runs it once Moloni is back', async () => {
    stack.sandbox.sandbox.faults.add({ kind: 'status', status: 503, endpoint: 'customers/getByVat' });
    const headers = key();
    const response = await stack.post(
      '/api/v1/invoices/',
      body('UNAV-1', newCustomer('Indisponível Lda')),
      headers,
    );
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe('MOLONI_UNAVAILABLE');
    stack.sandbox.sandbox.faults.clear();
    const retry = await stack.post(
      '/api/v1/invoices/',
      body('UNAV-1', newCustomer('Indisponível Lda')),
      headers,
    );
    expect(retry.status).toBe(201);
    expect(retry.body.request_id).toBe(response.body.request_id);
    expect(documentsWithReference(stack, 'UNAV-1')).toBe(1);
  });

  it('a transient failure followed by success within the retries is invisible to the caller', async () => {
    stack.sandbox.sandbox.faults.add({
      kind: 'status',
      status: 503,
      endpoint: 'customers/getByVat',
      times: 1,
    });
    const response = await stack.post('/api/v1/invoices/', body('BLIP-1'), key());
    expect(response.status).toBe(201);
  });

  it('504 MOLONI_TIMEOUT when the budget runs out; the same key later returns the one document', async () => {
    stack.sandbox.sandbox.faults.add({
      kind: 'latency',
      ms: 6_500,
      endpoint: 'invoiceReceipts/insert',
      times: 1,
    });
    const headers = key();
    const response = await stack.post('/api/v1/invoices/', body('SLOW-1'), headers);
    expect(response.status).toBe(504);
    expect(response.body.error).toMatchObject({
      code: 'MOLONI_TIMEOUT',
      details: { retry_with_same_idempotency_key: true, request_id: response.body.request_id },
    });
    const later = await stack.post('/api/v1/invoices/', body('SLOW-1'), headers);
    expect(later.status).toBe(201);
    expect(later.body.request_id).toBe(response.body.request_id);
    expect(documentsWithReference(stack, 'SLOW-1')).toBe(1);
  }, 30_000);
});

describe('exactly once under ambiguous failures', () => {
  it('"commit then drop" on insert: the retry finds the document by reference and adopts it', async () => {
    stack.sandbox.sandbox.faults.add({
      kind: 'commitThenDrop',
      endpoint: 'invoiceReceipts/insert',
      times: 1,
    });
    const response = await stack.post('/api/v1/invoices/', body('DROP-1'), key());
    expect(response.status).toBe(201);
    expect(response.body.document.status).toBe('final');
    expect(documentsWithReference(stack, 'DROP-1')).toBe(1);
  });

  it('"commit then drop" on closing: the closed document is adopted, not re-issued', async () => {
    stack.sandbox.sandbox.faults.add({
      kind: 'commitThenDrop',
      endpoint: 'invoiceReceipts/update',
      times: 1,
    });
    const response = await stack.post('/api/v1/invoices/', body('DROP-2'), key());
    expect(response.status).toBe(201);
    expect(response.body.document.number).toMatch(/^FR M\//);
    expect(documentsWithReference(stack, 'DROP-2')).toBe(1);
  });
});

describe('API clients sharing one Moloni account', () => {
  /** Another client of the company; on the stack's connection unless given its own. */
  const storeDeps = () => ({
    redis: stack.api.runtime.redis,
    prefix: stack.env.FATURADOR_PREFIX ?? '',
    secretBox: stack.api.runtime.secretBox,
  });

  async function otherClient(clientId: string, connectionId = stack.connectionId) {
    const clients = createApiClientStore(storeDeps());
    await clients.createClient({ client_id: clientId, name: clientId, connection_id: connectionId });
    const { key: apiKey, secret } = await clients.createKey(clientId);
    return { 'x-client-id': clientId, 'x-api-key': apiKey.key_id, 'x-api-secret': secret };
  }

  it("refuse each other's references, without showing the other's request", async () => {
    const first = await stack.post('/api/v1/invoices/', body('SHARED-1'), key());
    expect(first.status).toBe(201);
    const headers = await otherClient('erp_shared');
    const second = await stack.post('/api/v1/invoices/', body('SHARED-1'), { ...key(), ...headers });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('REFERENCE_ALREADY_ISSUED');
    expect(second.body.error.details).toBeNull();
    expect(JSON.stringify(second.body)).not.toContain(first.body.request_id);
    expect(documentsWithReference(stack, 'SHARED-1')).toBe(1);
  });

  it('two connections to one Moloni company share the reference guard, whichever resolves its company first', async () => {
    // A second connection to the same Moloni company, as a careless setup could make: it has not
    // resolved its company yet, so the API guards its first reference per connection; the worker
    // then takes the company's guard before inserting.
    const again = () =>
      addSandboxConnection(storeDeps(), 'Same company, again', {
        baseUrl: stack.sandbox.baseUrl,
        credentials: stack.sandbox.sandbox.credentials,
      });
    const theirs = await otherClient('erp_elsewhere', (await again()).connection_id);
    const first = await stack.post(
      '/api/v1/invoices/',
      body('HAND-1', { items: [{ product: 'outra coisa', gross_price: 99, vat_rate: 23 }] }),
      { ...key(), ...theirs },
    );
    expect(first.status).toBe(201);
    // Ours (on the stack's connection, whose company is known): refused at the API.
    const ours = await stack.post('/api/v1/invoices/', body('HAND-1'), key());
    expect(ours.status).toBe(409);
    expect(ours.body.error.code).toBe('REFERENCE_ALREADY_ISSUED');
    expect(ours.body.error.details).toBeNull();
    expect(documentsWithReference(stack, 'HAND-1')).toBe(1);

    // The other way round: ours first, then a fresh connection that only the worker can place.
    expect((await stack.post('/api/v1/invoices/', body('HAND-2'), key())).status).toBe(201);
    const later = await otherClient('erp_later', (await again()).connection_id);
    const refused = await stack.post('/api/v1/invoices/', body('HAND-2'), { ...key(), ...later });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('REFERENCE_ALREADY_ISSUED');
    expect(JSON.stringify(refused.body.error)).not.toContain('req_');
    expect(documentsWithReference(stack, 'HAND-2')).toBe(1);
  });
});
