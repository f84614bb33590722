import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaturadorError } from '@faturador/core';
import { freePort } from '@faturador/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseFieldErrors } from './errors.ts';
import { documentsOf, harness, invoiceRequest } from './test/support.ts';

const COMPANY_ID = 240211;

async function caught(promise: Promise<unknown>): Promise<FaturadorError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof FaturadorError)) throw new Error(`expected a FaturadorError, got ${String(error)}`);
  return error;
}

/** A real HTTP server that grants tokens and answers every API call with `body` (HTTP 200). */
async function brokenMoloni(body: string, contentType: string): Promise<string> {
  const server = createServer((request, response) => {
    if (request.url?.startsWith('/v1/grant/')) {
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({ access_token: 'a'.repeat(40), refresh_token: 'b'.repeat(40), expires_in: 3600 }),
      );
      return;
    }
    response.setHeader('content-type', contentType);
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
}

describe('error classification', () => {
  it('parses Moloni’s data errors in both forms and tells them from lists', () => {
    expect(parseFieldErrors(['1 name', '2 language_id 1 0'])).toEqual([
      { code: 1, field: 'name', params: [], description: undefined },
      { code: 2, field: 'language_id', params: ['1', '0'], description: undefined },
    ]);
    expect(parseFieldErrors([{ code: '8 vat', description: 'Invalid VAT' }])).toEqual([
      { code: 8, field: 'vat', params: [], description: 'Invalid VAT' },
    ]);
    expect(parseFieldErrors([])).toBeNull();
    expect(parseFieldErrors([{ code: 'M07', name: 'Isento' }])).toBeNull();
    expect(parseFieldErrors([{ customer_id: 1, name: 'x' }])).toBeNull();
  });

  it('maps a business rejection to MOLONI_BUSINESS_ERROR with Moloni’s codes and fields', async () => {
    const h = await harness();
    const client = h.client();
    h.running.sandbox.state.documentSets.clear();
    const error = await caught(client.issueDocument({ request: invoiceRequest(), ourReference: 'E-1' }));
    expect(error).toMatchObject({ code: 'MOLONI_BUSINESS_ERROR', retryable: false, status: 422 });
    expect(error.details).toMatchObject({ errors: [{ field: 'document_set_id' }] });
  });

  it('parses nested error arrays and {"valid": 0} as refusals', () => {
    expect(parseFieldErrors([['10 associated_id'], '5 related_id'])).toEqual([
      { code: 10, field: 'associated_id', params: [], description: undefined },
      { code: 5, field: 'related_id', params: [], description: undefined },
    ]);
    expect(parseFieldErrors({ valid: 0, error_msg: 'Documento inválido' })).toEqual([
      { code: 0, field: '', params: [], description: 'Documento inválido' },
    ]);
    expect(parseFieldErrors({ valid: 0, errors: ['1 products'] })).toMatchObject([
      { code: 1, field: 'products' },
    ]);
    expect(parseFieldErrors({ valid: 1, document_id: 1 })).toBeNull();
    expect(parseFieldErrors([[{ document_id: 1 }]])).toBeNull();
  });

  for (const [shape, body, fields] of [
    ['a nested array', [['10 associated_id'], '5 related_id'], ['associated_id', 'related_id']],
    ['{"valid": 0}', { valid: 0, error_msg: 'Não foi possível inserir o documento' }, ['']],
  ] as const) {
    it(`maps ${shape} on an insert to MOLONI_BUSINESS_ERROR (422), not an unknown outcome`, async () => {
      const h = await harness();
      h.fault({ kind: 'refuse', endpoint: 'invoiceReceipts/insert', body, times: 1 });
      const error = await caught(
        h.client().issueDocument({ request: invoiceRequest(), ourReference: 'N-1' }),
      );
      expect(error).toMatchObject({ code: 'MOLONI_BUSINESS_ERROR', status: 422, retryable: false });
      expect(((error.details?.errors ?? []) as Array<{ field: string }>).map((entry) => entry.field)).toEqual(
        fields,
      );
      expect(error.details?.outcome).not.toBe('unknown');
      expect(documentsOf(h.running)).toEqual([]);
    });
  }

  it('maps 429 to MOLONI_UNAVAILABLE; reads are retried after the wait, inserts never', async () => {
    const h = await harness();
    const strict = h.client({ companyId: COMPANY_ID, retry: { readAttempts: 1 } });
    h.fault({ kind: 'status', status: 429, endpoint: 'documents/getAll', times: 1 });
    const error = await caught(strict.findByOurReference('X'));
    expect(error).toMatchObject({
      code: 'MOLONI_UNAVAILABLE',
      retryable: true,
      details: { status: 429, retryAfterMs: 50, outcome: 'not_applied' },
    });

    const patient = h.client({ companyId: COMPANY_ID });
    h.fault({ kind: 'status', status: 429, endpoint: 'documents/getAll', times: 2 });
    await expect(patient.findByOurReference('X')).resolves.toEqual([]);
    expect(patient.stats().byEndpoint['documents/getAll']).toBe(3);

    h.fault({ kind: 'status', status: 429, endpoint: 'invoiceReceipts/insert', times: 1 });
    const insert = await caught(patient.issueDocument({ request: invoiceRequest(), ourReference: 'E-2' }));
    expect(insert).toMatchObject({ code: 'MOLONI_UNAVAILABLE', details: { outcome: 'not_applied' } });
    expect(h.calls('invoiceReceipts/insert')).toBe(1);
    expect(documentsOf(h.running)).toEqual([]);
  });

  it('maps 503 to MOLONI_UNAVAILABLE, 500/502 and HTML to MOLONI_BAD_GATEWAY, 504 to MOLONI_TIMEOUT', async () => {
    const h = await harness();
    const client = h.client({ companyId: COMPANY_ID, retry: { readAttempts: 1 } });
    const expected = {
      503: 'MOLONI_UNAVAILABLE',
      500: 'MOLONI_BAD_GATEWAY',
      502: 'MOLONI_BAD_GATEWAY',
      504: 'MOLONI_TIMEOUT',
    };
    for (const [status, code] of Object.entries(expected)) {
      h.fault({ kind: 'status', status: Number(status), endpoint: 'documents/getAll', times: 1 });
      const error = await caught(client.findByOurReference('X'));
      expect(error).toMatchObject({ code, retryable: true, details: { status: Number(status) } });
    }
    // A 5xx on an insert may hide a committed document.
    h.fault({ kind: 'status', status: 502, endpoint: 'invoiceReceipts/insert', times: 1 });
    const insert = await caught(client.issueDocument({ request: invoiceRequest(), ourReference: 'E-3' }));
    expect(insert).toMatchObject({ code: 'MOLONI_BAD_GATEWAY', details: { outcome: 'unknown' } });
  });

  it('maps a 200 with HTML or broken JSON to MOLONI_BAD_GATEWAY', async () => {
    const redisHarness = await harness();
    for (const [body, type] of [
      ['<html><body>Em manutenção</body></html>', 'text/html'],
      ['{"document_id": 97', 'application/json'],
    ] as const) {
      const client = redisHarness.client({ baseUrl: await brokenMoloni(body, type), companyId: COMPANY_ID });
      const error = await caught(client.findByOurReference('X'));
      expect(error).toMatchObject({
        code: 'MOLONI_BAD_GATEWAY',
        details: { status: 200, contentType: type },
      });
      expect(client.stats().byEndpoint['documents/getAll']).toBe(3); // a read: retried, then reported
    }
  });

  it('maps a hanging Moloni to MOLONI_TIMEOUT: reads retried, writes of unknown outcome', async () => {
    const h = await harness();
    const client = h.client({ companyId: COMPANY_ID, timeouts: { readMs: 200, writeMs: 300 } });
    h.fault({ kind: 'hang', endpoint: 'documents/getAll', times: 1 });
    await expect(client.findByOurReference('X')).resolves.toEqual([]);

    h.fault({ kind: 'hang', endpoint: 'documents/getAll', times: 3 });
    const read = await caught(client.findByOurReference('X'));
    expect(read).toMatchObject({ code: 'MOLONI_TIMEOUT', details: { outcome: 'not_applied' } });

    await client.issueDocument({ request: invoiceRequest(), ourReference: 'WARM' });
    h.fault({ kind: 'commitThenHang', endpoint: 'invoiceReceipts/insert', times: 1 });
    const started = Date.now();
    const write = await caught(client.issueDocument({ request: invoiceRequest(), ourReference: 'E-4' }));
    expect(write).toMatchObject({
      code: 'MOLONI_TIMEOUT',
      details: { endpoint: 'invoiceReceipts/insert', outcome: 'unknown', reason: 'DEADLINE_EXCEEDED' },
    });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(h.calls('invoiceReceipts/insert')).toBe(2); // never retried
  });

  it('maps an unreachable Moloni to MOLONI_UNAVAILABLE: nothing was sent', async () => {
    const h = await harness();
    const port = await freePort();
    const client = h.client({ baseUrl: `http://127.0.0.1:${port}/v1/`, companyId: COMPANY_ID });
    const error = await caught(client.findByOurReference('X'));
    expect(error).toMatchObject({
      code: 'MOLONI_UNAVAILABLE',
      details: { endpoint: 'grant', reason: 'ECONNREFUSED', outcome: 'not_applied' },
    });
  });
});

describe('commit then drop', () => {
  it('reports the insert as MOLONI_TIMEOUT/unknown, then reconciliation adopts the one document', async () => {
    const h = await harness();
    const client = h.client();
    const request = invoiceRequest();
    h.fault({ kind: 'commitThenDrop', endpoint: 'invoiceReceipts/insert', times: 1 });
    const error = await caught(client.issueDocument({ request, ourReference: 'TI-2026-05-18-0007' }));
    expect(error).toMatchObject({
      code: 'MOLONI_TIMEOUT',
      retryable: true,
      details: { endpoint: 'invoiceReceipts/insert', outcome: 'unknown' },
    });
    expect(error.message).not.toMatch(/access_token|http:/);

    const found = await client.findByOurReference('TI-2026-05-18-0007', 'invoice_receipt');
    expect(found).toMatchObject([{ status: 'draft', ourReference: 'TI-2026-05-18-0007' }]);
    const completed = await client.completeDocument(found[0]?.documentId ?? 0, request);
    expect(completed).toMatchObject({ status: 'final', number: 'FR M/1', totalGrossCents: 1000 });
    expect(documentsOf(h.running)).toMatchObject([{ status: 1, our_reference: 'TI-2026-05-18-0007' }]);
    expect(h.calls('invoiceReceipts/insert')).toBe(1);
  });

  it('reports a dropped close with the document id, and completing finds it already final', async () => {
    const h = await harness();
    const client = h.client();
    const request = invoiceRequest();
    h.fault({ kind: 'commitThenDrop', endpoint: 'invoiceReceipts/update', times: 1 });
    const error = await caught(client.issueDocument({ request, ourReference: 'CL-1' }));
    const documentId = documentsOf(h.running)[0]?.document_id;
    expect(error).toMatchObject({
      code: 'MOLONI_TIMEOUT',
      details: { endpoint: 'invoiceReceipts/update', outcome: 'unknown', document_id: documentId },
    });
    const completed = await client.completeDocument(documentId ?? 0, request);
    expect(completed).toMatchObject({ status: 'final', number: 'FR M/1' });
    expect(h.calls('invoiceReceipts/update')).toBe(1);
  });
});
