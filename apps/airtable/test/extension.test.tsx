import TestDriver from '@airtable/blocks-testing';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { IssuerApp } from '../src/app.tsx';
import { CONFIG_KEYS } from '../src/config.ts';
import {
  accepted,
  type BackendAnswer,
  type BackendCall,
  draft,
  issued,
  refused,
  startBackend,
} from './backend.ts';
import { BASE_ID, type BookingRow, configured, FIELD, fixture, recId, TABLE_ID } from './fixture.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  cleanup();
  window.localStorage.clear();
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function setup(
  rows: BookingRow[],
  answer: (recordId: string, call: BackendCall) => BackendAnswer,
  options: { configured?: boolean } = {},
) {
  const backend = await startBackend((call) => answer(call.body.record_id, call));
  closers.push(backend.close);
  const driver = new TestDriver(fixture(rows, options.configured === false ? {} : configured(backend.url)));
  const mutations: Array<{
    type: string;
    records?: Array<{ id: string; cellValuesByFieldId: Record<string, unknown> }>;
  }> = [];
  driver.watch('mutation', (mutation) => {
    mutations.push(mutation as (typeof mutations)[number]);
  });
  const table = driver.base.getTableById(TABLE_ID);
  /** What the extension wrote to a record's cell, last write wins. */
  const written = (recordId: string, fieldId: string) => {
    let value: unknown;
    for (const mutation of mutations) {
      const record = mutation.records?.find((candidate) => candidate.id === recordId);
      if (record && fieldId in record.cellValuesByFieldId) value = record.cellValuesByFieldId[fieldId];
    }
    return value;
  };
  return { backend, driver, mutations, table, written };
}

function renderApp(
  driver: TestDriver,
  recordAction: { recordId: string; tableId: string } | null = null,
  pendingTimeoutMs?: number,
) {
  return render(
    <driver.Container>
      <IssuerApp recordAction={recordAction} pendingTimeoutMs={pendingTimeoutMs} />
    </driver.Container>,
  );
}

async function select(driver: TestDriver, ids: string[]) {
  // The cursor loads asynchronously: a selection made before that is lost.
  await screen.findByText(/Faturar reservas/);
  act(() => {
    driver.setActiveCursorModels({ table: TABLE_ID });
    driver.userSelectRecords(ids);
  });
}

/** "Emitir N faturas", then the confirmation's button. */
async function issueConfirmed(count: number) {
  fireEvent.click(await screen.findByText(count === 1 ? 'Emitir 1 fatura' : `Emitir ${count} faturas`));
  fireEvent.click(await screen.findByText(`Confirmar e emitir ${count}`));
}

const rowOf = (recordId: string) => {
  const row = document.querySelector(`[data-record-id="${recordId}"]`);
  if (!row) throw new Error(`no row for ${recordId}`);
  return row.textContent ?? '';
};

const rows = (n: number, extra: Partial<BookingRow> = {}) =>
  Array.from({ length: n }, (_, i) => ({ id: recId(i + 1), guest: `Hóspede ${i + 1}`, ...extra }));

