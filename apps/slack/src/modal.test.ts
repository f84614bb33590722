import type { FakeView } from '@faturador/slack-sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { ADD_LINE_ACTION_ID, MAX_MODAL_LINES, MODAL_CALLBACK_ID } from './modal.ts';
import { interactionBody, sendSigned } from './slack-requests.ts';
import { CHANNEL, SIGNING_SECRET, type SlackStack, startSlackStack, USER } from './testing/stack.ts';

let stack: SlackStack;
afterEach(async () => {
  await stack?.close();
});

interface InputBlock {
  type: string;
  block_id?: string;
  element?: {
    type: string;
    options?: Array<{ value: string; text: unknown }>;
    initial_option?: { value: string; text: unknown };
  };
}

/** What Slack sends back for the opened modal filled in with `fields` (by block_id). */
function submission(view: FakeView, viewId: string, fields: Record<string, string>) {
  const values: Record<string, Record<string, unknown>> = {};
  for (const block of view.view.blocks as InputBlock[]) {
    if (block.type !== 'input' || !block.block_id || !block.element) continue;
    const given = fields[block.block_id];
    const element = block.element;
    if (element.type === 'static_select' || element.type === 'radio_buttons') {
      // Nothing chosen: what the form showed at first (a select without one stays empty).
      const option = element.options?.find((o) => o.value === given) ?? element.initial_option;
      values[block.block_id] = { value: { type: element.type, selected_option: option ?? null } };
    } else {
      values[block.block_id] = { value: { type: element.type, value: given ?? null } };
    }
  }
  return {
    type: 'view_submission',
    team: { id: stack.slack.teamId, domain: 'faturador' },
    user: { id: USER, name: 'ops', team_id: stack.slack.teamId },
    api_app_id: 'A0FATURADOR',
    token: 'legacy',
    trigger_id: '5555.6666.abcabc',
    view: {
      ...view.view,
      id: viewId,
      team_id: stack.slack.teamId,
      state: { values },
      hash: '1.1',
      private_metadata: view.view.private_metadata,
      callback_id: MODAL_CALLBACK_ID,
    },
  };
}

async function openModal(): Promise<FakeView> {
  const response = await stack.command('', { triggerId: '7777.8888.fedcba' });
  expect(response.status).toBe(200);
  return stack.slack.waitFor(() => stack.slack.views[0]);
}

const submit = (payload: unknown) =>
  sendSigned(stack.url, interactionBody(payload), { signingSecret: SIGNING_SECRET });

