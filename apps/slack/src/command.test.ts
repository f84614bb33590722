import { afterEach, describe, expect, it } from 'vitest';
import { sendSigned, slashCommandBody } from './slack-requests.ts';
import { CHANNEL, SIGNING_SECRET, type SlackStack, startSlackStack, USER } from './testing/stack.ts';

let stack: SlackStack;
afterEach(async () => {
  await stack?.close();
});

const parents = (s: SlackStack) => s.slack.messages.filter((m) => m.channel === CHANNEL && !m.thread_ts);

describe('/fatura <NIF> <amount> <description>', () => {
  it('acks, posts the parent, and sends the request with the thread as origin and a key from the trigger', async () => {
    stack = await startSlackStack();
    const triggerId = '1111.2222.abcdef0123';
    const response = await stack.command('509999999 10.00 mensalidade TheInventors', { triggerId });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');

    const request = await stack.slack.waitFor(() => stack.billing.requests[0]);
    const [parent] = parents(stack);
    expect(parent?.text).toBe(`⏳ A emitir fatura… pedido por <@${USER}>, 10,00\u00a0€ — Cliente 509999999`);
    expect(request.idempotencyKey).toBe(`slack:${stack.slack.teamId}:${triggerId}`);
    expect(request.prefer).toBe('respond-async');
    expect(request.body).toEqual({
      reference: `SLACK-${CHANNEL}-${parent?.ts}`,
      customer: { name: 'Cliente 509999999', vat_number: '509999999', country: 'PT' },
      items: [{ product: 'mensalidade TheInventors', quantity: 1, gross_price: 10, vat_rate: 23 }],
      document_type: 'invoice_receipt',
      status: 'final',
      fiscal_zone: 'PT',
      origin: {
        kind: 'slack',
        channel: CHANNEL,
        message_ts: parent?.ts,
        user_id: USER,
        team_id: stack.slack.teamId,
        locale: 'pt',
      },
    });
  });

  it('ends with the document in the thread and the parent ✅ once the worker delivers', async () => {
    stack = await startSlackStack();
    stack.deliverAccepted();
    await stack.command('- 12,50 almoço de equipa iva=13');
    const parent = await stack.slack.waitFor(() => parents(stack).find((m) => m.text.startsWith('✅')));
    expect(parent.text).toContain('FR M/77');
    const [reply] = stack.slack.thread(CHANNEL, parent.ts);
    expect(reply?.text).toContain('FR M/77');
    expect(JSON.stringify(reply?.blocks)).toContain('12,50');
    expect(JSON.stringify(reply?.blocks)).toContain('Consumidor final');
    expect(stack.billing.requests[0]?.body.items[0]).toMatchObject({ gross_price: 12.5, vat_rate: 13 });
    expect(stack.billing.requests[0]?.body.customer).not.toHaveProperty('vat_number');
  });

  it('answers Slack before the billing API does', async () => {
    stack = await startSlackStack();
    const release = stack.billing.hold();
    const response = await stack.command('509999999 10 mensalidade');
    expect(response.status).toBe(200);
    // The request is at the API, which has not answered: the ack did not wait for it.
    await stack.slack.waitFor(() => stack.billing.requests.length === 1);
    release();
  });

  it('posts a synchronous API error in the thread and marks the parent ❌', async () => {
    stack = await startSlackStack();
    stack.billing.script({
      kind: 'error',
      status: 400,
      code: 'VALIDATION_ERROR',
      message: 'items[0].vat_rate is invalid.',
      details: { issues: [{ path: 'items[0].vat_rate', reason: 'is not a VAT rate of fiscal zone PT' }] },
    });
    await stack.command('509999999 10 mensalidade');
    const parent = await stack.slack.waitFor(() => parents(stack).find((m) => m.text.startsWith('❌')));
    expect(parent.text).toContain('Os dados da fatura não são válidos.');
    const [reply] = stack.slack.thread(CHANNEL, parent.ts);
    const blocks = JSON.stringify(reply?.blocks);
    expect(blocks).toContain('`items[0].vat_rate` is not a VAT rate of fiscal zone PT');
    // Sending the same body again cannot fix a validation error: no retry button.
    expect(blocks).not.toContain('fatura_retry');
  });

  it('offers a retry when the API was unreachable, and says the outcome is unknown', async () => {
    stack = await startSlackStack();
    await stack.billing.close();
    await stack.command('509999999 10 mensalidade');
    const parent = await stack.slack.waitFor(() => parents(stack).find((m) => m.text.startsWith('⚠️')));
    const [reply] = stack.slack.thread(CHANNEL, parent.ts);
    expect(JSON.stringify(reply?.blocks)).toContain('Não foi possível contactar a API de faturação');
    expect(JSON.stringify(reply?.blocks)).toContain('fatura_retry');
  });

  it('ignores a redelivery of the same command (X-Slack-Retry-Num): one parent, one request', async () => {
    stack = await startSlackStack();
    const body = slashCommandBody({
      text: '509999999 10 mensalidade',
      channel: CHANNEL,
      user: USER,
      team: stack.slack.teamId,
      responseUrl: stack.slack.responseUrl('r'),
      triggerId: '3333.4444.deadbeef',
    });
    const send = (headers: Record<string, string>) =>
      sendSigned(stack.url, body, { signingSecret: SIGNING_SECRET, headers });
    expect((await send({})).status).toBe(200);
    const retry = await send({ 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect(retry.status).toBe(200);
    await stack.slack.waitFor(() => stack.billing.requests.length === 1);
    // A third, later command with another trigger_id is a new invocation and does go through.
    await stack.command('509999999 10 mensalidade');
    await stack.slack.waitFor(() => stack.billing.requests.length === 2);
    expect(parents(stack)).toHaveLength(2);
  });

  it('rejects a bad signature and a stale timestamp with 401, doing nothing', async () => {
    stack = await startSlackStack();
    const forged = await stack.command('509999999 10 mensalidade', {}, { signature: `v0=${'0'.repeat(64)}` });
    expect(forged.status).toBe(401);
    const otherSecret = await stack.command(
      '509999999 10 mensalidade',
      {},
      { signingSecret: 'not-the-secret' },
    );
    expect(otherSecret.status).toBe(401);
    const stale = await stack.command(
      '509999999 10 mensalidade',
      {},
      { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 },
    );
    expect(stale.status).toBe(401);
    expect(stack.billing.requests).toHaveLength(0);
    expect(stack.slack.messages).toHaveLength(0);
  });

  it('explains itself on help/ajuda, ephemerally', async () => {
    stack = await startSlackStack();
    for (const word of ['help', 'ajuda']) {
      const response = await stack.command(word);
      const body = (await response.json()) as { response_type: string; text: string };
      expect(body.response_type).toBe('ephemeral');
      expect(body.text).toContain('/fatura 509999999 10.00 mensalidade TheInventors');
    }
    expect(stack.slack.messages).toHaveLength(0);
  });

  it('refuses malformed or invalid requests in the ack, before posting anything', async () => {
    stack = await startSlackStack();
    const cases: Array<[string, string]> = [
      ['abc 10 x', 'não é um NIF'],
      ['509999999 dez mensalidade', 'não é um valor'],
      ['509999999 10', 'Falta a descrição'],
      ['509999998 10 mensalidade', '• NIF: NIF inválido: o dígito de controlo não confere.'],
      ['509999999 10 mensalidade iva=7', 'use `iva=23`, `iva=13` ou `iva=6`'],
      ['509999999 10 formação iva=0', '• Linha 1, motivo de isenção: Obrigatório com IVA a 0%'],
      ['509999999 10 mensalidade iva=normal', 'não é uma taxa de IVA'],
      ['509999999 "Ana 10 mensalidade', 'aspas'],
    ];
    for (const [text, expected] of cases) {
      const body = (await (await stack.command(text)).json()) as { response_type: string; text: string };
      expect(body.response_type).toBe('ephemeral');
      expect(body.text).toContain(expected);
    }
    expect(stack.billing.requests).toHaveLength(0);
    expect(stack.slack.messages).toHaveLength(0);
  });

  it('refuses users and channels outside the allow lists', async () => {
    stack = await startSlackStack({ allowedChannels: [CHANNEL], allowedUsers: ['U0BOSS'] });
    const body = (await (await stack.command('509999999 10 mensalidade')).json()) as { text: string };
    expect(body.text).toContain('Não tem permissão');
    expect(stack.billing.requests).toHaveLength(0);
    const allowed = await stack.command('509999999 10 mensalidade', { user: 'U0BOSS' });
    expect(allowed.status).toBe(200);
    await stack.slack.waitFor(() => stack.billing.requests.length === 1);
  });

  it('tells the requester when it cannot post in the channel (nor in a DM), and sends nothing', async () => {
    // A public channel the bot is not in, without chat:write.public, nor im:write for a DM.
    stack = await startSlackStack(
      {},
      {
        conversations: { [CHANNEL]: { kind: 'public', botMember: false } },
        scopes: ['commands', 'chat:write', 'channels:read'],
      },
    );
    await stack.command('509999999 10 mensalidade', { responseUrl: stack.slack.responseUrl('nic') });
    const response = await stack.slack.waitFor(() => stack.slack.responses.find((r) => r.id === 'nic'));
    expect(response.body).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(response.body)).toContain('not_in_channel');
    expect(JSON.stringify(response.body)).toContain('convide-o (`/invite @Faturador`)');
    expect(stack.billing.requests).toHaveLength(0);
  });

  it('serves /healthz', async () => {
    stack = await startSlackStack();
    const response = await fetch(stack.url.replace('/slack/events', '/healthz'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });
});
