import { randomUUID } from 'node:crypto';
import { createPdfLinkSigner, derivePdfLinkKey } from '@faturador/issuing';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_BODY, type Stack, startStack } from './testing/stack.ts';

// The stack checks every answer of /api/… against /openapi.json (see startStack). The other API
// tests cover the main answers; these reach the statuses they do not, so those are checked too.

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), prefix: randomPrefix(), worker: false });
});
afterAll(async () => {
  await stack?.close();
});

const key = () => ({ 'idempotency-key': randomUUID() });

describe('answers the spec declares, checked against /openapi.json', () => {
  it('POST /api/v1/invoices/: 413 for a body over the limit, 415 for a body that is not JSON', async () => {
    const big = await stack.post('/api/v1/invoices/', { ...SEED_BODY, notes: 'x'.repeat(70 * 1024) }, key());
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const text = await stack.post('/api/v1/invoices/', 'reference=1', {
      ...key(),
      'content-type': 'text/plain',
    });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('GET /api/v1/invoices/{id}: 401 with a wrong secret; its PDF: 404 for a signed link without a document', async () => {
    const denied = await stack.get('/api/v1/invoices/req_0000000000000000', { 'x-api-secret': 'as_wrong' });
    expect(denied.status).toBe(401);
    const signer = createPdfLinkSigner({
      publicUrl: stack.url,
      key: derivePdfLinkKey(stack.api.runtime.masterKey),
      ttlSeconds: 60,
    });
    const link = new URL(signer.url('req_0000000000000000'));
    const missing = await stack.get(link.pathname + link.search);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });

  it('POST /api/v1/record-triggers/airtable: 401 for a key of the billing API', async () => {
    const denied = await stack.post('/api/v1/record-triggers/airtable', {
      base_id: 'appFaturadorDemo1',
      table_id: 'tblBookings000001',
      record_id: 'recBooking0000001',
    });
    expect(denied.status).toBe(401);
    expect(denied.body.error.code).toBe('AUTH_ERROR');
  });

  it('an answer the spec does not declare fails the test that received it', async () => {
    await expect(stack.get('/api/v1/nowhere')).rejects.toThrow(
      /GET \/api\/v1\/nowhere → 404: the OpenAPI spec has no such operation/,
    );
    // Seen and asserted here: the stack's close must not fail this file for it.
    stack.contractViolations.length = 0;
  });
});
