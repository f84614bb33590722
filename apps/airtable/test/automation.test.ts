// @vitest-environment node
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { accepted, type BackendAnswer, issued, refused, startBackend } from './backend.ts';

const source = readFileSync(new URL('../automation/issue-record.js', import.meta.url), 'utf8');
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** Runs the script as Airtable does: top-level await, with `input`, `base`, `output` in scope. */
async function runScript(
  answer: BackendAnswer,
  config: Record<string, string> = {},
  edit: (script: string) => string = (script) => script,
) {
  const backend = await startBackend(() => answer);
  closers.push(backend.close);
  const outputs: Record<string, unknown> = {};
  const updates: Array<{ recordId: string; fields: Record<string, unknown> }> = [];
  const script = edit(source.replace("'https://billing.example.pt'", JSON.stringify(backend.url)));
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;
  const run = new AsyncFunction('input', 'base', 'output', 'console', 'fetch', script);
  const error = await run(
    { config: () => ({ recordId: 'recBooking0000001', ...config }) },
    {
      id: 'appFaturadorTest1',
      getTable: (name: string) => ({
        id: 'tblReservas000001',
        name,
        updateRecordAsync: async (recordId: string, fields: Record<string, unknown>) => {
          updates.push({ recordId, fields });
        },
      }),
    },
    { set: (key: string, value: unknown) => (outputs[key] = value) },
    { log: () => {} },
    fetch,
  ).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  return { backend, outputs, error, updates };
}

describe('the automation script', () => {
  it('triggers the record with the trigger key and outputs the number', async () => {
    const { backend, outputs, error } = await runScript(issued('FR M/7'));
    expect(error).toBeNull();
    expect(outputs.number).toBe('FR M/7');
    expect(backend.calls[0]?.url).toBe('/api/v1/record-triggers/airtable?wait=sync');
    expect(backend.calls[0]?.body).toEqual({
      base_id: 'appFaturadorTest1',
      table_id: 'tblReservas000001',
      record_id: 'recBooking0000001',
    });
    expect(backend.calls[0]?.headers['x-client-id']).toBe('bookings_ops');
  });

  it('is content with "still issuing" and "already issued", and fails the run on a refusal', async () => {
    expect((await runScript(accepted)).error).toBeNull();
    const again = await runScript({
      status: 409,
      body: {
        success: false,
        error: { code: 'REFERENCE_ALREADY_ISSUED', message: 'já', details: { number: 'FR M/7' } },
      },
    });
    expect(again.error).toBeNull();
    expect(again.outputs.number).toBe('FR M/7');
    const bad = await runScript(refused('VALIDATION_ERROR', 'O registo não pode ser faturado.'));
    expect(String(bad.error)).toContain('Faturador 400 VALIDATION_ERROR');
  });

  it("with action credit_note or receipt, acts on the record's request with the billing key and writes the outcome", async () => {
    const withKey = (script: string) =>
      script
        .replace("const BILLING_CLIENT_ID = '';", "const BILLING_CLIENT_ID = 'bookings_ops';")
        .replace("const BILLING_API_KEY = '';", "const BILLING_API_KEY = 'ak_billing000000001';")
        .replace("const BILLING_API_SECRET = '';", "const BILLING_API_SECRET = 'as_billing';");
    const credit = await runScript(
      {
        status: 201,
        body: { success: true, document: { number: 'NC M/3' }, fully_credited: true, open_amount: null },
      },
      { action: 'credit_note', requestId: 'req_00000000000000aa', reason: 'Reserva cancelada' },
      withKey,
    );
    expect(credit.error).toBeNull();
    expect(credit.backend.calls[0]?.url).toBe('/api/v1/invoices/req_00000000000000aa/credit-notes');
    expect(credit.backend.calls[0]?.body).toEqual({ reason: 'Reserva cancelada' });
    expect(credit.backend.calls[0]?.headers).toMatchObject({ 'x-client-id': 'bookings_ops' });
    expect(credit.backend.calls[0]?.headers['idempotency-key']).toMatch(
      /^airtable:recBooking0000001:nc:[0-9a-f]{8}$/,
    );
    expect(credit.updates).toEqual([
      {
        recordId: 'recBooking0000001',
        fields: { 'Nº nota de crédito': 'NC M/3', Estado: { name: 'Anulado' } },
      },
    ]);
    expect(credit.outputs.number).toBe('NC M/3');

    const receipt = await runScript(
      { status: 201, body: { success: true, document: { number: 'RC M/1' }, open_amount: 0 } },
      { action: 'receipt', requestId: 'req_00000000000000aa', amount: '150,50' },
      withKey,
    );
    expect(receipt.backend.calls[0]?.url).toBe('/api/v1/invoices/req_00000000000000aa/receipts');
    expect(receipt.backend.calls[0]?.body).toEqual({ amount: 150.5 });
    expect(receipt.updates[0]?.fields).toEqual({
      'Nº recibo': 'RC M/1',
      'Em dívida': 0,
      Estado: { name: 'Pago' },
    });

    // Without the billing key, or the record's request id, nothing is sent and the run fails.
    const noKey = await runScript(issued('x'), { action: 'credit_note', requestId: 'req_00000000000000aa' });
    expect(String(noKey.error)).toContain('needs the billing key');
    expect(noKey.backend.calls).toHaveLength(0);
    const noId = await runScript(issued('x'), { action: 'receipt' }, withKey);
    expect(String(noId.error)).toContain('requestId');
    const refusedCredit = await runScript(
      refused('CREDIT_EXCEEDS_REMAINING', 'nothing left to credit', 409),
      { action: 'credit_note', requestId: 'req_00000000000000aa', reason: 'x' },
      withKey,
    );
    expect(String(refusedCredit.error)).toContain('409 CREDIT_EXCEEDS_REMAINING');
    expect(refusedCredit.updates).toHaveLength(0);
    expect(String((await runScript(issued('x'), { action: 'delete' })).error)).toContain('unknown action');
  });
});