/** The block_actions payload of a click on "Adicionar linha" in the modal as Slack shows it. */
function clickAddLine(view: FakeView, hash = view.hash) {
  return submit({
    type: 'block_actions',
    team: { id: stack.slack.teamId, domain: 'faturador' },
    user: { id: USER, username: 'ops', name: 'ops', team_id: stack.slack.teamId },
    api_app_id: 'A0FATURADOR',
    token: 'legacy',
    trigger_id: `${Date.now()}.1.add`,
    container: { type: 'view', view_id: view.id },
    view: {
      ...view.view,
      id: view.id,
      team_id: stack.slack.teamId,
      hash,
      state: { values: {} },
    },
    actions: [
      {
        type: 'button',
        action_id: ADD_LINE_ACTION_ID,
        block_id: 'lines',
        value: 'add',
        text: { type: 'plain_text', text: '➕ Adicionar linha' },
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  });
}

const blockIds = (view: FakeView) =>
  (view.view.blocks as InputBlock[]).map((b) => b.block_id).filter((id): id is string => Boolean(id));

/** The modal after "Adicionar linha" was clicked until it has `lines` lines. */
async function modalWithLines(lines: number): Promise<FakeView> {
  const view = await openModal();
  for (let n = 2; n <= lines; n++) {
    expect((await clickAddLine(view)).status).toBe(200);
    await stack.slack.waitFor(() => blockIds(view).includes(`line_${n - 1}_product`));
  }
  return view;
}

describe('the /fatura modal', () => {
  it('opens with the trigger_id of the command, remembering the channel', async () => {
    stack = await startSlackStack();
    const view = await openModal();
    expect(view.trigger_id).toBe('7777.8888.fedcba');
    expect(view.view.callback_id).toBe(MODAL_CALLBACK_ID);
    expect(JSON.parse(String(view.view.private_metadata))).toEqual({
      channel: CHANNEL,
      locale: 'pt',
      lines: 1,
      zone: 'PT',
    });
    const ids = (view.view.blocks as InputBlock[]).map((b) => b.block_id).filter(Boolean);
    expect(ids).toEqual(
      expect.arrayContaining([
        'customer_name',
        'customer_vat',
        'customer_email',
        'customer_address',
        'line_0_product',
      ]),
    );
    expect(ids).not.toContain('line_1_product');
    expect(ids).toContain('lines');
    expect(stack.billing.requests).toHaveLength(0);
  });

  it('"Adicionar linha" updates the same view with one more line; a stale double click adds nothing', async () => {
    stack = await startSlackStack();
    const view = await openModal();
    const shown = structuredClone(view);
    await clickAddLine(view);
    await stack.slack.waitFor(() => blockIds(view).includes('line_1_product'));
    const [update] = stack.slack.callsTo('views.update');
    expect(update?.args).toMatchObject({ view_id: view.id, hash: shown.hash });
    expect(JSON.parse(String(view.view.private_metadata))).toMatchObject({ lines: 2 });
    // The same ids as before for what was there: Slack keeps what was typed in them.
    expect(blockIds(view).filter((id) => blockIds(shown).includes(id))).toEqual(blockIds(shown));

    // A second click from the view as it was first shown carries the old hash: Slack refuses it.
    await clickAddLine(shown);
    await stack.slack.waitFor(() => stack.slack.callsTo('views.update').length === 2);
    expect(stack.slack.callsTo('views.update')[1]?.response).toMatchObject({
      ok: false,
      error: 'hash_conflict',
    });
    expect(blockIds(view)).not.toContain('line_2_product');
  });

  it(`stops offering lines at ${MAX_MODAL_LINES}`, async () => {
    stack = await startSlackStack();
    const view = await modalWithLines(MAX_MODAL_LINES);
    expect(blockIds(view)).toContain(`line_${MAX_MODAL_LINES - 1}_product`);
    expect(blockIds(view)).not.toContain('lines');
    expect((view.view.blocks as unknown[]).length).toBeLessThanOrEqual(100);
  });

  it('answers an invalid NIF with response_action errors on the NIF block, sending nothing', async () => {
    stack = await startSlackStack();
    const view = await openModal();
    const response = await submit(
      submission(view, 'V0MODAL01', {
        customer_name: 'Eduardo Costa',
        customer_vat: '509999998',
        line_0_product: 'mensalidade',
        line_0_amount: '10,00',
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      response_action: 'errors',
      errors: { customer_vat: 'NIF inválido: o dígito de controlo não confere.' },
    });
    expect(stack.billing.requests).toHaveLength(0);
    expect(stack.slack.messages).toHaveLength(0);
  });

  it('keys form errors to the line they belong to', async () => {
    stack = await startSlackStack();
    const view = await modalWithLines(3);
    const response = await submit(
      submission(view, 'V0MODAL02', {
        line_0_product: 'a',
        line_0_amount: '10',
        line_1_product: 'b',
        line_1_amount: '1.000,00',
        line_2_amount: '5',
        customer_email: 'not-an-email',
      }),
    );
    const body = (await response.json()) as { errors: Record<string, string> };
    expect(Object.keys(body.errors).sort()).toEqual(['line_1_amount', 'line_2_product']);
  });

  it('offers 0% with an exemption reason, required only when a line is exempt', async () => {
    stack = await startSlackStack();
    const view = await openModal();
    const exempt = { line_0_product: 'formação', line_0_amount: '50', line_0_vat: '0' };
    const missing = await submit(submission(view, 'V0MODAL05', exempt));
    expect(await missing.json()).toEqual({
      response_action: 'errors',
      errors: { exemption_reason: 'Escolha o motivo de isenção das linhas a 0%.' },
    });
    const given = await submit(submission(view, 'V0MODAL06', { ...exempt, exemption_reason: 'M07' }));
    expect(given.status).toBe(200);
    await stack.slack.waitFor(() => stack.billing.requests.length === 1);
    expect(stack.billing.requests[0]?.body.items).toEqual([
      expect.objectContaining({ product: 'formação', gross_price: 50, vat_rate: 0, exemption_reason: 'M07' }),
    ]);
    const options = (view.view.blocks as InputBlock[]).find((b) => b.block_id === 'exemption_reason')?.element
      ?.options;
    expect(options?.length).toBeGreaterThan(20);
    // The codes all show; the fake Slack refuses option texts over 75 characters, as Slack does.
    expect(options?.map((o) => o.value)).toEqual(expect.arrayContaining(['M07', 'M10', 'M40', 'M99']));
  });

  it('issues a valid submission once, with every line, even if submitted twice', async () => {
    stack = await startSlackStack();
    const view = await modalWithLines(3);
    const payload = submission(view, 'V0MODAL03', {
      customer_name: 'Eduardo Costa',
      customer_vat: 'PT 509 999 999',
      customer_email: 'eduardo@example.pt',
      customer_address: 'Rua do Campo Grande 45, Lisboa',
      line_0_product: 'mensalidade',
      line_0_amount: '10,00',
      line_2_product: 'livro',
      line_2_amount: '7.5',
      line_2_vat: '6',
      document_type: 'invoice',
      status: 'draft',
    });
    const first = await submit(payload);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('');
    await stack.slack.waitFor(() => stack.billing.requests.length === 1);
    expect((await submit(payload)).status).toBe(200);
    // Another modal afterwards: once its request is in, a processed duplicate would be too.
    await submit({ ...payload, view: { ...payload.view, id: 'V0MODAL04' } });
    await stack.slack.waitFor(() => stack.billing.requests.length === 2);

    const [request] = stack.billing.requests;
    expect(request?.idempotencyKey).toBe(`slack:${stack.slack.teamId}:view:V0MODAL03`);
    expect(request?.body).toMatchObject({
      customer: {
        name: 'Eduardo Costa',
        vat_number: '509999999',
        email: 'eduardo@example.pt',
        address: 'Rua do Campo Grande 45, Lisboa',
      },
      items: [
        { product: 'mensalidade', gross_price: 10, vat_rate: 23 },
        { product: 'livro', gross_price: 7.5, vat_rate: 6 },
      ],
      document_type: 'invoice',
      status: 'draft',
      origin: { kind: 'slack', channel: CHANNEL, user_id: USER },
    });
    const parent = stack.slack.messages.find((m) => m.channel === CHANNEL);
    expect(parent?.text).toContain('17,50');
    expect(stack.billing.requests.map((r) => r.idempotencyKey)).toEqual([
      `slack:${stack.slack.teamId}:view:V0MODAL03`,
      `slack:${stack.slack.teamId}:view:V0MODAL04`,
    ]);
    expect(stack.slack.messages.filter((m) => !m.thread_ts)).toHaveLength(2);
  });
});
