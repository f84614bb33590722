import { randomUUID } from 'node:crypto';
import { rotatePdfLinkKey } from '@faturador/issuing';
import { CASH_PAYMENT_METHOD_ID } from '@faturador/moloni-sandbox';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentsWithReference, SEED_BODY, type Stack, startStack } from '../stack.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), prefix: randomPrefix(), syncBudgetMs: 8_000 });
});
afterAll(async () => {
  await stack?.close();
});

const key = () => ({ 'idempotency-key': randomUUID() });
const withReference = (reference: string, extra: Record<string, unknown> = {}) => ({
  ...SEED_BODY,
  reference,
  ...extra,
});

describe('POST /api/v1/invoices/', () => {
  it("issues the seed's example and answers with the seed's success body", async () => {
    const response = await stack.post('/api/v1/invoices/', SEED_BODY, key());
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      success: true,
      request_id: expect.stringMatching(/^req_[0-9a-f]{16}$/),
      reference: 'TI-2026-05-18-0007',
      document: {
        type: 'invoice_receipt',
        status: 'final',
        moloni_document_id: expect.any(Number),
        number: expect.stringMatching(/^FR M\/\d+$/),
        series: 'M',
        total_gross: 10,
        currency: 'EUR',
        pdf_url: expect.stringContaining('/pdf?'),
      },
    });
    expect(response.headers['x-request-id']).toBe(response.body.request_id);
    const pdf = await stack.get(
      new URL(response.body.document.pdf_url).pathname + new URL(response.body.document.pdf_url).search,
    );
    expect(pdf.status).toBe(200);
    expect(Buffer.from(pdf.body).subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(documentsWithReference(stack, 'TI-2026-05-18-0007')).toBe(1);
    // Paid in cash, though the account lists Cheque first.
    const stored = stack.sandbox.sandbox.state.documents.get(response.body.document.moloni_document_id);
    expect(stored?.payments).toEqual([
      expect.objectContaining({ payment_method_id: CASH_PAYMENT_METHOD_ID }),
    ]);
  });

  it('answers 502 MOLONI_BAD_GATEWAY from the PDF route when Moloni gives no PDF', async () => {
    const response = await stack.post('/api/v1/invoices/', withReference('PDF-NOT-PDF'), key());
    const link = new URL(response.body.document.pdf_url);
    stack.sandbox.sandbox.faults.add({
      kind: 'status',
      status: 502,
      endpoint: 'downloads/getDownload',
      times: 1,
    });
    const pdf = await stack.get(link.pathname + link.search);
    expect(pdf.status).toBe(502);
    expect(pdf.body).toMatchObject({
      success: false,
      error: { code: 'MOLONI_BAD_GATEWAY' },
    });
  });

  it('rejects a tampered PDF link; a browser gets a Portuguese page, a program the envelope', async () => {
    const response = await stack.post('/api/v1/invoices/', withReference('PDF-TAMPER'), key());
    const link = new URL(response.body.document.pdf_url);
    link.searchParams.set('document', String(Number(link.searchParams.get('document')) + 1));
    const tampered = await stack.get(link.pathname + link.search);
    expect(tampered.status).toBe(401);
    expect(tampered.body.error.code).toBe('AUTH_ERROR');
    const page = await stack.get(link.pathname + link.search, { accept: 'text/html,application/xhtml+xml' });
    expect(page.status).toBe(401);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const html = Buffer.from(page.body).toString();
    expect(html).toContain('<html lang="pt-PT">');
    expect(html).toContain('Esta ligação não é válida');
    expect(html).not.toContain('AUTH_ERROR');
  });

  it('a PDF link lasts: no expiry, a fresh Moloni PDF each time, revoked only by rotating the key', async () => {
    const response = await stack.post('/api/v1/invoices/', withReference('PDF-LASTS'), key());
    const link = new URL(response.body.document.pdf_url);
    expect(link.searchParams.has('expires')).toBe(false);
    expect(link.searchParams.get('document')).toBe(String(response.body.document.moloni_document_id));
    const { stats } = stack.sandbox.sandbox;
    const before = stats.count('documents/getPDFLink');
    for (let i = 0; i < 2; i++) {
      const pdf = await stack.get(link.pathname + link.search);
      expect(pdf.status).toBe(200);
      expect(Buffer.from(pdf.body).subarray(0, 5).toString()).toBe('%PDF-');
    }
    expect(stats.count('documents/getPDFLink') - before).toBe(2);

    const generation = await rotatePdfLinkKey(stack.api.runtime.redis, stack.env.FATURADOR_PREFIX ?? '');
    expect(generation).toBeGreaterThan(1);
    const revoked = await stack.get(link.pathname + link.search, { accept: 'text/html' });
    expect(revoked.status).toBe(401);
    expect(Buffer.from(revoked.body).toString()).toContain('Esta ligação não é válida');
    // The same request answered again carries a link of the new key, which opens.
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    const status = await stack.get(`/api/v1/invoices/${response.body.request_id}`);
    const fresh = new URL(status.body.document.pdf_url);
    expect(fresh.searchParams.get('g')).toBe(String(generation));
    expect((await stack.get(fresh.pathname + fresh.search)).status).toBe(200);
  });

  it('issues drafts, invoices and simplified invoices', async () => {
    const draft = await stack.post('/api/v1/invoices/', withReference('DRAFT-1', { status: 'draft' }), key());
    expect(draft.status).toBe(201);
    expect(draft.body.document).toMatchObject({ status: 'draft', number: null, pdf_url: null });
    const invoice = await stack.post(
      '/api/v1/invoices/',
      withReference('FT-1', { document_type: 'invoice' }),
      key(),
    );
    expect(invoice.body.document.number).toMatch(/^FT M\/\d+$/);
    const simplified = await stack.post(
      '/api/v1/invoices/',
      withReference('FS-1', { document_type: 'simplified_invoice' }),
      key(),
    );
    expect(simplified.body.document.number).toMatch(/^FS M\/\d+$/);
  });

  it('answers 400 VALIDATION_ERROR naming the field, and for a missing Idempotency-Key; nothing is issued', async () => {
    const bad = await stack.post(
      '/api/v1/invoices/',
      withReference('BAD-1', { items: [{ ...SEED_BODY.items[0], vat_rate: 24 }] }),
      key(),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_ERROR');
    expect(bad.body.error.message).toMatch(/^items\[0\]\.vat_rate is invalid/);
    const noKey = await stack.post('/api/v1/invoices/', withReference('BAD-2'));
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.message).toContain('Idempotency-Key');
    const notJson = await stack.post('/api/v1/invoices/', '{"reference":', key());
    expect(notJson.status).toBe(400);
    expect(documentsWithReference(stack, 'BAD-1') + documentsWithReference(stack, 'BAD-2')).toBe(0);
  });

  it('answers 401 AUTH_ERROR with one body for every credential problem', async () => {
    const wrongSecret = await stack.post('/api/v1/invoices/', withReference('AUTH-1'), {
      ...key(),
      'x-api-secret': 'as_wrong',
    });
    const unknownClient = await stack.post('/api/v1/invoices/', withReference('AUTH-1'), {
      ...key(),
      'x-client-id': 'nobody',
    });
    expect(wrongSecret.status).toBe(401);
    expect(unknownClient.status).toBe(401);
    expect(wrongSecret.body.error).toEqual(unknownClient.body.error);
    expect(JSON.stringify(wrongSecret.body)).not.toContain('as_wrong');
  });

  it('replays the same outcome for the same key, and 409 for another body', async () => {
    const headers = key();
    const first = await stack.post('/api/v1/invoices/', withReference('IDEM-1'), headers);
    const again = await stack.post('/api/v1/invoices/', withReference('IDEM-1'), headers);
    expect(again.status).toBe(first.status);
    expect({ ...again.body, document: { ...again.body.document, pdf_url: null } }).toEqual({
      ...first.body,
      document: { ...first.body.document, pdf_url: null },
    });
    const conflict = await stack.post(
      '/api/v1/invoices/',
      withReference('IDEM-1', { notes: 'other' }),
      headers,
    );
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(documentsWithReference(stack, 'IDEM-1')).toBe(1);
  });

  it('never issues a reference twice, even with a new Idempotency-Key', async () => {
    const first = await stack.post('/api/v1/invoices/', withReference('REF-1'), key());
    const second = await stack.post('/api/v1/invoices/', withReference('REF-1'), key());
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('REFERENCE_ALREADY_ISSUED');
    expect(second.body.error.details.document.moloni_document_id).toBe(
      first.body.document.moloni_document_id,
    );
    expect(documentsWithReference(stack, 'REF-1')).toBe(1);
  });

  it('50 concurrent identical requests: one job, one document, identical answers', async () => {
    const headers = key();
    const inserts = () => stack.sandbox.sandbox.stats.count('invoiceReceipts/insert');
    const before = inserts();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => stack.post('/api/v1/invoices/', withReference('CONC-1'), headers)),
    );
    const bodies = answers.map((a) =>
      JSON.stringify({ status: a.status, ...a.body, document: { ...a.body.document, pdf_url: null } }),
    );
    expect(new Set(bodies).size).toBe(1);
    expect(answers[0]?.status).toBe(201);
    expect(documentsWithReference(stack, 'CONC-1')).toBe(1);
    expect(inserts() - before).toBe(1);
    expect(await stack.api.runtime.queues.issue.getJob(answers[0]?.body.request_id)).toBeTruthy();
  });

  it('Prefer: respond-async answers 202 and the status URL reports the result', async () => {
    const accepted = await stack.post('/api/v1/invoices/', withReference('ASYNC-1'), {
      ...key(),
      prefer: 'respond-async',
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body.status_url).toBe(`${stack.url}/api/v1/invoices/${accepted.body.request_id}`);
    let state = accepted.body.state;
    let status: any;
    for (let i = 0; i < 100 && state !== 'issued'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = await stack.get(`/api/v1/invoices/${accepted.body.request_id}`);
      state = status.body.state;
    }
    expect(status.body).toMatchObject({
      state: 'issued',
      document: { number: expect.stringMatching(/^FR M\//) },
    });
  });

  it('GET of an unknown request is 404 in the envelope', async () => {
    const response = await stack.get('/api/v1/invoices/req_0000000000000000');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
  });

  it('publishes the OpenAPI spec generated from the routes', async () => {
    const spec = await stack.get('/openapi.json');
    expect(spec.status).toBe(200);
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/invoices/',
        '/api/v1/invoices/{request_id}',
        '/api/v1/invoices/{request_id}/pdf',
      ]),
    );
    expect(spec.body.paths['/api/v1/invoices/'].post.responses).toHaveProperty('504');
  });
});
