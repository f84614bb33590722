import { randomUUID } from 'node:crypto';
import type { LedgerEntry } from '@faturador/store';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_BODY, type Stack, startStack } from '../stack.ts';

let stack: Stack;
const delivered: LedgerEntry[] = [];

beforeAll(async () => {
  stack = await startStack({
    redisUrl: testRedisUrl(),
    prefix: randomPrefix(),
    issueAttempts: 2,
    // Records what the worker hands to the Slack deliverer: the queue mechanics are under test here.
    deliverers: { slack: async (entry) => void delivered.push(entry) },
  });
});
afterAll(async () => {
  await stack?.close();
});

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('delivery of results to their origin', () => {
  it('delivers the failure, and after a re-run with the same key delivers the new result too', async () => {
    const origin = {
      kind: 'slack',
      team_id: 'T0FAKE',
      channel: 'C0123ABCD',
      message_ts: '1716045000.000100',
    };
    const body = { ...SEED_BODY, reference: 'DLV-1', origin };
    const headers = { 'idempotency-key': randomUUID(), ...stack.slackBotHeaders };
    stack.sandbox.sandbox.faults.add({ kind: 'status', status: 503, endpoint: 'customers/getByVat' });
    const failed = await stack.post('/api/v1/invoices/', body, headers);
    expect(failed.status).toBe(503);
    await until(() => delivered.length === 1, 5_000);
    expect(delivered[0]).toMatchObject({ state: 'failed', error: { code: 'MOLONI_UNAVAILABLE' } });

    stack.sandbox.sandbox.faults.clear();
    const issued = await stack.post('/api/v1/invoices/', body, headers);
    expect(issued.status).toBe(201);
    await until(() => delivered.length === 2, 5_000);
    expect(delivered[1]).toMatchObject({ state: 'issued', requestId: failed.body.request_id });
  });
});
