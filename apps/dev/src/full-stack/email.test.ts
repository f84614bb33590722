// E-mailing the PDF through the API, the worker's SMTP client and the local mail sandbox; and what
// GET of a request shows of its life after issuing (credit notes, receipts, e-mails, amounts).
import { createHash, randomUUID } from 'node:crypto';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_BODY, type Stack, startStack } from '../stack.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), prefix: randomPrefix(), syncBudgetMs: 8_000 });
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => {
  stack.mail.clearFaults();
});

const key = () => ({ 'idempotency-key': randomUUID() });
const issue = async (reference: string, extra: Record<string, unknown> = {}) => {
  const response = await stack.post('/api/v1/invoices/', { ...SEED_BODY, reference, ...extra }, key());
  expect(response.status).toBe(201);
  return response.body as { request_id: string; document: { pdf_url: string | null } };
};
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const mailsWith = (messageId: string) => stack.mail.messages().filter((m) => m.messageId === messageId);

/** Polls GET until the e-mail of `actionId` has left `queued`/`sending`. */
async function settledEmail(requestId: string, actionId: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const status = await stack.get(`/api/v1/invoices/${requestId}`);
    const email = status.body.related_documents.find((d: { action_id: string }) => d.action_id === actionId);
    if (email && !['queued', 'sending'].includes(email.state)) return { status: status.body, email };
    if (Date.now() > deadline) throw new Error(`e-mail ${actionId} did not settle: ${JSON.stringify(email)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('POST /api/v1/invoices/{request_id}/email', () => {
  it("sends Moloni's PDF to the customer's e-mail once; the request shows to whom, when and its Message-ID", async () => {
    const issued = await issue('MAIL-1');
    const headers = key();
    const accepted = await stack.post(`/api/v1/invoices/${issued.request_id}/email`, {}, headers);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({
      success: true,
      action: 'email',
      to: SEED_BODY.customer.email,
      status_url: `${stack.url}/api/v1/invoices/${issued.request_id}`,
    });
    const { email } = await settledEmail(issued.request_id, accepted.body.action_id);
    expect(email).toMatchObject({
      type: 'email',
      state: 'sent',
      to: SEED_BODY.customer.email,
      message_id: `<${accepted.body.action_id}@faturador>`,
      sent_at: expect.any(String),
      error: null,
    });
    const [mail, ...more] = mailsWith(email.message_id);
    expect(more).toHaveLength(0);
    expect(mail?.envelope.to).toEqual([SEED_BODY.customer.email]);
    expect(mail?.subject).toMatch(/^Fatura-recibo FR M\/\d+$/);
    expect(mail?.text).toContain('Olá, Eduardo Costa.');
    expect(mail?.text).toContain('no valor de 10,00 €');
    // The attachment is the very PDF the API serves for the document (Moloni's, downloaded).
    const link = new URL(issued.document.pdf_url ?? '');
    const pdf = await stack.get(link.pathname + link.search);
    expect(mail?.attachments.map((a) => [a.filename, a.contentType, a.sha256])).toEqual([
      [expect.stringMatching(/^FR_M-\d+\.pdf$/), 'application/pdf', sha256(pdf.body as Uint8Array)],
    ]);
    // The same key answers where it stands, and sends nothing more.
    const replay = await stack.post(`/api/v1/invoices/${issued.request_id}/email`, {}, headers);
    expect(replay).toMatchObject({
      status: 202,
      body: { action_id: accepted.body.action_id, state: 'sent' },
    });
    expect(mailsWith(email.message_id)).toHaveLength(1);
  });

  it('sends to `to` when given; refuses a bad address, no address at all, a draft and invalid JSON', async () => {
    const issued = await issue('MAIL-2');
    const other = await stack.post(
      `/api/v1/invoices/${issued.request_id}/email`,
      { to: 'contabilidade@cliente.pt' },
      key(),
    );
    expect(other.body.to).toBe('contabilidade@cliente.pt');
    expect((await settledEmail(issued.request_id, other.body.action_id)).email.state).toBe('sent');

    const bad = await stack.post(
      `/api/v1/invoices/${issued.request_id}/email`,
      { to: 'não é e-mail' },
      key(),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('to');

    const { customer } = SEED_BODY;
    const noEmail = await issue('MAIL-3', { customer: { ...customer, email: undefined } });
    const none = await stack.post(`/api/v1/invoices/${noEmail.request_id}/email`, {}, key());
    expect(none.status).toBe(400);
    expect(none.body.error).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { issues: [{ path: 'to' }] },
    });

    const draft = await issue('MAIL-4', { status: 'draft' });
    const refused = await stack.post(`/api/v1/invoices/${draft.request_id}/email`, {}, key());
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('DOCUMENT_NOT_FINAL');

    for (const path of ['email', 'credit-notes', 'receipts']) {
      const invalid = await stack.post(`/api/v1/invoices/${issued.request_id}/${path}`, '{"to": ', key());
      expect(invalid.status).toBe(400);
      expect(invalid.body.error).toMatchObject({
        code: 'VALIDATION_ERROR',
        details: { issues: [{ path: 'body', reason: 'is not valid JSON' }] },
      });
    }
    expect(stack.mail.messages().filter((m) => m.envelope.to.includes('não é e-mail'))).toHaveLength(0);
  });

  it('a connection dropped after the server kept the message: in doubt, and never sent again by itself', async () => {
    const issued = await issue('MAIL-5');
    stack.mail.addFault({ stage: 'data', action: 'drop_after_commit' });
    const accepted = await stack.post(`/api/v1/invoices/${issued.request_id}/email`, {}, key());
    const { email } = await settledEmail(issued.request_id, accepted.body.action_id);
    expect(email).toMatchObject({ state: 'in_doubt', error: { code: 'EMAIL_IN_DOUBT' }, sent_at: null });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(mailsWith(email.message_id)).toHaveLength(1);
    const again = await stack.post(`/api/v1/invoices/${issued.request_id}/email`, {}, key());
    expect((await settledEmail(issued.request_id, again.body.action_id)).email.state).toBe('sent');
  });

  it('a 4xx reply took nothing: the job retries and sends once; a 5xx reply fails it with nothing sent', async () => {
    const issued = await issue('MAIL-6');
    stack.mail.addFault({ stage: 'rcpt', action: 'reject', code: 451, message: 'Try again later' });
    const later = await stack.post(`/api/v1/invoices/${issued.request_id}/email`, {}, key());
    const sent = await settledEmail(issued.request_id, later.body.action_id);
    expect(sent.email.state).toBe('sent');
    expect(mailsWith(sent.email.message_id)).toHaveLength(1);

    stack.mail.addFault({ stage: 'rcpt', action: 'reject', code: 550, message: 'Mailbox unavailable' });
    const refused = await stack.post(`/api/v1/invoices/${issued.request_id}/email`, {}, key());
    const failed = await settledEmail(issued.request_id, refused.body.action_id);
    expect(failed.email).toMatchObject({ state: 'failed', error: { code: 'EMAIL_REFUSED' } });
    expect(mailsWith(failed.email.message_id)).toHaveLength(0);
  });
});

describe('GET /api/v1/invoices/{request_id} after issuing', () => {
  it('lists credit notes, receipts and e-mails, with the open and credited amounts of an FT', async () => {
    const issued = await issue('MAIL-FT', {
      document_type: 'invoice',
      items: [{ product: 'consultoria', gross_price: 10, vat_rate: 23, quantity: 2 }],
    });
    const path = `/api/v1/invoices/${issued.request_id}`;
    const fresh = await stack.get(path);
    expect(fresh.body).toMatchObject({ related_documents: [], open_amount: 20, credited_amount: 0 });

    const receipt = await stack.post(`${path}/receipts`, { amount: 5 }, key());
    expect(receipt.status).toBe(201);
    const credit = await stack.post(
      `${path}/credit-notes`,
      { reason: 'Devolução', items: [{ line: 1, quantity: 1 }] },
      key(),
    );
    expect(credit.status).toBe(201);
    const mail = await stack.post(`${path}/email`, {}, key());
    await settledEmail(issued.request_id, mail.body.action_id);

    const status = (await stack.get(path)).body;
    expect(status).toMatchObject({ open_amount: 5, credited_amount: 10 });
    expect(
      status.related_documents.map((d: Record<string, unknown>) => [d.type, d.number, d.total, d.state]),
    ).toEqual([
      ['receipt', receipt.body.document.number, 5, 'final'],
      ['credit_note', credit.body.document.number, 10, 'final'],
      ['email', null, null, 'sent'],
    ]);
    expect(status.related_documents[1]).toMatchObject({
      reference: 'MAIL-FT/NC1',
      created_at: expect.any(String),
    });

    // An FR is paid on issue: no open amount, only what was credited.
    const fr = await issue('MAIL-FR');
    expect((await stack.get(`/api/v1/invoices/${fr.request_id}`)).body).toMatchObject({
      open_amount: null,
      credited_amount: 0,
    });
  });
});
