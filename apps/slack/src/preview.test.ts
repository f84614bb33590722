import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SlackAppConfig } from './env.ts';
import { PREVIEW_CANCEL_ACTION_ID, PREVIEW_ISSUE_ACTION_ID } from './preview.ts';
import { PREVIEW_TTL_MS } from './preview-actions.ts';
import { buttonOf, clickEphemeral, type EphemeralAnswer } from './testing/clicks.ts';
import { CHANNEL, SIGNING_SECRET, type SlackStack, startSlackStack, USER } from './testing/stack.ts';

let stack: SlackStack;
afterEach(async () => {
  await stack?.close();
});

const parents = (s: SlackStack) => s.slack.messages.filter((m) => m.channel === CHANNEL && !m.thread_ts);

async function previewStack(overrides: Partial<SlackAppConfig> = {}) {
  stack = await startSlackStack({ preview: true, ...overrides });
  return stack;
}

/** `/fatura <text>` and the private preview it answers with. */
async function preview(text: string, triggerId?: string): Promise<EphemeralAnswer> {
  const response = await stack.command(text, triggerId ? { triggerId } : {});
  expect(response.status).toBe(200);
  return (await response.json()) as EphemeralAnswer;
}

function click(
  answer: EphemeralAnswer,
  actionId: string,
  options: { user?: string; responseId: string; value?: string },
) {
  return clickEphemeral(answer, actionId, {
    url: stack.url,
    signingSecret: SIGNING_SECRET,
    teamId: stack.slack.teamId,
    user: options.user ?? USER,
    channel: CHANNEL,
    responseUrl: stack.slack.responseUrl(options.responseId),
    ...(options.value ? { value: options.value } : {}),
  });
}

const responseTo = (id: string) => stack.slack.waitFor(() => stack.slack.responses.find((r) => r.id === id));

