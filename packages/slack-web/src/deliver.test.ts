import {
  DeliveryError,
  type InvoiceRequestBody,
  parseInvoiceRequest,
  type SerializedError,
} from '@faturador/core';
import { type FakeSlack, startFakeSlack } from '@faturador/slack-sandbox';
import type { LedgerEntry } from '@faturador/store';
import { randomPrefix, testRedis } from '@faturador/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalInvoiceBody, decodeRetryValue } from './canonical.ts';
import { deliverToSlack, deliveryProgressKey } from './deliver.ts';
import { RETRY_ACTION_ID } from './messages.ts';
import { callSlack } from './web-api.ts';

const TOKEN = 'xoxb-test-token-123';
const CHANNEL = 'C0123ABCD';

let slack: FakeSlack;
beforeEach(async () => {
  slack = await startFakeSlack({ token: TOKEN });
});
afterEach(async () => {
  await slack.close();
});

const body: InvoiceRequestBody = {
  reference: 'SLACK-C0123ABCD-1700000000.000100',
  customer: { name: 'Eduardo <Costa> & Filhos', vat_number: '509999999' },
  items: [{ product: 'mensalidade TheInventors', gross_price: 10, vat_rate: 23 }],
};

/** Posts the parent the bot would have posted, and returns a ledger entry whose origin is it. */
async function entryFor(state: 'issued' | 'failed', error?: SerializedError): Promise<LedgerEntry> {
  const parent = await callSlack(
    'chat.postMessage',
    { channel: CHANNEL, text: '⏳ A emitir fatura… pedido por <@U0USER>, 10,00 €' },
    { token: TOKEN, apiUrl: slack.apiUrl },
  );
  const parsed = parseInvoiceRequest(body);
  if (!parsed.ok) throw parsed.error;
  return {
    requestId: 'req_4ad9b2ec1d9f3a71',
    clientId: 'slack_bot',
    idempotencyKey: 'slack:T0FAKE:1234.5678.abcdef',
    fingerprint: 'f',
    reference: body.reference,
    request: parsed.value,
    origin: {
      kind: 'slack',
      channel: CHANNEL,
      message_ts: String(parent.ts),
      user_id: 'U0USER',
      team_id: 'T0FAKE',
    },
    connectionId: 'con_1',
    state,
    moloniDocumentId: state === 'issued' ? 974989624 : null,
    moloniWrite: 'none',
    referenceScopes: [],
    referenceReused: false,
    incident: null,
    document:
      state === 'issued'
        ? {
            type: 'invoice_receipt',
            status: 'final',
            moloni_document_id: 974989624,
            number: 'FR M/32',
            series: 'M',
            total_gross: 10,
            currency: 'EUR',
            pdf_url: 'https://billing.example.test/pdf/req_4ad9b2ec1d9f3a71',
            created_at: '2026-05-18T15:07:21Z',
          }
        : null,
    error: error ?? null,
    httpStatus: state === 'issued' ? 201 : 422,
    createdAt: '2026-05-18T15:07:20Z',
    updatedAt: '2026-05-18T15:07:21Z',
    issuedAt: null,
    delivery: { state: 'pending', detail: null },
  };
}

const businessError: SerializedError = {
  code: 'MOLONI_BUSINESS_ERROR',
  message: 'Moloni: the series M is not active for invoice-receipts.',
  details: null,
};

const blockText = (blocks: unknown[] | undefined) => JSON.stringify(blocks ?? []);

