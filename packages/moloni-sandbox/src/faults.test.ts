import { describe, expect, it } from 'vitest';
import { FaultInjector } from './faults.ts';
import { createMoloniSandbox } from './sandbox.ts';
import { customerAndProduct, documentBody, sandbox } from './test/http.ts';

describe('FaultInjector', () => {
  it('matches endpoints case-insensitively, by class wildcard, with skip and times', () => {
    const faults = new FaultInjector();
    faults.add({ kind: 'status', status: 429, endpoint: 'invoiceReceipts/insert', skip: 1, times: 2 });
    faults.add({ kind: 'latency', ms: 5, endpoint: 'customers/*' });
    const kinds = [
      'invoicereceipts/insert',
      'invoiceReceipts/insert',
      'invoiceReceipts/insert',
      'invoiceReceipts/insert',
    ].map((endpoint) => faults.take(endpoint).fault?.status ?? 0);
    expect(kinds).toEqual([0, 429, 429, 0]);
    expect(faults.take('customers/insert')).toEqual({ latencyMs: 5, fault: undefined });
    expect(faults.take('customers/getByVat').latencyMs).toBe(5);
    expect(faults.take('products/insert').latencyMs).toBe(0);
    expect(faults.list()).toHaveLength(1);
  });

  it('rejects specs that could never work', () => {
    const faults = new FaultInjector();
    expect(() => faults.add({ kind: 'status', status: 404 })).toThrow(/status/);
    expect(() => faults.add({ kind: 'latency' })).toThrow(/ms/);
    expect(() => faults.add({ kind: 'explode' as 'hang' })).toThrow(/kind/);
    expect(() => faults.add({ kind: 'hang', times: -1 })).toThrow(/times/);
    expect(() => faults.add({ kind: 'refuse' })).toThrow(/body/);
  });
});

