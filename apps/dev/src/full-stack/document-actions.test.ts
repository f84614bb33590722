// The actions on issued documents through the API, the worker and the sandbox.
import { randomUUID } from 'node:crypto';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_BODY, type Stack, startStack } from '../stack.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), prefix: randomPrefix(), syncBudgetMs: 8_000 });
});
afterAll(async () => {
  await stack?.close();
});

const key = () => ({ 'idempotency-key': randomUUID() });
const issue = async (reference: string, extra: Record<string, unknown> = {}) => {
  const response = await stack.post('/api/v1/invoices/', { ...SEED_BODY, reference, ...extra }, key());
  expect(response.status).toBe(201);
  return response.body.request_id as string;
};
const creditNotes = () =>
  [...stack.sandbox.sandbox.state.documents.values()].filter((d) => d.document_type_id === 3);

describe('POST /api/v1/invoices/{request_id}/credit-notes', () => {
  it('cancels an FR with NC M/1; the same key gets the same answer, a second credit is refused', async () => {
    const requestId = await issue('ACT-NC-1');
    const headers = key();
    const first = await stack.post(
      `/api/v1/invoices/${requestId}/credit-notes`,
      { reason: 'Erro no NIF' },
      headers,
    );
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      success: true,
      request_id: requestId,
      action: 'credit_note',
      reference: 'ACT-NC-1/NC1',
      document: { type: 'credit_note', number: expect.stringMatching(/^NC M\/\d+$/), total: 10 },
      fully_credited: true,
      open_amount: null,
    });
    const replay = await stack.post(
      `/api/v1/invoices/${requestId}/credit-notes`,
      { reason: 'Erro no NIF' },
      headers,
    );
    expect(replay).toMatchObject({ status: 201, body: first.body });
    const conflict = await stack.post(
      `/api/v1/invoices/${requestId}/credit-notes`,
      { reason: 'Outra' },
      headers,
    );
    expect(conflict.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    const again = await stack.post(
      `/api/v1/invoices/${requestId}/credit-notes`,
      { reason: 'De novo' },
      key(),
    );
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CREDIT_EXCEEDS_REMAINING');
    expect(creditNotes().filter((d) => d.our_reference.startsWith('ACT-NC-1/'))).toHaveLength(1);
  });

  it('refuses a credit note without a reason, and any action on an unknown request (404)', async () => {
    const requestId = await issue('ACT-NC-2');
    const noReason = await stack.post(`/api/v1/invoices/${requestId}/credit-notes`, {}, key());
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.issues[0].path).toBe('reason');
    const unknown = await stack.post(
      '/api/v1/invoices/req_0123456789abcdef/credit-notes',
      { reason: 'x' },
      key(),
    );
    expect(unknown.status).toBe(404);
    expect(creditNotes().filter((d) => d.our_reference.startsWith('ACT-NC-2/'))).toHaveLength(0);
  });

  it('credits by price no more than what remains of a line, even split over items of one line', async () => {
    const requestId = await issue('ACT-NC-PRICE', {
      items: [{ product: 'consultoria', gross_price: 10, vat_rate: 23, quantity: 2 }],
    });
    const path = `/api/v1/invoices/${requestId}/credit-notes`;
    const partial = await stack.post(
      path,
      { reason: 'Desconto', items: [{ line: 1, quantity: 1, gross_price: 4 }] },
      key(),
    );
    expect(partial).toMatchObject({ status: 201, body: { document: { total: 4 }, fully_credited: false } });
    const split = await stack.post(
      path,
      {
        reason: 'Duas vezes',
        items: [
          { line: 1, quantity: 1, gross_price: 4 },
          { line: 1, quantity: 1, gross_price: 4 },
        ],
      },
      key(),
    );
    expect(split.status).toBe(409);
    expect(split.body.error).toMatchObject({
      code: 'CREDIT_EXCEEDS_REMAINING',
      details: { line: 1, remaining_quantity: 0, quantity: 1 },
    });
    const dearer = await stack.post(
      path,
      { reason: 'Mais caro', items: [{ line: 1, gross_price: 10.01 }] },
      key(),
    );
    expect(dearer.body.error).toMatchObject({
      code: 'CREDIT_EXCEEDS_REMAINING',
      details: { gross_price: 10 },
    });
    const rest = await stack.post(path, { reason: 'O resto', items: [{ line: 1 }] }, key());
    expect(rest).toMatchObject({ status: 201, body: { document: { total: 10 }, fully_credited: true } });
    expect(creditNotes().filter((d) => d.our_reference.startsWith('ACT-NC-PRICE/'))).toHaveLength(2);
    expect((await stack.get(`/api/v1/invoices/${requestId}`)).body).toMatchObject({ credited_amount: 14 });
  });
});

