import TestDriver from '@airtable/blocks-testing';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { IssuerApp } from '../src/app.tsx';
import { accepted, type BackendAnswer, issued, refused, startBackend } from './backend.ts';
import { BASE_ID, type BookingRow, configured, FIELD, fixture, recId, TABLE_ID } from './fixture.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  cleanup();
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function setup(
  rows: BookingRow[],
  answer: (recordId: string) => BackendAnswer,
  options: { configured?: boolean } = {},
) {
  const backend = await startBackend((call) => answer(call.body.record_id));
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

function renderApp(driver: TestDriver, recordAction: { recordId: string; tableId: string } | null = null) {
  return render(
    <driver.Container>
      <IssuerApp recordAction={recordAction} />
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
    fireEvent.click(await screen.findByText('Emitir 3 faturas'));

    await waitFor(() => expect(rowOf(recId(3))).toContain('Falhou: O registo'));
    expect(rowOf(recId(1))).toContain('Emitido: FR M/1');
    expect(rowOf(recId(2))).toContain('A emitir…');
    expect(screen.getByRole('status').textContent).toBe(
      '1 emitidos, 1 em curso, 1 falharam, 0 recusados (de 3)',
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

    // Write-back: "A emitir" before asking; the refusal in words after.
    expect(written(recId(2), FIELD.status)).toEqual({ name: 'A emitir' });
    expect(written(recId(3), FIELD.status)).toEqual({ name: 'Erro' });
    expect(written(recId(3), FIELD.error)).toContain('NIF: o NIF deve ter 9 dígitos');

    // The backend's worker writes the result through the Web API; Airtable syncs it here.
    await act(() =>
      table.updateRecordAsync(recId(2), { [FIELD.number]: 'FR M/2', [FIELD.status]: { name: 'Emitido' } }),
    );
    expect(rowOf(recId(2))).toContain('Emitido: FR M/2');
    expect(screen.getByRole('status').textContent).toBe(
      '2 emitidos, 0 em curso, 1 falharam, 0 recusados (de 3)',
    );
  });

  it('writes at most 50 records per update call', async () => {
    const { driver, mutations, backend } = await setup(rows(60), () => accepted);
    renderApp(driver);
    await select(
      driver,
      rows(60).map((row) => row.id),
    );
    fireEvent.click(await screen.findByText('Emitir 60 faturas'));
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
    fireEvent.click(screen.getByText('Emitir 1 fatura'));
    await waitFor(() => expect(rowOf(recId(2))).toContain('Emitido: FR M/10'));
    expect(rowOf(recId(1))).toContain('Recusado: Já faturado (FR M/9).');
    expect(backend.calls.map((call) => call.body.record_id)).toEqual([recId(2)]);
  });

  it('a button field opens it on one record, whatever the selection', async () => {
    const { driver, backend } = await setup(rows(3), () =>
      refused('AUTH_ERROR', 'Invalid credentials.', 401),
    );
    renderApp(driver, { recordId: recId(2), tableId: TABLE_ID });
    await select(driver, [recId(1), recId(3)]);
    fireEvent.click(await screen.findByText('Emitir 1 fatura'));
    await waitFor(() => expect(rowOf(recId(2))).toContain('Falhou: A chave de acionamento não foi aceite'));
    expect(within(screen.getByLabelText('Registos')).getAllByRole('listitem')).toHaveLength(1);
    expect(backend.calls.map((call) => call.body.record_id)).toEqual([recId(2)]);
  });
});