describe('the Airtable extension (blocks-testing)', () => {
  it('settings: asks for the table and required fields, checks field types, saves picks to globalConfig', async () => {
    const { driver } = await setup(rows(1), () => accepted, { configured: false });
    renderApp(driver);
    expect(screen.getByText('Escolha a tabela das reservas a faturar.')).toBeTruthy();

    await act(() => driver.globalConfig.setAsync('tableId', TABLE_ID));
    expect(await screen.findByText('Escolha o campo «Nome do cliente».')).toBeTruthy();
    expect(screen.getByText('Escolha o campo «Estado».')).toBeTruthy();

    // Picking through the UI writes the field id to globalConfig.
    fireEvent.change(screen.getByLabelText('Nome do cliente'), {
      target: { value: JSON.stringify({ notUndefinedValue: FIELD.guest }) },
    });
    await waitFor(() => expect(driver.globalConfig.get(['fields', 'customerName'])).toBe(FIELD.guest));
    expect(screen.queryByText('Escolha o campo «Nome do cliente».')).toBeNull();

    // A field whose type no longer fits (or a computed one for a result) is named.
    await act(() =>
      driver.globalConfig.setPathsAsync([
        { path: ['fields', 'grossAmount'], value: FIELD.location },
        { path: ['fields', 'status'], value: FIELD.nights },
      ]),
    );
    expect(
      await screen.findByText(/«Localização» \(singleLineText\) não tem um tipo adequado para «Valor bruto»/),
    ).toBeTruthy();
    expect(
      screen.getByText(/«Noites» \(formula\) não pode ser escrito pelo Faturador para «Estado»/),
    ).toBeTruthy();
    expect(
      screen.getByText('Indique o Client ID, a API key e o segredo da chave de acionamento.'),
    ).toBeTruthy();
  });

  it('lists the selected records and offers to issue them', async () => {
    const { driver } = await setup(rows(3), () => accepted);
    renderApp(driver);
    expect(await screen.findByText(/Selecione na tabela «Reservas»/)).toBeTruthy();
    await select(driver, [recId(1), recId(3)]);
    expect(await screen.findByText('Emitir 2 faturas')).toBeTruthy();
    expect(rowOf(recId(1))).toContain('Hóspede 1 — Pronto a faturar');
    expect(document.querySelector(`[data-record-id="${recId(2)}"]`)).toBeNull();
  });

  it('issues with per-record progress and a summary, and settles pending records from write-back', async () => {
    const answers: Record<string, BackendAnswer> = {
      [recId(1)]: issued('FR M/1'),
      [recId(2)]: accepted,
      [recId(3)]: refused(
        'VALIDATION_ERROR',
        `O registo ${recId(3)} não pode ser faturado.\nNIF: o NIF deve ter 9 dígitos («12»)`,
      ),
    };
    const { driver, backend, table, written } = await setup(rows(3), (id) => answers[id] ?? accepted);
    renderApp(driver);
    await select(driver, [recId(1), recId(2), recId(3)]);
    await issueConfirmed(3);

    await waitFor(() => expect(rowOf(recId(3))).toContain('Falhou: O registo'));
    expect(rowOf(recId(1))).toContain('Emitido: FR M/1');
    expect(rowOf(recId(2))).toContain('A emitir…');
    expect(screen.getByRole('status').textContent).toBe(
      '1 emitido, 1 em curso, 1 falhou, 0 recusados (de 3)',
    );

    expect(backend.calls.map((call) => call.body)).toEqual(
      [1, 2, 3].map((i) => ({ base_id: BASE_ID, table_id: TABLE_ID, record_id: recId(i) })),
    );
    const [first] = backend.calls;
    expect(first?.url).toBe('/api/v1/record-triggers/airtable?wait=sync');
    expect(first?.headers).toMatchObject({
      'x-client-id': 'bookings_ops',
      'x-api-key': 'ak_trigger00000000001',
    });

    // Write-back: "A emitir" before asking; the record's refusal is Faturador's to write (its
    // deliver step writes it with the request), so the extension leaves it alone.
    expect(written(recId(2), FIELD.status)).toEqual({ name: 'A emitir' });
    expect(written(recId(3), FIELD.status)).toEqual({ name: 'A emitir' });

    // The backend's worker writes the result through the Web API; Airtable syncs it here.
    await act(() =>
      table.updateRecordAsync(recId(2), { [FIELD.number]: 'FR M/2', [FIELD.status]: { name: 'Emitido' } }),
    );
    expect(rowOf(recId(2))).toContain('Emitido: FR M/2');
    expect(screen.getByRole('status').textContent).toBe(
      '2 emitidos, 0 em curso, 1 falhou, 0 recusados (de 3)',
    );
  });

  it('writes at most 50 records per update call', async () => {
    const { driver, mutations, backend } = await setup(rows(60), () => accepted);
    renderApp(driver);
    await select(
      driver,
      rows(60).map((row) => row.id),
    );
    await issueConfirmed(60);
    await waitFor(() => expect(backend.calls).toHaveLength(60), { timeout: 10_000 });
    const writes = mutations.filter((mutation) => mutation.type === 'setMultipleRecordsCellValues');
    expect(writes.map((mutation) => mutation.records?.length)).toEqual([50, 10]);
    expect(writes[0]?.records?.[0]?.cellValuesByFieldId).toEqual({
      [FIELD.status]: { name: 'A emitir' },
      [FIELD.error]: null,
    });
  });

  it('without permission to update records, explains why and sends nothing', async () => {
    const { driver, backend } = await setup(rows(2), () => accepted);
    driver.simulatePermissionCheck(() => false);
    renderApp(driver);
    await select(driver, [recId(1)]);
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Sem permissão para faturar/);
    const button = screen.getByText('Emitir 1 fatura').closest('button');
    expect(button?.disabled).toBe(true);
    if (button) fireEvent.click(button);
    expect(backend.calls).toHaveLength(0);
  });

  it('refuses records already invoiced, and sends only the others', async () => {
    const { driver, backend } = await setup(
      [
        { id: recId(1), guest: 'Ana', number: 'FR M/9', status: 'Emitido' },
        { id: recId(2), guest: 'Rui' },
      ],
      () => issued('FR M/10'),
    );
    renderApp(driver);
    await select(driver, [recId(1), recId(2)]);
    expect(await screen.findByText('Emitir 1 fatura')).toBeTruthy();
    expect(rowOf(recId(1))).toContain('Já faturado (FR M/9)');
    await issueConfirmed(1);
    await waitFor(() => expect(rowOf(recId(2))).toContain('Emitido: FR M/10'));
    expect(rowOf(recId(1))).toContain('Já faturado (FR M/9)');
    expect(backend.calls.map((call) => call.body.record_id)).toEqual([recId(2)]);
  });

  it('a button field opens it on one record; a selection made after the press wins, and a new press wins again', async () => {
    const { driver, backend } = await setup(rows(3), () =>
      refused('AUTH_ERROR', 'Invalid credentials.', 401),
    );
    const listed = () =>
      within(screen.getByLabelText('Registos'))
        .getAllByRole('listitem')
        .map((item) => item.getAttribute('data-record-id'));
    const view = renderApp(driver);
    await select(driver, [recId(1), recId(3)]);
    expect(await screen.findByText('Emitir 2 faturas')).toBeTruthy();

    // The button is pressed after the selection: its record wins.
    const press = (recordId: string) =>
      view.rerender(
        <driver.Container>
          <IssuerApp recordAction={{ recordId, tableId: TABLE_ID }} />
        </driver.Container>,
      );
    press(recId(2));
    expect(await screen.findByText('Emitir 1 fatura')).toBeTruthy();
    expect(listed()).toEqual([recId(2)]);

    // useRecordActionData keeps returning that press: a later selection must still be seen.
    act(() => driver.userSelectRecords([recId(1), recId(3)]));
    expect(await screen.findByText('Emitir 2 faturas')).toBeTruthy();
    expect(listed()).toEqual([recId(1), recId(3)]);

    // A new press of the same button (a new action object) wins over that selection.
    press(recId(2));
    await issueConfirmed(1);
    await waitFor(() => expect(rowOf(recId(2))).toContain('Falhou: A chave de acionamento não foi aceite'));
    expect(listed()).toEqual([recId(2)]);
    expect(backend.calls.map((call) => call.body.record_id)).toEqual([recId(2)]);
  });

  it('before issuing, previews customer, NIF, total, VAT and type per record, and Cancelar sends nothing', async () => {
    const { driver, backend } = await setup(
      [
        { id: recId(1), guest: 'Ana Sousa', nif: '123456789', location: 'Funchal, Madeira' },
        { id: recId(2), guest: 'Rui Costa' },
        { id: recId(3), guest: 'Eva Lima', nif: '12' },
      ],
      () => issued('FR M/1'),
    );
    renderApp(driver);
    await select(driver, [recId(1), recId(2), recId(3)]);
    fireEvent.click(await screen.findByText('Emitir 3 faturas'));
    const preview = await screen.findByLabelText('Pré-visualização');
    const row = (id: string) => preview.querySelector(`[data-preview-id="${id}"]`)?.textContent ?? '';
    expect(row(recId(1))).toBe('Ana Sousa123456789360,00 €4% (PT-MA): 13,85 €Fatura-recibo (FR)');
    expect(row(recId(2))).toBe('Rui CostaConsumidor final360,00 €6% (PT): 20,38 €Fatura-recibo (FR)');
    expect(row(recId(3))).toContain('O Faturador vai recusar este registo: o NIF deve ter 9 dígitos («12»)');
    expect(screen.getByText(/num total de 720,00 €/)).toBeTruthy();
    // This backend does not answer the base's settings: the preview says it used the extension's picks.
    expect(screen.getByText(/pode diferir do que o Faturador emite/)).toBeTruthy();
    expect(backend.calls).toHaveLength(0);

    fireEvent.click(screen.getByText('Cancelar'));
    expect(await screen.findByText('Emitir 3 faturas')).toBeTruthy();
    expect(backend.calls).toHaveLength(0);
  });

  it("previews with the server's own settings of the base (the one mapping), read with the trigger key", async () => {
    const serverSettings = {
      base_id: BASE_ID,
      table_id: TABLE_ID,
      client_id: 'bookings_ops',
      api_url: 'https://api.airtable.com/v0/',
      // By name, and with a commission the extension's picks do not have: net of commission.
      fields: {
        customer_name: 'Hóspede',
        customer_nif: 'NIF',
        gross_amount: 'Valor bruto',
        commission: 'Comissão',
        status: 'Estado',
      },
      product: 'Alojamento',
      amount_mode: 'net_of_commission',
      commission_kind: 'amount',
      default_document_type: 'invoice',
      default_fiscal_zone: 'PT',
      default_vat_rate: 6,
      location_rules: [],
      status_values: {
        issuing: 'A emitir',
        issued: 'Emitido',
        draft: 'Rascunho',
        failed: 'Erro',
        credited: 'Anulado',
        paid: 'Pago',
      },
      typecast: true,
      issued_at_format: 'iso',
      time_zone: 'Europe/Lisbon',
      updated_at: '2026-12-02T07:00:00.000Z',
    };
    const { driver, backend } = await setup(
      [{ id: recId(1), guest: 'Ana Sousa', nif: '123456789' }],
      (_, call) =>
        call.method === 'GET'
          ? { status: 200, body: { success: true, settings: serverSettings, checks: null } }
          : issued('FT M/1'),
    );
    renderApp(driver);
    await select(driver, [recId(1)]);
    fireEvent.click(await screen.findByText('Emitir 1 fatura'));
    const preview = await screen.findByLabelText('Pré-visualização');
    expect(preview.querySelector(`[data-preview-id="${recId(1)}"]`)?.textContent).toBe(
      'Ana Sousa123456789306,00 €6% (PT): 17,32 €Fatura (FT)',
    );
    expect(screen.queryByText(/pode diferir do que o Faturador emite/)).toBeNull();
    expect(backend.reads.map((read) => read.url)).toEqual([`/api/v1/airtable/bases/${BASE_ID}`]);
    expect(backend.reads[0]?.headers).toMatchObject({
      'x-client-id': 'bookings_ops',
      'x-api-key': 'ak_trigger00000000001',
    });
  });

  it('error rows are Portuguese only (code and request id for support); "Emitido em" in the base time zone; plurals', async () => {
    const { driver, written } = await setup(rows(2), (id) =>
      id === recId(1)
        ? issued('FR M/5', '2026-05-18T15:07:21.000Z')
        : refused('AUTH_ERROR', 'Invalid credentials.', 401),
    );
    renderApp(driver);
    await select(driver, [recId(1), recId(2)]);
    await issueConfirmed(2);
    await waitFor(() => expect(rowOf(recId(2))).toContain('Falhou:'));
    // Faturador could not write a refused key's answer to the record: the extension does.
    await waitFor(() => expect(written(recId(2), FIELD.status)).toEqual({ name: 'Erro' }));
    expect(written(recId(2), FIELD.error)).toContain('(código AUTH_ERROR, pedido req_3)');
    // 16:07 in Lisbon (UTC+1 in May), not the UTC 15:07 of the answer.
    expect(rowOf(recId(1))).toContain('Emitido: FR M/5 em 18/05/2026, 16:07');
    expect(rowOf(recId(2))).toBe(
      'Hóspede 2 — Falhou: A chave de acionamento não foi aceite pelo Faturador. Peça a quem administra a base para rever o Client ID, a API key e o segredo nas definições. (código AUTH_ERROR, pedido req_3)',
    );
    expect(rowOf(recId(2))).not.toMatch(/Invalid|credentials/);
    expect(screen.getByRole('status').textContent).toBe(
      '1 emitido, 0 em curso, 1 falhou, 0 recusados (de 2)',
    );
  });

  it('an Airtable rate limit waited out is shown as waiting, then issued, and never written as "Erro"', async () => {
    let limits = 3;
    const { driver, backend, written } = await setup(rows(1), (_, call) =>
      call.method === 'POST' && limits-- > 0
        ? {
            ...refused('RATE_LIMITED', 'Airtable asked us to slow down for this base. Retry shortly.', 429),
            headers: { 'retry-after': '1' },
          }
        : issued('FR M/8'),
    );
    renderApp(driver);
    await select(driver, [recId(1)]);
    await issueConfirmed(1);
    await waitFor(() => expect(rowOf(recId(1))).toContain('A aguardar o limite de pedidos do Airtable'));
    await waitFor(() => expect(rowOf(recId(1))).toContain('Emitido: FR M/8'), { timeout: 8_000 });
    expect(backend.calls).toHaveLength(4);
    expect(written(recId(1), FIELD.status)).toEqual({ name: 'A emitir' });
  });

  it('a draft left for review (TOTAL_MISMATCH) is not overwritten with "Erro": Faturador writes "Rascunho"', async () => {
    const { driver, written } = await setup(rows(1), () =>
      refused('TOTAL_MISMATCH', "Moloni's total 359.99 differs from the request's 360.00.", 422),
    );
    renderApp(driver);
    await select(driver, [recId(1)]);
    await issueConfirmed(1);
    await waitFor(() => expect(rowOf(recId(1))).toContain('Falhou: O total calculado pelo Moloni'));
    expect(written(recId(1), FIELD.status)).toEqual({ name: 'A emitir' });
    expect(rowOf(recId(1))).not.toContain('Tentar de novo');
  });

  it('drafts: a draft answer reads "Rascunho", and a record with a draft is not issued again', async () => {
    const { driver, backend } = await setup(
      [
        { id: recId(1), guest: 'Ana' },
        { id: recId(2), guest: 'Rui', status: 'Rascunho' },
      ],
      () => draft(),
    );
    renderApp(driver);
    await select(driver, [recId(1), recId(2)]);
    expect(rowOf(recId(2))).toContain('Já tem um rascunho no Moloni (por finalizar)');
    await issueConfirmed(1);
    await waitFor(() => expect(rowOf(recId(1))).toContain('Rascunho criado no Moloni (por finalizar)'));
    expect(rowOf(recId(1))).not.toContain('Emitido');
    expect(backend.calls.map((call) => call.body.record_id)).toEqual([recId(1)]);
  });

  it('a record whose result never comes is not left "A emitir…": it times out with a retry that settles it', async () => {
    let answer: BackendAnswer = accepted;
    const { driver, backend } = await setup(rows(1), () => answer);
    renderApp(driver, null, 300);
    await select(driver, [recId(1)]);
    await issueConfirmed(1);
    await waitFor(() => expect(rowOf(recId(1))).toContain('A emitir…'));
    await waitFor(() => expect(rowOf(recId(1))).toContain('Sem resposta: Sem resultado no registo'));
    answer = issued('FR M/12');
    fireEvent.click(screen.getByText('Tentar de novo'));
    await waitFor(() => expect(rowOf(recId(1))).toContain('Emitido: FR M/12'));
    expect(backend.calls.map((call) => call.body.record_id)).toEqual([recId(1), recId(1)]);
  });

  it('cancels issued records with a reason (credit note) through the billing API, with a key kept out of globalConfig', async () => {
    const REQ = (i: number) => `req_000000000000000${i}`;
    const { driver, backend, written } = await setup(
      [
        { id: recId(1), guest: 'Ana', number: 'FR M/1', status: 'Emitido', requestId: REQ(1) },
        { id: recId(2), guest: 'Rui', number: 'FR M/2', status: 'Emitido', requestId: REQ(2) },
      ],
      (_, call) => {
        const requestId = /invoices\/(req_[0-9a-f]+)\//.exec(call.url)?.[1] ?? '';
        return {
          status: 201,
          body: {
            success: true,
            request_id: requestId,
            action: 'credit_note',
            document: { type: 'credit_note', number: `NC M/${requestId.slice(-1)}`, total: 360 },
            fully_credited: true,
            open_amount: null,
          },
        };
      },
    );
    renderApp(driver);
    await select(driver, [recId(1), recId(2)]);
    // Nothing to issue; the actions ask for the billing key first.
    fireEvent.change(await screen.findByLabelText('Client ID da chave de faturação'), {
      target: { value: 'bookings_ops' },
    });
    fireEvent.change(screen.getByLabelText('API key de faturação'), {
      target: { value: 'ak_billing000000001' },
    });
    fireEvent.change(screen.getByLabelText('Segredo da chave de faturação'), {
      target: { value: 'as_billing_secret_00000000000000000000' },
    });
    fireEvent.click(screen.getByText('Guardar neste navegador'));
    expect(JSON.stringify(Object.entries(window.localStorage))).toContain('as_billing_secret_');
    const everything = Object.values(CONFIG_KEYS).map((key) => driver.globalConfig.get(key));
    expect(JSON.stringify(everything)).toContain('as_trigger_only'); // the trigger key is there…
    expect(JSON.stringify(everything)).not.toContain('as_billing_secret_'); // …the billing key never

    fireEvent.click(await screen.findByText('Anular 2 (nota de crédito)'));
    expect(
      (screen.getByText('Confirmar anulação de 2 documentos').closest('button') as HTMLButtonElement)
        .disabled,
    ).toBe(true);
    fireEvent.change(screen.getByLabelText(/^Motivo da anulação/), {
      target: { value: 'Reserva cancelada' },
    });
    fireEvent.click(screen.getByText('Confirmar anulação de 2 documentos'));

    await waitFor(() => expect(backend.calls).toHaveLength(2));
    expect(backend.calls.map((call) => call.url)).toEqual([
      `/api/v1/invoices/${REQ(1)}/credit-notes`,
      `/api/v1/invoices/${REQ(2)}/credit-notes`,
    ]);
    const [first] = backend.calls;
    expect(first?.body).toEqual({ reason: 'Reserva cancelada' });
    expect(first?.headers).toMatchObject({
      'x-client-id': 'bookings_ops',
      'x-api-key': 'ak_billing000000001',
    });
    expect(first?.headers['idempotency-key']).toMatch(new RegExp(`^airtable:${recId(1)}:nc:[0-9a-f]{8}$`));
    await waitFor(() => expect(written(recId(2), FIELD.creditNote)).toBe('NC M/2'));
    expect(written(recId(1), FIELD.status)).toEqual({ name: 'Anulado' });
    expect(written(recId(1), FIELD.creditNote)).toBe('NC M/1');
    expect(screen.getByLabelText('Resultados das ações').textContent).toContain('Ana — Anulado: NC M/1');
  });

  it('records a payment on an invoice: the receipt and the open amount are written; a refusal reads Portuguese and a retry reuses the key', async () => {
    let answers: BackendAnswer[] = [
      {
        status: 201,
        body: {
          success: true,
          request_id: 'req_0000000000000009',
          action: 'receipt',
          document: { type: 'receipt', number: 'RC M/1', total: 150.5 },
          open_amount: 209.5,
          fully_credited: null,
        },
      },
    ];
    const { driver, backend, written } = await setup(
      [
        {
          id: recId(1),
          guest: 'Ana',
          number: 'FT M/4',
          status: 'Emitido',
          requestId: 'req_0000000000000009',
        },
      ],
      () => answers.shift() ?? refused('INTERNAL_ERROR', 'x', 500),
    );
    window.localStorage.setItem(
      `faturador:action-key:${BASE_ID}`,
      JSON.stringify({ clientId: 'bookings_ops', apiKey: 'ak_billing000000001', apiSecret: 'as_b' }),
    );
    renderApp(driver);
    await select(driver, [recId(1)]);
    fireEvent.click(await screen.findByText('Registar pagamento de 1'));
    fireEvent.change(screen.getByLabelText(/^Valor pago/), { target: { value: '12,345' } });
    expect(screen.getByRole('alert').textContent).toMatch(/duas casas decimais/);
    fireEvent.change(screen.getByLabelText(/^Valor pago/), { target: { value: '150,50' } });
    fireEvent.click(screen.getByText('Confirmar pagamento'));
    await waitFor(() => expect(written(recId(1), FIELD.receipt)).toBe('RC M/1'));
    expect(backend.calls[0]?.url).toBe('/api/v1/invoices/req_0000000000000009/receipts');
    expect(backend.calls[0]?.body).toEqual({ amount: 150.5 });
    expect(written(recId(1), FIELD.openAmount)).toBe(209.5);
    expect(written(recId(1), FIELD.status)).toBeUndefined(); // still open: not "Pago"
    expect(screen.getByLabelText('Resultados das ações').textContent).toContain(
      'Pagamento registado: RC M/1 (em dívida: 209,50 €)',
    );

    answers = [refused('AMOUNT_EXCEEDS_OPEN', 'amount 500.00 exceeds the open amount 209.50.', 409)];
    fireEvent.click(await screen.findByText('Registar pagamento de 1'));
    fireEvent.change(screen.getByLabelText(/^Valor pago/), { target: { value: '500' } });
    fireEvent.click(screen.getByText('Confirmar pagamento'));
    await waitFor(() =>
      expect(screen.getByLabelText('Resultados das ações').textContent).toContain(
        'Falhou: O pagamento é maior do que o valor em dívida da fatura: nada foi emitido.',
      ),
    );
    expect(screen.getByLabelText('Resultados das ações').textContent).not.toMatch(/exceeds/);
    // The form stays with the same attempt: pressing again cannot pay twice.
    answers = [refused('AMOUNT_EXCEEDS_OPEN', 'again', 409)];
    fireEvent.click(screen.getByText('Confirmar pagamento'));
    await waitFor(() => expect(backend.calls).toHaveLength(3));
    expect(backend.calls[2]?.headers['idempotency-key']).toBe(backend.calls[1]?.headers['idempotency-key']);
    expect(backend.calls[1]?.headers['idempotency-key']).not.toBe(
      backend.calls[0]?.headers['idempotency-key'],
    );
  });
});
