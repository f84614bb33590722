import { parseInvoiceRequest } from '@faturador/core';
import { type FakeSlack, startFakeSlack } from '@faturador/slack-sandbox';
import type { LedgerEntry } from '@faturador/store';
import { randomPrefix, testRedis } from '@faturador/testing';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverToSlack } from './deliver.ts';
import { deliverSlackProgress } from './progress.ts';
import { callSlack } from './web-api.ts';

const TOKEN = 'xoxb-test-token-progress';
const CHANNEL = 'C0PROGRESS';
let slack: FakeSlack;
let redis: Redis;
beforeEach(async () => {
  slack = await startFakeSlack({ token: TOKEN });
  redis = testRedis();
});
afterEach(async () => {
  await slack.close();
  redis.disconnect();
});

async function retryingEntry(): Promise<LedgerEntry> {
  const parent = await callSlack(
    'chat.postMessage',
    { channel: CHANNEL, text: '⏳ A emitir fatura…' },
    { token: TOKEN, apiUrl: slack.apiUrl },
  );
  const parsed = parseInvoiceRequest({
    reference: `SLACK-${CHANNEL}-1`,
    customer: { name: 'Ana', vat_number: '509999999' },
    items: [{ product: 'x', gross_price: 10, vat_rate: 23 }],
  });
  if (!parsed.ok) throw parsed.error;
  const now = new Date().toISOString();
  return {
    requestId: 'req_0123456789abcdef',
    clientId: 'slack_bot',
    idempotencyKey: 'k',
    fingerprint: 'f',
    reference: parsed.value.reference,
    request: parsed.value,
    origin: {
      kind: 'slack',
      channel: CHANNEL,
      message_ts: String(parent.ts),
      user_id: 'U0USER',
      team_id: 'T0FAKE',
    },
    connectionId: 'con_1',
    state: 'issuing',
    moloniDocumentId: null,
    moloniWrite: 'none',
    referenceScopes: [],
    referenceReused: false,
    incident: null,
    document: null,
    error: null,
    httpStatus: null,
    createdAt: now,
    updatedAt: now,
    issuedAt: null,
    delivery: { state: 'pending', detail: null },
    attempts: 0,
    maxAttempts: null,
    lastError: null,
  };
}

describe('the interim line of a request being retried', () => {
  it('is one message edited at each retry, then turned into the result', async () => {
    const prefix = randomPrefix();
    const options = { token: TOKEN, apiUrl: slack.apiUrl, redis, prefix };
    const entry = await retryingEntry();
    // Nothing failed yet: nothing to say.
    await deliverSlackProgress(entry, options);
    expect(slack.thread(CHANNEL, entry.origin.kind === 'slack' ? entry.origin.message_ts : '')).toHaveLength(
      0,
    );

    const timeout = { code: 'MOLONI_TIMEOUT' as const, message: 'Moloni did not answer', details: null };
    for (const attempts of [1, 2, 3]) {
      await deliverSlackProgress({ ...entry, attempts, maxAttempts: 8, lastError: timeout }, options);
    }
    const parentTs = entry.origin.kind === 'slack' ? entry.origin.message_ts : '';
    const [interim, ...others] = slack.thread(CHANNEL, parentTs);
    expect(others).toHaveLength(0);
    expect(interim?.text).toBe('⏳ o Moloni não responde, nova tentativa (4/8)');
    expect(interim?.history.map((v) => v.text)).toEqual([
      '⏳ o Moloni não responde, nova tentativa (2/8)',
      '⏳ o Moloni não responde, nova tentativa (3/8)',
    ]);

    const issued: LedgerEntry = {
      ...entry,
      state: 'issued',
      moloniDocumentId: 7,
      document: {
        type: 'invoice_receipt',
        status: 'final',
        moloni_document_id: 7,
        number: 'FR M/9',
        series: 'M',
        total_gross: 10,
        currency: 'EUR',
        pdf_url: null,
        created_at: entry.createdAt,
      },
    };
    await deliverToSlack(issued, options);
    const thread = slack.thread(CHANNEL, parentTs);
    expect(thread).toHaveLength(1);
    expect(thread[0]?.ts).toBe(interim?.ts);
    expect(thread[0]?.text).toMatch(/^✅ Fatura emitida: FR M\/9/);
    // A late interim (its job ran after the result) changes nothing.
    await deliverSlackProgress({ ...issued, attempts: 3, lastError: timeout }, options);
    expect(slack.thread(CHANNEL, parentTs)[0]?.text).toMatch(/^✅/);
    expect(slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === parentTs)).toHaveLength(1);
  });

  it('says a failed attempt plainly when the cause is not a silent Moloni', async () => {
    const entry = await retryingEntry();
    await deliverSlackProgress(
      {
        ...entry,
        attempts: 1,
        maxAttempts: 3,
        lastError: { code: 'INTERNAL_ERROR' as const, message: 'x', details: null },
      },
      { token: TOKEN, apiUrl: slack.apiUrl, redis, prefix: randomPrefix() },
    );
    expect(slack.messages.at(-1)?.text).toBe('⏳ a tentativa anterior falhou, nova tentativa (2/3)');
  });
});
