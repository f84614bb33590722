import { randomUUID } from 'node:crypto';
import { newId, parseInvoiceRequest } from '@faturador/core';
import { enqueue } from '@faturador/jobs';
import { type FakeSlack, startFakeSlack } from '@faturador/slack-sandbox';
import { callSlack } from '@faturador/slack-web';
import {
  createAdminStore,
  createSlackInstallationStore,
  fingerprint,
  type LedgerEntry,
} from '@faturador/store';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import { buildDeliverers } from '@faturador/worker/deliverers';
import { loadEnv } from '@faturador/worker/env';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_SLACK_TEAM, SEED_BODY, type Stack, startStack } from '../stack.ts';

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

/**
 * The worker's own deliverers with no Slack token at all for the request's workspace (no
 * installation, no SLACK_BOT_TOKEN): nothing can be sent, which is not a refusal. The result, an
 * action's outcome and a notice end without delivery and say why; once the workspace installs the
 * app, a redelivery delivers.
 */
describe('a Slack result in a worker with no token for its workspace', () => {
  const TOKEN = 'xoxb-installed-later';
  const CHANNEL = 'C0NOTOKEN1';
  const REASON = `no Slack token for workspace ${FAKE_SLACK_TEAM}`;
  let slack: FakeSlack;
  let bare: Stack;
  let parentTs: string;

  beforeAll(async () => {
    slack = await startFakeSlack({ token: TOKEN, teamId: FAKE_SLACK_TEAM });
    bare = await startStack({
      redisUrl: testRedisUrl(),
      prefix: randomPrefix(),
      syncBudgetMs: 8_000,
      deliverers: (runtime) =>
        buildDeliverers(
          loadEnv({ ...bare.env, PUBLIC_URL: bare.url, SLACK_API_URL: slack.apiUrl, LOG_LEVEL: 'silent' }),
          runtime,
        ),
      worker: false,
    });
    await bare.startWorker();
    const parent = await callSlack(
      'chat.postMessage',
      { channel: CHANNEL, text: '⏳ A emitir fatura…' },
      { token: TOKEN, apiUrl: slack.apiUrl },
    );
    parentTs = String(parent.ts);
  });
  afterAll(async () => {
    await bare?.close();
    await slack?.close();
  });

  const origin = () => ({
    kind: 'slack' as const,
    team_id: FAKE_SLACK_TEAM,
    channel: CHANNEL,
    message_ts: parentTs,
  });
  /** Slack calls after the test's own parent message: what the worker sent. */
  const workerCalls = () => slack.calls.slice(1);

  async function eventually<T>(probe: () => Promise<T | null | undefined>, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** The request page of the backoffice, as a signed-in operator gets it. */
  async function requestPage(requestId: string): Promise<string> {
    const { runtime } = bare.api;
    const admins = createAdminStore({ redis: runtime.redis, prefix: runtime.prefix });
    const who = { email: `op-${randomUUID().slice(0, 8)}@example.pt`, password: 'operator-password-0001' };
    await admins.create({ ...who, role: 'operator' });
    const session = await admins.signIn(who.email, who.password, '127.0.0.1');
    if (!session.ok) throw new Error(`sign-in: ${session.reason}`);
    const page = await request(`${bare.url}/admin/requests/${requestId}`, {
      headers: { cookie: `fat_admin=${session.token}` },
    });
    expect(page.statusCode).toBe(200);
    return page.body.text();
  }

  it('ends the result and an action\'s outcome as "none" with the reason, shown in the backoffice', async () => {
    const issued = await bare.post(
      '/api/v1/invoices/',
      { ...SEED_BODY, reference: 'NOTOKEN-1', origin: origin() },
      { 'idempotency-key': randomUUID(), ...bare.slackBotHeaders },
    );
    expect(issued.status).toBe(201);
    const requestId = issued.body.request_id as string;
    const entry = await eventually(async () => {
      const current = await bare.api.runtime.ledger.get(requestId);
      return current && current.delivery.state !== 'pending' ? current : null;
    });
    expect(entry.delivery).toEqual({ state: 'none', detail: expect.stringContaining(REASON) });

    const credited = await bare.post(
      `/api/v1/invoices/${requestId}/credit-notes`,
      { reason: 'Erro no NIF' },
      { 'idempotency-key': randomUUID(), ...bare.slackBotHeaders },
    );
    expect(credited.status).toBe(201);
    const action = await eventually(async () => {
      const [found] = await bare.api.runtime.actions.list(requestId);
      return found?.delivery ? found : null;
    });
    expect(action.delivery).toEqual({ state: 'none', detail: expect.stringContaining(REASON) });
    expect(workerCalls()).toEqual([]);

    const html = await requestPage(requestId);
    // The request's delivery, and the credit note's row, each with its reason.
    expect(html).toContain(`sem entrega — ${REASON}`);
    expect(html).toMatch(
      new RegExp(`data-kind="credit_note"[^]*?<td class="delivery">sem entrega — ${REASON}`),
    );
    expect(html).not.toContain('recusada');

    // The workspace installs the app: redelivering now reaches the thread.
    await createSlackInstallationStore(bare.api.runtime).saveInstallation({
      teamId: FAKE_SLACK_TEAM,
      teamName: 'Fake',
      enterpriseId: null,
      enterpriseName: null,
      appId: 'A0FATURA',
      botId: null,
      botUserId: null,
      botScopes: ['chat:write'],
      installerUserId: 'U0OWNER',
      botToken: TOKEN,
    });
    await bare.api.runtime.operations.redeliver(requestId, 'admin:ops@example.pt');
    const delivered = await eventually(async () => {
      const current = await bare.api.runtime.ledger.get(requestId);
      return current && current.delivery.state !== 'pending' ? current : null;
    });
    expect(delivered.delivery).toEqual({ state: 'delivered', detail: null });
    const reply = slack.thread(CHANNEL, parentTs);
    expect(reply).toHaveLength(1);
    expect(reply[0]?.text).toContain(issued.body.document.number);
    await createSlackInstallationStore(bare.api.runtime).deleteInstallation(FAKE_SLACK_TEAM);
  });

  it('drops an "issuing" notice it cannot send: the job completes instead of failing as a refusal', async () => {
    // A request still being issued (no issue job runs for it), and the notice of its retry.
    const parsed = parseInvoiceRequest({ ...SEED_BODY, reference: `NOTOKEN-${randomUUID()}` });
    if (!parsed.ok) throw parsed.error;
    const requestId = newId('req');
    const { runtime } = bare.api;
    await runtime.idempotency.claim({
      requestId,
      clientId: bare.slackBot.clientId,
      idempotencyKey: randomUUID(),
      fingerprint: fingerprint({ notice: requestId }),
      reference: parsed.value.reference,
      request: parsed.value,
      origin: origin(),
      connectionId: bare.connectionId,
    });
    const calls = slack.calls.length;
    const jobId = `${requestId}.retrying.1`;
    await enqueue(runtime.queues, 'deliver', { requestId, progress: true }, { jobId });
    const state = await eventually(async () => {
      const now = await (await runtime.queues.deliver.getJob(jobId))?.getState();
      return now === 'completed' || now === 'failed' ? now : null;
    });
    expect(state).toBe('completed');
    expect(slack.calls.length).toBe(calls);
  });
});