describe('receipts and finalize', () => {
  it('pays an FT in two receipts and reports the open amount; an FR gets none', async () => {
    const requestId = await issue('ACT-RC-1', { document_type: 'invoice' });
    const part = await stack.post(`/api/v1/invoices/${requestId}/receipts`, { amount: 4 }, key());
    expect(part.status).toBe(201);
    expect(part.body).toMatchObject({
      action: 'receipt',
      reference: 'ACT-RC-1/RC1',
      document: { type: 'receipt', total: 4 },
      open_amount: 6,
    });
    const tooMuch = await stack.post(`/api/v1/invoices/${requestId}/receipts`, { amount: 6.01 }, key());
    expect(tooMuch.body.error.code).toBe('AMOUNT_EXCEEDS_OPEN');
    const rest = await stack.post(`/api/v1/invoices/${requestId}/receipts`, {}, key());
    expect(rest.body).toMatchObject({ document: { total: 6 }, open_amount: 0 });

    const fr = await issue('ACT-RC-2');
    const paid = await stack.post(`/api/v1/invoices/${fr}/receipts`, {}, key());
    expect(paid.status).toBe(409);
    expect(paid.body.error.code).toBe('DOCUMENT_ALREADY_PAID');
  });

  it('finalizes a draft; the request then shows the final document', async () => {
    const requestId = await issue('ACT-FIN-1', { status: 'draft' });
    const finalized = await stack.post(`/api/v1/invoices/${requestId}/finalize`, undefined, key());
    expect(finalized.status).toBe(201);
    expect(finalized.body.document).toMatchObject({
      type: 'invoice_receipt',
      number: expect.stringMatching(/^FR M\//),
    });
    const status = await stack.get(`/api/v1/invoices/${requestId}`);
    expect(status.body.document).toMatchObject({ status: 'final', number: finalized.body.document.number });
    const again = await stack.post(`/api/v1/invoices/${requestId}/finalize`, undefined, key());
    expect(again.body.error.code).toBe('DOCUMENT_FINAL');
  });
});

describe('from the Airtable extension (a browser frame)', () => {
  it('credit notes and receipts answer the preflight of the extension origin, with Idempotency-Key allowed', async () => {
    const requestId = await issue('ACT-CORS-1');
    const origin = 'https://blkabc123def456gh.airtableblocks.com';
    for (const action of ['credit-notes', 'receipts']) {
      const preflight = await request(`${stack.url}/api/v1/invoices/${requestId}/${action}`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,idempotency-key,x-client-id,x-api-key,x-api-secret',
        },
      });
      await preflight.body.text();
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(origin);
      expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain(
        'idempotency-key',
      );
    }
    const elsewhere = await request(`${stack.url}/api/v1/invoices/${requestId}/credit-notes`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    await elsewhere.body.text();
    expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined();

    // The answer itself is readable by the frame.
    const credited = await stack.post(
      `/api/v1/invoices/${requestId}/credit-notes`,
      { reason: 'Reserva cancelada' },
      { ...key(), origin },
    );
    expect(credited.status).toBe(201);
    expect(credited.headers['access-control-allow-origin']).toBe(origin);
  });
});