describe('faults over HTTP', () => {
  it('adds latency', async () => {
    const test = await sandbox();
    test.running.sandbox.faults.add({ kind: 'latency', ms: 300, endpoint: 'companies/getAll', times: 1 });
    const started = performance.now();
    expect((await test.call('companies/getAll')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    const again = performance.now();
    await test.call('companies/getAll');
    expect(performance.now() - again).toBeLessThan(250);
  });

  it('answers 429 and 5xx with a proxy HTML page without executing the call, then recovers', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    test.running.sandbox.faults.add({
      kind: 'status',
      status: 429,
      endpoint: 'invoiceReceipts/insert',
      times: 1,
    });
    test.running.sandbox.faults.add({
      kind: 'status',
      status: 502,
      endpoint: 'invoiceReceipts/insert',
      times: 1,
    });
    const throttled = await test.call('invoiceReceipts/insert', documentBody(ids));
    expect(throttled.status).toBe(429);
    expect(throttled.body).toContain('<title>429 Too Many Requests</title>');
    const gateway = await test.call('invoiceReceipts/insert', documentBody(ids));
    expect(gateway.status).toBe(502);
    expect(gateway.body).toContain('502 Bad Gateway');
    expect(test.running.sandbox.state.documents.size).toBe(0);
    expect((await test.call('invoiceReceipts/insert', documentBody(ids))).body.valid).toBe(1);
    expect(test.running.sandbox.stats.count('invoiceReceipts/insert')).toBe(3);
  });

  it('refuse: answers HTTP 200 with the given refusal and executes nothing', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    const body = [['10 associated_id'], '5 related_id'];
    test.running.sandbox.faults.add({ kind: 'refuse', endpoint: 'invoiceReceipts/insert', body, times: 1 });
    expect(await test.call('invoiceReceipts/insert', documentBody(ids))).toEqual({ status: 200, body });
    expect(test.running.sandbox.state.documents.size).toBe(0);
    expect((await test.call('invoiceReceipts/insert', documentBody(ids))).body).toMatchObject({ valid: 1 });
  });

  it('hangs until the client gives up, and close() ends hanging requests', async () => {
    const test = await sandbox();
    test.running.sandbox.faults.add({ kind: 'hang', endpoint: 'companies/getAll' });
    const started = performance.now();
    await expect(test.call('companies/getAll', {}, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);

    const pending = test.call('companies/getAll');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await test.running.close();
    await expect(pending).rejects.toThrow();
    expect(test.running.sandbox.snapshot().calls.map((call) => call.outcome)).toEqual([200, 'hung', 'hung']);
  });

  it('drops the connection before executing the call', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    test.running.sandbox.faults.add({ kind: 'drop', endpoint: 'invoiceReceipts/insert', times: 1 });
    await expect(test.call('invoiceReceipts/insert', documentBody(ids))).rejects.toThrow(/fetch failed/);
    expect(test.running.sandbox.state.documents.size).toBe(0);
  });

  it('commitThenDrop: the client sees a socket error, yet the document exists exactly once', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    test.running.sandbox.faults.add({ kind: 'commitThenDrop', endpoint: 'invoiceReceipts/insert', times: 1 });
    const reference = 'TI-2026-05-18-0042';
    const error = await test
      .call('invoiceReceipts/insert', documentBody(ids, { our_reference: reference }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect(String((error as TypeError).cause)).toMatch(/other side closed|socket|ECONNRESET/i);

    const found = await test.call('documents/getAll', { our_reference: reference, year: 2026 });
    expect(found.body).toEqual([
      expect.objectContaining({ our_reference: reference, status: 0, net_value: 10 }),
    ]);
    expect(test.running.sandbox.stats.count('invoiceReceipts/insert')).toBe(1);
    // The connection pool recovers: the next call on a fresh socket works.
    expect(
      (await test.call('invoiceReceipts/update', { document_id: found.body[0].document_id, status: 1 })).body,
    ).toEqual({ valid: 1, document_id: found.body[0].document_id });
  });

  it('commitThenHang: the client times out, yet the update was applied', async () => {
    const test = await sandbox();
    const ids = await customerAndProduct(test);
    const id = (await test.call('invoiceReceipts/insert', documentBody(ids))).body.document_id;
    test.running.sandbox.faults.add({ kind: 'commitThenHang', endpoint: 'invoiceReceipts/update', times: 1 });
    await expect(
      test.call(
        'invoiceReceipts/update',
        { document_id: id, status: 1 },
        { signal: AbortSignal.timeout(200) },
      ),
    ).rejects.toThrow();
    expect((await test.call('documents/getOne', { document_id: id })).body).toMatchObject({
      status: 1,
      number: 1,
    });
  });

  it('can fault the grant endpoint', async () => {
    const test = await sandbox();
    test.running.sandbox.faults.add({ kind: 'status', status: 503, endpoint: 'grant', times: 1 });
    expect((await fetch(`${test.running.baseUrl}grant/?grant_type=password`)).status).toBe(503);
    expect((await fetch(`${test.running.baseUrl}grant/?grant_type=password`)).status).toBe(400);
  });
});

describe('control endpoints', () => {
  it('add, list and clear faults; read and reset stats; reset the state', async () => {
    const test = await sandbox();
    const added = await test.control('POST', 'faults', [
      { kind: 'status', status: 503, endpoint: 'companies/getAll', times: 1 },
      { kind: 'latency', ms: 10 },
    ]);
    expect(added.status).toBe(201);
    expect(added.body.faults).toEqual([
      expect.objectContaining({ id: expect.any(String), kind: 'status', status: 503, remaining: 1 }),
      expect.objectContaining({ kind: 'latency', ms: 10, endpoint: '*', remaining: null }),
    ]);
    expect((await test.control('POST', 'faults', { kind: 'status', status: 200 })).status).toBe(400);
    expect((await test.call('companies/getAll')).status).toBe(503);
    expect((await test.control('GET', 'faults')).body.faults).toHaveLength(1);
    await test.control('DELETE', 'faults');
    expect((await test.control('GET', 'faults')).body.faults).toEqual([]);

    const stats = await test.control('GET', 'stats');
    expect(stats.body).toMatchObject({
      total: 2,
      byEndpoint: { grant: 1, 'companies/getAll': 1 },
      grants: { password: 1 },
    });
    expect(stats.body.calls[1]).toMatchObject({
      endpoint: 'companies/getAll',
      outcome: 503,
      fault: 'status',
    });

    await customerAndProduct(test);
    expect(test.running.sandbox.state.customers.size).toBe(1);
    expect((await test.control('POST', 'reset')).body).toEqual({ reset: true });
    expect(test.running.sandbox.state.customers.size).toBe(0);
    expect((await test.call('companies/getAll')).status).toBe(400);
  });
});

describe('in-process app.request()', () => {
  it('serves the API without a socket; commitThenDrop errors the response body instead', async () => {
    const sandbox = createMoloniSandbox();
    const { clientId, clientSecret, username, password } = sandbox.credentials;
    const query = new URLSearchParams({
      grant_type: 'password',
      client_id: clientId,
      client_secret: clientSecret,
      username,
      password,
    });
    const grant = (await (await sandbox.app.request(`/v1/grant/?${query}`)).json()) as {
      access_token: string;
    };
    const token = grant.access_token;
    const url = `/v1/companies/getAll/?access_token=${token}`;
    expect(await (await sandbox.app.request(url, { method: 'POST' })).json()).toHaveLength(2);
    sandbox.faults.add({ kind: 'commitThenDrop', endpoint: 'companies/getAll', times: 1 });
    const response = await sandbox.app.request(url, { method: 'POST' });
    await expect(response.text()).rejects.toThrow(/dropped/);
  });
});
