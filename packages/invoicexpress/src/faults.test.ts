import { describe, expect, it } from 'vitest';
import { networkError } from './errors.ts';
import { ACCOUNT, booking, failure, harness } from './test/support.ts';

describe('InvoiceXpress client under faults', () => {
  it('retries reads on 5xx and dropped connections; a write that got a 502 is not retried and is in doubt', async () => {
    const h = await harness();
    const ix = h.client();
    h.running.sandbox.faults.add({ kind: 'status', status: 503, endpoint: 'taxes/list', times: 1 });
    h.running.sandbox.faults.add({ kind: 'drop', endpoint: 'taxes/list', times: 1 });
    expect((await ix.taxes()).length).toBeGreaterThan(0);
    expect(h.running.sandbox.stats.count('taxes/list')).toBe(3);

    h.running.sandbox.faults.add({ kind: 'status', status: 502, endpoint: 'invoices/create', times: 1 });
    const gateway = await failure(ix.createDocument('invoices', booking()));
    expect(gateway.code).toBe('INVOICEXPRESS_BAD_GATEWAY');
    expect(gateway.details).toMatchObject({ status: 502, outcome: 'unknown' });
    expect(h.running.sandbox.stats.count('invoices/create')).toBe(1);
  });

  it('retries a read that timed out, and logs no URL and no key', async () => {
    const h = await harness();
    const entries: unknown[] = [];
    const logger = {
      debug: (entry: unknown) => entries.push(entry),
      warn: (entry: unknown) => entries.push(entry),
    };
    const ix = h.client({ timeouts: { readMs: 200 }, logger });
    h.running.sandbox.faults.add({ kind: 'hang', endpoint: 'sequences/list', times: 1 });
    expect((await ix.sequences()).length).toBe(2);
    expect(h.running.sandbox.stats.count('sequences/list')).toBe(2);
    await ix.createClient({ name: 'X' });
    await failure(ix.createClient({ name: 'X' }));
    const logged = JSON.stringify(entries);
    expect(entries.length).toBeGreaterThanOrEqual(4);
    expect(logged).toContain('sequences/list');
    expect(logged).not.toContain(ACCOUNT.apiKey);
    expect(logged).not.toContain('api_key');
  });

  it('commit-then-drop: the create fails in doubt, and reconciling by reference finds the one document', async () => {
    const h = await harness();
    const ix = h.client();
    h.running.sandbox.faults.add({ kind: 'commitThenDrop', endpoint: 'invoice_receipts/create', times: 1 });
    const dropped = await failure(ix.createDocument('invoice_receipts', booking()));
    expect(dropped.code).toBe('INVOICEXPRESS_TIMEOUT');
    expect(dropped.details?.outcome).toBe('unknown');
    // The API key travels in every URL; it never reaches an error.
    expect(JSON.stringify({ message: dropped.message, details: dropped.details })).not.toContain(
      ACCOUNT.apiKey,
    );

    // What a caller does next: reconcile before any write, adopt what it finds.
    const found = await ix.findByReference('BK-7781', { type: 'invoice_receipts' });
    expect(found).toHaveLength(1);
    const [document] = found;
    expect(document?.total).toBe(200);
    await ix.finalize('invoice_receipts', document?.id ?? 0);
    expect(h.documents()).toBe(1);
    expect(h.running.sandbox.stats.count('invoice_receipts/create')).toBe(1);
  });

  it('a hang past the write deadline is in doubt; reconciling tells whether it was applied', async () => {
    const h = await harness();
    const ix = h.client({ timeouts: { writeMs: 300 } });
    h.running.sandbox.faults.add({ kind: 'hang', endpoint: 'invoices/create', times: 1 });
    const hung = await failure(ix.createDocument('invoices', booking()));
    expect(hung).toMatchObject({ code: 'INVOICEXPRESS_TIMEOUT' });
    expect(hung.details?.outcome).toBe('unknown');
    expect(await ix.findByReference('BK-7781')).toHaveLength(0);

    h.running.sandbox.faults.add({ kind: 'commitThenHang', endpoint: 'invoices/create', times: 1 });
    await failure(ix.createDocument('invoices', booking()));
    expect(await ix.findByReference('BK-7781')).toHaveLength(1);
  });

  it('a failed reference lookup throws: it never reads as "no such document"', async () => {
    const h = await harness();
    const ix = h.client();
    h.running.sandbox.faults.add({ kind: 'status', status: 502, endpoint: 'invoices/list', times: 3 });
    const lookup = await failure(ix.findByReference('BK-7781'));
    expect(lookup.code).toBe('INVOICEXPRESS_BAD_GATEWAY');
    expect(h.running.sandbox.stats.count('invoices/list')).toBe(3);
  });

  it('a refused connection is certain not to have applied anything', async () => {
    const h = await harness();
    const ix = h.client({ retry: { readAttempts: 1 } });
    await h.running.close();
    const refused = await failure(ix.createDocument('invoices', booking()));
    expect(refused.code).toBe('INVOICEXPRESS_UNAVAILABLE');
    expect(refused.details).toMatchObject({ reason: 'ECONNREFUSED', outcome: 'not_applied' });
  });

  it('maps a host that does not resolve to the connection, not to a transient failure', () => {
    const error = networkError(
      'clients/list',
      'read',
      Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }),
    );
    expect(error.code).toBe('INVOICEXPRESS_CONNECTION_FAILED');
    expect(error.details).toMatchObject({ cause: 'unknown_host', outcome: 'not_applied' });
  });
});

describe('InvoiceXpress rate limit', () => {
  it('waits out a 429 (a write too: nothing was applied) and creates the document once', async () => {
    const h = await harness();
    const ix = h.client();
    h.running.sandbox.faults.add({ kind: 'status', status: 429, endpoint: 'invoices/create', times: 2 });
    const document = await ix.createDocument('invoices', booking());
    expect(document.status).toBe('draft');
    expect(h.running.sandbox.stats.count('invoices/create')).toBe(3);
    expect(h.documents()).toBe(1);
  });

  it('honours Retry-After of the account limit, and hands the 429 back when it would wait too long', async () => {
    const h = await harness({ rateLimit: { limit: 3, windowMs: 1000 } });
    const ix = h.client();
    const started = Date.now();
    for (let i = 0; i < 5; i++) await ix.taxes();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const statuses = h.running.sandbox.stats.snapshot().calls.map((call) => call.outcome);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);

    const impatient = h.client({ retry: { maxRateLimitWaitMs: 0 } });
    for (let i = 0; i < 3; i++) await impatient.taxes().catch(() => null);
    const throttled = await failure(impatient.taxes());
    expect(throttled.code).toBe('INVOICEXPRESS_UNAVAILABLE');
    expect(throttled.details).toMatchObject({ status: 429, retryAfterMs: 1000, outcome: 'not_applied' });
  });

  it('without Retry-After, waits the configured delay', async () => {
    const h = await harness({ rateLimit: { limit: 1, windowMs: 400, retryAfter: false } });
    const ix = h.client({ retry: { rateLimitDelayMs: 450 } });
    await ix.taxes();
    const started = Date.now();
    await ix.taxes();
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });
});
