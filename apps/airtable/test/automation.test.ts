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
async function runScript(answer: BackendAnswer) {
  const backend = await startBackend(() => answer);
  closers.push(backend.close);
  const outputs: Record<string, unknown> = {};
  const script = source.replace("'https://billing.example.pt'", JSON.stringify(backend.url));
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;
  const run = new AsyncFunction('input', 'base', 'output', 'console', 'fetch', script);
  const error = await run(
    { config: () => ({ recordId: 'recBooking0000001' }) },
    { id: 'appFaturadorTest1', getTable: (name: string) => ({ id: 'tblReservas000001', name }) },
    { set: (key: string, value: unknown) => (outputs[key] = value) },
    { log: () => {} },
    fetch,
  ).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  return { backend, outputs, error };
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
});
