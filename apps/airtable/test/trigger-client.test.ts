// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { performAction } from '../src/actions-client.ts';
import { describeFailure, triggerRecord } from '../src/trigger-client.ts';
import { refused, startBackend } from './backend.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const key = { clientId: 'bookings_ops', apiKey: 'ak_trigger00000000001', apiSecret: 'as_x' };
const target = { baseId: 'appFaturadorTest1', tableId: 'tblReservas000001', recordId: 'recBooking0000001' };

describe('the backend calls when no answer comes', () => {
  it('a backend that does not answer in time is in doubt (API_TIMEOUT), in Portuguese; one that is not there is API_UNREACHABLE', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const backend = await startBackend(async () => {
      await held;
      return refused('INTERNAL_ERROR', 'late');
    });
    closers.push(async () => {
      release();
      await backend.close();
    });
    const config = { backendUrl: backend.url, ...key };
    const startedAt = Date.now();
    const late = await triggerRecord(config, target, undefined, 200);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    expect(late).toEqual({
      kind: 'in-doubt',
      code: 'API_TIMEOUT',
      message:
        'A API de faturação não respondeu a tempo: o pedido pode ainda estar a ser emitido. Tente novamente: se a fatura já foi emitida, recebe essa mesma, nunca uma segunda. (código API_TIMEOUT)',
    });
    const paid = await performAction(
      backend.url,
      key,
      { requestId: 'req_0000000000000001', recordId: target.recordId, attempt: 'a1' },
      { kind: 'receipt' },
      undefined,
      200,
    );
    expect(paid).toMatchObject({ kind: 'failed', code: 'API_TIMEOUT', inDoubt: true });

    const gone = await triggerRecord({ ...config, backendUrl: 'http://127.0.0.1:9' }, target);
    expect(gone).toMatchObject({ kind: 'in-doubt', code: 'API_UNREACHABLE' });
    expect(gone.kind === 'in-doubt' && gone.message).toMatch(
      /^Não foi possível contactar a API de faturação\./,
    );
  });

  it('an unknown code reads as the unexpected-error text, never as the English message', () => {
    const text = describeFailure('SOMETHING_NEW', 'Something broke in English.', 'req_00000000000000aa');
    expect(text).toBe(
      'Ocorreu um erro inesperado no serviço de faturação. Tente novamente; se persistir, contacte o suporte com o código do pedido. (código SOMETHING_NEW, pedido req_00000000000000aa)',
    );
  });
});
