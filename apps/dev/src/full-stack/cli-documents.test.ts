// `faturador documents …` against the stack: the CLI's commands go through issuing's action
// submitter onto the lifecycle queue, and the stack's worker does them in the sandbox.
import { randomUUID } from 'node:crypto';
import { createCliDeps, runCli } from '@faturador/cli';
import { createSecretBox, parseMasterKey } from '@faturador/core';
import { createRedis } from '@faturador/store';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_BODY, type Stack, startStack } from '../stack.ts';

let stack: Stack;
let run: (line: string) => ReturnType<typeof runCli>;
let redis: Redis;

beforeAll(async () => {
  const prefix = randomPrefix();
  stack = await startStack({ redisUrl: testRedisUrl(), prefix, syncBudgetMs: 8_000 });
  redis = createRedis(testRedisUrl(), 'worker');
  const deps = createCliDeps({
    redis,
    prefix,
    secretBox: createSecretBox(parseMasterKey(stack.masterKey)),
    redisUrl: testRedisUrl(),
  });
  run = (line) => runCli(deps, line.split(' ').filter(Boolean));
});
afterAll(async () => {
  redis?.disconnect();
  await stack?.close();
});

const issue = async (reference: string, extra: Record<string, unknown> = {}) => {
  const response = await stack.post(
    '/api/v1/invoices/',
    { ...SEED_BODY, reference, ...extra },
    { 'idempotency-key': randomUUID() },
  );
  expect(response.status).toBe(201);
  return response.body.request_id as string;
};

describe('faturador documents', () => {
  it('finalizes a draft, then refuses to delete it (exit 1, the code named)', async () => {
    const requestId = await issue('CLI-DOC-1', { status: 'draft' });
    const finalized = await run(`documents finalize ${requestId} --json`);
    expect(finalized.exitCode).toBe(0);
    expect(JSON.parse(finalized.stdout)).toMatchObject({
      state: 'done',
      action: 'finalize',
      document: { number: expect.stringMatching(/^FR M\/\d+$/) },
    });
    const deleted = await run(`documents delete ${requestId}`);
    expect(deleted.exitCode).toBe(1);
    expect(deleted.stdout).toMatch(/^delete failed for req_\w+\nDOCUMENT_FINAL: /);
  });

  it('deletes a draft', async () => {
    const requestId = await issue('CLI-DOC-2', { status: 'draft' });
    const deleted = await run(`documents delete ${requestId} --json`);
    expect(JSON.parse(deleted.stdout)).toMatchObject({ state: 'done', action: 'delete', document: null });
  });

  it('credits by line and records a payment of an FT; the same --key repeats the same answer', async () => {
    const requestId = await issue('CLI-DOC-3', {
      document_type: 'invoice',
      items: [{ product: 'consultoria', gross_price: 10, vat_rate: 23, quantity: 2 }],
    });
    const paid = await run(`documents receipt ${requestId} --amount 5 --key cli-receipt-0001`);
    expect(paid.exitCode).toBe(0);
    expect(paid.stdout).toMatch(/receipt done .*total 5\.00; open amount 15\.00/);
    const again = await run(`documents receipt ${requestId} --amount 5 --key cli-receipt-0001`);
    expect(again.stdout).toBe(paid.stdout);
    const credited = await run(`documents credit ${requestId} --reason Devolução --line 1:1 --json`);
    expect(JSON.parse(credited.stdout)).toMatchObject({
      state: 'done',
      reference: 'CLI-DOC-3/NC1',
      document: { number: expect.stringMatching(/^NC M\/\d+$/), total: 10 },
      outcome: { fully_credited: false },
    });
    const status = await stack.get(`/api/v1/invoices/${requestId}`);
    expect(status.body).toMatchObject({ open_amount: 5, credited_amount: 10 });
    const noReason = await run(`documents credit ${requestId}`);
    expect([noReason.exitCode, noReason.stdout.split(':')[0]]).toEqual([1, 'VALIDATION_ERROR']);
  });

  it('e-mails the PDF and waits for the outcome', async () => {
    const requestId = await issue('CLI-DOC-4');
    const sent = await run(`documents email ${requestId} --to cli@cliente.pt --json`);
    expect(sent.exitCode).toBe(0);
    const body = JSON.parse(sent.stdout);
    expect(body).toMatchObject({ action: 'email', state: 'sent', outcome: { to: 'cli@cliente.pt' } });
    expect(stack.mail.messages().filter((m) => m.messageId === `<${body.action_id}@faturador>`)).toHaveLength(
      1,
    );
    expect((await run('documents email not-an-id')).exitCode).toBe(2);
    expect((await run(`documents refund ${requestId}`)).exitCode).toBe(2);
  });
});
