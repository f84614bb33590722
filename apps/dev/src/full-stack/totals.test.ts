import { randomUUID } from 'node:crypto';
import { CALC_METHOD_IDS } from '@faturador/moloni-sandbox';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentsWithReference, SEED_BODY, type Stack, startStack } from '../stack.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), prefix: randomPrefix(), syncBudgetMs: 5_000 });
  // A company that rounds per line, as real accounts of 2021–2022 do, before the client learns it.
  for (const company of stack.sandbox.sandbox.state.companies.values()) {
    company.calc_method_id = CALC_METHOD_IDS.line;
  }
});
afterAll(async () => {
  await stack?.close();
});

const key = () => ({ 'idempotency-key': randomUUID() });
const withPrice = (reference: string, gross_price: number, extra: Record<string, unknown> = {}) => ({
  ...SEED_BODY,
  reference,
  items: [{ ...SEED_BODY.items[0], gross_price }],
  ...extra,
});

describe('a gross Moloni cannot reach, through the API', () => {
  it('422 TOTAL_UNREACHABLE naming the line and the nearest values; nothing in Moloni; reference free', async () => {
    const response = await stack.post('/api/v1/invoices/', withPrice('UNREACH-1', 12.49), key());
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({
      code: 'TOTAL_UNREACHABLE',
      details: { path: 'items[0].gross_price', nearest: { below: '12.48', above: '12.50' } },
    });
    expect(documentsWithReference(stack, 'UNREACH-1')).toBe(0);
    // The corrected request may use the same reference.
    const fixed = await stack.post('/api/v1/invoices/', withPrice('UNREACH-1', 12.5), key());
    expect(fixed.status).toBe(201);
    expect(fixed.body).toMatchObject({ document: { status: 'final', total_gross: 12.5 } });
  });

  it('holds for drafts: 422, not a 201 with another total', async () => {
    const response = await stack.post(
      '/api/v1/invoices/',
      withPrice('UNREACH-2', 12.49, { status: 'draft' }),
      key(),
    );
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('TOTAL_UNREACHABLE');
    expect(documentsWithReference(stack, 'UNREACH-2')).toBe(0);
  });
});
