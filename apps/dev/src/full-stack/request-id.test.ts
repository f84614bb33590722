import { randomUUID } from 'node:crypto';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_BODY, type Stack, startStack } from '../stack.ts';

/** One request id end to end: the answer's body and header, the ledger, and every log line. */
let stack: Stack;
const lines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  stack = await startStack({
    redisUrl: testRedisUrl(),
    prefix: randomPrefix(),
    logLevel: 'info',
    logStream: { write: (line) => void lines.push(JSON.parse(line)) },
  });
});
afterAll(async () => {
  await stack?.close();
});

/** The request ids of the log lines that mention this reference or id anywhere. */
function idsLoggedFor(...needles: string[]): Set<unknown> {
  return new Set(
    lines
      .filter((line) => needles.some((needle) => JSON.stringify(line).includes(needle)))
      .map((line) => line.requestId),
  );
}

describe('the Moloni client', () => {
  it('logs through the service’s logger, without secrets', async () => {
    await stack.post(
      '/api/v1/invoices/',
      { ...SEED_BODY, reference: `RID-${randomUUID()}` },
      { 'idempotency-key': randomUUID() },
    );
    const moloni = lines.filter((line) => line.component === 'moloni');
    expect(moloni.map((line) => line.msg)).toContain('moloni token obtained');
    expect(JSON.stringify(moloni)).not.toContain(stack.sandbox.sandbox.credentials.password);
  });
});

describe('the request id', () => {
  it('is the same in the body, X-Request-Id, the ledger and the API and worker logs', async () => {
    const reference = `RID-${randomUUID()}`;
    const answer = await stack.post(
      '/api/v1/invoices/',
      { ...SEED_BODY, reference },
      { 'idempotency-key': randomUUID() },
    );
    expect(answer.status).toBe(201);
    const id = answer.body.request_id;
    expect(answer.headers['x-request-id']).toBe(id);
    const entry = await stack.api.runtime.ledger.get(id);
    expect(entry?.reference).toBe(reference);
    // The API's access line, its "answered" line and the worker's "issued" line all name it.
    const mine = lines.filter((line) => line.requestId === id);
    expect(mine.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['invoice request answered', 'request', 'issued']),
    );
    expect(idsLoggedFor(id)).toEqual(new Set([id]));
  });

  it('of a replay is the original request’s, in the header and the logs', async () => {
    const key = randomUUID();
    const body = { ...SEED_BODY, reference: `RID-${randomUUID()}` };
    const first = await stack.post('/api/v1/invoices/', body, { 'idempotency-key': key });
    const again = await stack.post('/api/v1/invoices/', body, { 'idempotency-key': key });
    expect(again.body.request_id).toBe(first.body.request_id);
    expect(again.headers['x-request-id']).toBe(first.body.request_id);
    const replayLines = lines.filter(
      (line) => line.requestId === first.body.request_id && line.msg === 'request',
    );
    expect(replayLines).toHaveLength(2);
  });

  it('of a refused request is the one in its envelope, header and log line', async () => {
    const answer = await stack.post(
      '/api/v1/invoices/',
      { reference: '' },
      { 'idempotency-key': randomUUID() },
    );
    expect(answer.status).toBe(400);
    const id = answer.body.request_id;
    expect(id).toMatch(/^req_/);
    expect(answer.headers['x-request-id']).toBe(id);
    expect(lines.filter((line) => line.requestId === id).map((line) => line.msg)).toContain('request');
  });
});