describe('deliverToSlack', () => {
  it('posts the document into the thread and marks the parent ✅', async () => {
    const entry = await entryFor('issued');
    await deliverToSlack(entry, { token: TOKEN, apiUrl: slack.apiUrl });

    const parentTs = entry.origin.kind === 'slack' ? entry.origin.message_ts : '';
    const [reply, ...more] = slack.thread(CHANNEL, parentTs);
    expect(more).toHaveLength(0);
    expect(reply?.text).toContain('FR M/32');
    const blocks = blockText(reply?.blocks);
    expect(blocks).toContain('10,00');
    expect(blocks).toContain('Eduardo &lt;Costa&gt; &amp; Filhos');
    expect(blocks).toContain('509999999');
    expect(blocks).toContain('https://billing.example.test/pdf/req_4ad9b2ec1d9f3a71');

    const parent = slack.messages.find((m) => m.ts === parentTs);
    expect(parent?.text).toMatch(/^✅ FR M\/32 emitida/);
    expect(parent?.history).toHaveLength(1);
    // Sent as Slack recommends: JSON with the token in the Authorization header, never in the body.
    const post = slack.callsTo('chat.postMessage').at(-1);
    expect(post?.tokenIn).toBe('header');
    expect(post?.contentType).toContain('application/json');
  });

  it('explains a Moloni business error in the thread with a retry button, and marks the parent ❌', async () => {
    const entry = await entryFor('failed', businessError);
    await deliverToSlack(entry, { token: TOKEN, apiUrl: slack.apiUrl });

    const parentTs = entry.origin.kind === 'slack' ? entry.origin.message_ts : '';
    const [reply] = slack.thread(CHANNEL, parentTs);
    const blocks = blockText(reply?.blocks);
    expect(blocks).toContain('O Moloni recusou o documento');
    expect(blocks).toContain('the series M is not active');
    expect(blocks).toContain('req_4ad9b2ec1d9f3a71');

    const actions = reply?.blocks?.find((b) => (b as { type: string }).type === 'actions') as
      | { elements: Array<{ action_id: string; value: string; text: { text: string } }> }
      | undefined;
    const button = actions?.elements.find((e) => e.action_id === RETRY_ACTION_ID);
    expect(button?.text.text).toContain('Tentar novamente');
    const retry = decodeRetryValue(button?.value ?? '');
    expect(retry?.idempotencyKey).toBe(entry.idempotencyKey);
    expect(retry?.requestId).toBe(entry.requestId);
    expect(retry?.origin).toEqual(entry.origin);
    expect(retry?.body).toEqual(canonicalInvoiceBody(entry.request));

    expect(slack.messages.find((m) => m.ts === parentTs)?.text).toMatch(/^❌ Fatura não emitida/);
  });

  it('speaks English when the origin asks for it', async () => {
    const entry = await entryFor('failed', {
      code: 'CUSTOMER_AMBIGUOUS',
      message: 'ambiguous',
      details: null,
    });
    if (entry.origin.kind === 'slack') entry.origin.locale = 'en';
    await deliverToSlack(entry, { token: TOKEN, apiUrl: slack.apiUrl, locale: 'pt' });
    const replies = slack.messages.filter((m) => m.thread_ts);
    expect(blockText(replies[0]?.blocks)).toContain('Several Moloni customers have this VAT number');
  });

  it('ratelimited → retryable DeliveryError with retryAfterMs from Retry-After, nothing posted', async () => {
    const entry = await entryFor('issued');
    slack.failNext('chat.postMessage', 'ratelimited', { retryAfter: 7 });
    const error = await deliverToSlack(entry, { token: TOKEN, apiUrl: slack.apiUrl }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 7000 });
    expect(slack.messages.filter((m) => m.thread_ts)).toHaveLength(0);
    expect(slack.callsTo('chat.postMessage').at(-1)?.status).toBe(429);
  });

  it('channel_not_found → DeliveryError that is not retryable', async () => {
    const entry = await entryFor('issued');
    slack.failNext('chat.postMessage', 'channel_not_found');
    const error = await deliverToSlack(entry, { token: TOKEN, apiUrl: slack.apiUrl }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ retryable: false, retryAfterMs: null });
    expect((error as Error).message).toContain('channel_not_found');
  });

  it('a revoked token is not retryable and never shows in the error', async () => {
    const entry = await entryFor('issued');
    const error = await deliverToSlack(entry, { token: 'xoxb-revoked', apiUrl: slack.apiUrl }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ retryable: false });
    expect((error as Error).message).toContain('invalid_auth');
    expect(String(error) + JSON.stringify(error)).not.toContain('xoxb-revoked');
  });

  it('Slack 5xx and an unreachable Slack are retryable', async () => {
    const entry = await entryFor('issued');
    slack.failNext('chat.postMessage', 'service_unavailable', { status: 503 });
    await expect(deliverToSlack(entry, { token: TOKEN, apiUrl: slack.apiUrl })).rejects.toMatchObject({
      retryable: true,
    });
    await expect(
      deliverToSlack(entry, { token: TOKEN, apiUrl: 'http://127.0.0.1:9/api/' }),
    ).rejects.toMatchObject({
      retryable: true,
    });
  });

  it('a deleted parent does not fail a delivery whose reply is in the thread', async () => {
    const entry = await entryFor('issued');
    slack.failNext('chat.update', 'message_not_found');
    await deliverToSlack(entry, { token: TOKEN, apiUrl: slack.apiUrl });
    expect(slack.messages.filter((m) => m.thread_ts)).toHaveLength(1);
  });

  it('refuses entries that are not final or not from Slack, without calling Slack', async () => {
    const entry = await entryFor('issued');
    const before = slack.calls.length;
    await expect(
      deliverToSlack({ ...entry, state: 'issuing' }, { token: TOKEN, apiUrl: slack.apiUrl }),
    ).rejects.toMatchObject({
      retryable: false,
    });
    await expect(
      deliverToSlack({ ...entry, origin: { kind: 'api' } }, { token: TOKEN, apiUrl: slack.apiUrl }),
    ).rejects.toMatchObject({ retryable: false });
    expect(slack.calls.length).toBe(before);
  });

  it('with Redis, a retry after a rate-limited parent update does not post the reply twice', async () => {
    const redis = testRedis();
    const prefix = randomPrefix();
    const entry = await entryFor('issued');
    const options = { token: TOKEN, apiUrl: slack.apiUrl, redis, prefix };
    slack.failNext('chat.update', 'ratelimited', { retryAfter: 1 });
    await expect(deliverToSlack(entry, options)).rejects.toMatchObject({
      retryable: true,
      retryAfterMs: 1000,
    });
    expect(await redis.hget(deliveryProgressKey(prefix, entry.requestId), 'reply_ts')).toMatch(/^\d+\.\d+$/);

    await deliverToSlack(entry, options);
    expect(slack.messages.filter((m) => m.thread_ts)).toHaveLength(1);
    const parentTs = entry.origin.kind === 'slack' ? entry.origin.message_ts : '';
    expect(slack.messages.find((m) => m.ts === parentTs)?.text).toMatch(/^✅/);
    // Forgotten once complete: a later outcome of the same request is delivered again.
    expect(await redis.exists(deliveryProgressKey(prefix, entry.requestId))).toBe(0);
  });

  it('without Redis, the same retry posts the reply again (documented trade-off)', async () => {
    const entry = await entryFor('issued');
    slack.failNext('chat.update', 'ratelimited');
    await expect(deliverToSlack(entry, { token: TOKEN, apiUrl: slack.apiUrl })).rejects.toBeInstanceOf(
      DeliveryError,
    );
    await deliverToSlack(entry, { token: TOKEN, apiUrl: slack.apiUrl });
    expect(slack.messages.filter((m) => m.thread_ts)).toHaveLength(2);
  });
});