/** Gives time for anything a wrong click might have started. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

describe('/fatura <text> with the preview on', () => {
  it('answers privately with the customer, the lines and the totals, and issues nothing', async () => {
    await previewStack();
    const answer = await preview('509999999 "Eduardo Costa" 10.00 mensalidade TheInventors');
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toBe('Confirme a fatura: 10,00\u00a0€ — Eduardo Costa');
    const blocks = JSON.stringify(answer.blocks);
    for (const expected of [
      '*Cliente*\\nEduardo Costa',
      '*NIF*\\n509999999',
      '*Tipo de documento*\\nFatura-recibo',
      '*Estado*\\nFinal (com número, certificado)',
      '1. *mensalidade TheInventors* — 1 × 10,00\u00a0€ — IVA 23%',
      '*IVA incluído*\\n1,87\u00a0€',
      '*Total*\\n*10,00\u00a0€*',
    ]) {
      expect(blocks).toContain(expected);
    }
    expect(blocks).not.toContain('Zona fiscal');
    expect(buttonOf({ blocks: answer.blocks }, PREVIEW_ISSUE_ACTION_ID)).toMatchObject({
      text: { text: 'Emitir' },
      style: 'primary',
    });
    expect(buttonOf({ blocks: answer.blocks }, PREVIEW_CANCEL_ACTION_ID)?.text?.text).toBe('Cancelar');
    await settle();
    expect(stack.billing.requests).toHaveLength(0);
    expect(stack.slack.messages).toHaveLength(0);
  });

  it('shows the final consumer, an exempt line with its reason, a draft and a zone other than PT', async () => {
    await previewStack({ fiscalZone: 'PT-MA' });
    const answer = await preview('- 50 formação iva=0 isencao=M07 tipo=ft estado=rascunho');
    const blocks = JSON.stringify(answer.blocks);
    for (const expected of [
      '*Cliente*\\nConsumidor final',
      '*NIF*\\nConsumidor final',
      '*Tipo de documento*\\nFatura',
      '*Estado*\\nRascunho',
      '*Zona fiscal*\\nMadeira',
      '1. *formação* — 1 × 50,00\u00a0€ — IVA 0% — isento, M07 (Artigo 9.º do CIVA)',
      '*IVA incluído*\\n0,00\u00a0€',
    ]) {
      expect(blocks).toContain(expected);
    }
  });

  it('says in the help that the command shows the invoice to confirm', async () => {
    await previewStack();
    expect((await preview('ajuda')).text).toContain('mostra-lhe a fatura para confirmar (Emitir / Cancelar)');
  });

  it('keeps the same refusals as before, in the ack', async () => {
    await previewStack();
    const answer = await preview('509999998 10 mensalidade');
    expect(answer.text).toContain('• NIF: NIF inválido: o dígito de controlo não confere.');
    expect(answer.blocks).toBeUndefined();
  });

  it('Emitir issues the previewed body once, with the key of the command, even when clicked twice', async () => {
    await previewStack();
    stack.deliverAccepted();
    const triggerId = '5555.6666.feedface';
    const answer = await preview('509999999 10.00 mensalidade TheInventors', triggerId);
    expect((await click(answer, PREVIEW_ISSUE_ACTION_ID, { responseId: 'issue-1' })).status).toBe(200);

    const replaced = await responseTo('issue-1');
    expect(replaced.body).toMatchObject({ replace_original: true });
    expect(JSON.stringify(replaced.body)).toContain('A emitir…');
    const parent = await stack.slack.waitFor(() => parents(stack).find((m) => m.text.startsWith('✅')));
    expect(parent.text).toContain('FR M/77');
    expect(stack.slack.thread(CHANNEL, parent.ts)[0]?.text).toContain('FR M/77');

    const [request] = stack.billing.requests;
    expect(request?.idempotencyKey).toBe(`slack:${stack.slack.teamId}:${triggerId}`);
    expect(request?.body).toEqual({
      reference: `SLACK-${CHANNEL}-${parent.ts}`,
      customer: { name: 'Cliente 509999999', vat_number: '509999999', country: 'PT' },
      items: [{ product: 'mensalidade TheInventors', quantity: 1, gross_price: 10, vat_rate: 23 }],
      document_type: 'invoice_receipt',
      status: 'final',
      fiscal_zone: 'PT',
      origin: {
        kind: 'slack',
        channel: CHANNEL,
        message_ts: parent.ts,
        user_id: USER,
        team_id: stack.slack.teamId,
        locale: 'pt',
      },
    });

    // The same preview clicked again (or Slack sending the click again): nothing more.
    await click(answer, PREVIEW_ISSUE_ACTION_ID, { responseId: 'issue-2' });
    const again = await responseTo('issue-2');
    expect(again.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.stringify(again.body)).toContain('já foi usada');
    await settle();
    expect(stack.billing.requests).toHaveLength(1);
    expect(parents(stack)).toHaveLength(1);
  });

  it('Cancelar replaces the preview and issues nothing, and Emitir afterwards neither', async () => {
    await previewStack();
    const answer = await preview('509999999 10 mensalidade');
    await click(answer, PREVIEW_CANCEL_ACTION_ID, { responseId: 'cancel' });
    const cancelled = await responseTo('cancel');
    expect(cancelled.body).toMatchObject({ replace_original: true, text: 'Cancelado: nada foi emitido.' });
    await click(answer, PREVIEW_ISSUE_ACTION_ID, { responseId: 'late' });
    expect(JSON.stringify((await responseTo('late')).body)).toContain('já foi usada');
    await settle();
    expect(stack.billing.requests).toHaveLength(0);
    expect(stack.slack.messages).toHaveLength(0);
  });

  it("refuses another person's click privately; the requester can still issue", async () => {
    await previewStack();
    const answer = await preview('509999999 10 mensalidade');
    for (const action of [PREVIEW_ISSUE_ACTION_ID, PREVIEW_CANCEL_ACTION_ID]) {
      await click(answer, action, { user: 'U0STRANGER', responseId: `stranger-${action}` });
      const refused = await responseTo(`stranger-${action}`);
      expect(refused.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(JSON.stringify(refused.body)).toContain(`Só <@${USER}>, que pediu esta fatura`);
    }
    await settle();
    expect(stack.billing.requests).toHaveLength(0);
    await click(answer, PREVIEW_ISSUE_ACTION_ID, { responseId: 'owner' });
    await stack.slack.waitFor(() => stack.billing.requests.length === 1);
  });

  it('refuses a value that was changed on the way (another user or body under the same signature)', async () => {
    await previewStack();
    const answer = await preview('509999999 10 mensalidade');
    const value = buttonOf({ blocks: answer.blocks }, PREVIEW_ISSUE_ACTION_ID)?.value ?? '';
    const forged = value
      .replace(`"u":"${USER}"`, '"u":"U0STRANGER"')
      .replace('"gross_price":10', '"gross_price":1');
    expect(forged).not.toBe(value);
    await click(answer, PREVIEW_ISSUE_ACTION_ID, { user: 'U0STRANGER', responseId: 'forged', value: forged });
    expect(JSON.stringify((await responseTo('forged')).body)).toContain('já não é válida');
    await settle();
    expect(stack.billing.requests).toHaveLength(0);
  });

  it('refuses a preview older than its 30 minutes', async () => {
    await previewStack();
    const answer = await preview('509999999 10 mensalidade');
    const later = Date.now() + PREVIEW_TTL_MS + 1_000;
    vi.spyOn(Date, 'now').mockReturnValue(later);
    try {
      await click(answer, PREVIEW_ISSUE_ACTION_ID, { responseId: 'old' });
      expect(JSON.stringify((await responseTo('old')).body)).toContain('expirou');
    } finally {
      vi.restoreAllMocks();
    }
    expect(stack.billing.requests).toHaveLength(0);
  });

  it('speaks English when the bot is set to en', async () => {
    await previewStack({ locale: 'en' });
    const answer = await preview('- 12,50 lunch iva=13');
    const blocks = JSON.stringify(answer.blocks);
    expect(answer.text).toBe('Confirm the invoice: €12.50 — Final consumer');
    expect(blocks).toContain('1. *lunch* — 1 × €12.50 — VAT 13%');
    expect(blocks).toContain('*VAT included*\\n€1.44');
    expect(buttonOf({ blocks: answer.blocks }, PREVIEW_ISSUE_ACTION_ID)?.text?.text).toBe('Issue');
    await click(answer, PREVIEW_CANCEL_ACTION_ID, { responseId: 'en-cancel' });
    expect((await responseTo('en-cancel')).body).toMatchObject({ text: 'Cancelled: nothing was issued.' });
  });
});

describe('/fatura <text> with SLACK_PREVIEW=0', () => {
  it('issues at once, as before the preview', async () => {
    stack = await startSlackStack({ preview: false });
    const response = await stack.command('509999999 10 mensalidade', { triggerId: '7777.8888.cafe' });
    expect(await response.text()).toBe('');
    const request = await stack.slack.waitFor(() => stack.billing.requests[0]);
    expect(request.idempotencyKey).toBe(`slack:${stack.slack.teamId}:7777.8888.cafe`);
    expect(parents(stack)).toHaveLength(1);
  });
});
