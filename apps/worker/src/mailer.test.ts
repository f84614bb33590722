import { createHash } from 'node:crypto';
import { MailError } from '@faturador/issuing';
import { type RunningMailSandbox, startMailSandbox } from '@faturador/mail-sandbox';
import { freePort } from '@faturador/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSmtpMailer, senderNameOf } from './mailer.ts';

const PDF = new TextEncoder().encode('%PDF-1.4\nfake but bytes\n%%EOF\n');

const mail = (id: string, size = 0) => ({
  to: 'ana@cliente.pt',
  subject: 'Fatura-recibo FR M/1',
  text: 'Olá, Ana.\n',
  messageId: `<${id}@faturador>`,
  attachments: [
    { filename: 'FR_M-1.pdf', content: size ? new Uint8Array(size) : PDF, contentType: 'application/pdf' },
  ],
});

async function failure(promise: Promise<unknown>): Promise<MailError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(MailError);
  return error as MailError;
}

describe('the SMTP mailer against the mail sandbox', () => {
  let sandbox: RunningMailSandbox;
  beforeAll(async () => {
    sandbox = await startMailSandbox({ sizeLimit: 64 * 1024 });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => {
    sandbox.clearMessages();
    sandbox.clearFaults();
  });
  const mailer = () => createSmtpMailer({ url: sandbox.smtpUrl, from: 'Faturação Acme <faturas@acme.pt>' });

  it('sends the message with its Message-ID and the PDF attached, byte for byte', async () => {
    const { response } = await mailer().send(mail('act_0000000000000001'));
    expect(response).toMatch(/^250 /);
    const [received] = sandbox.messages();
    expect(received?.envelope).toEqual({ from: 'faturas@acme.pt', to: ['ana@cliente.pt'] });
    expect(received?.messageId).toBe('<act_0000000000000001@faturador>');
    expect(received?.subject).toBe('Fatura-recibo FR M/1');
    expect(received?.attachments).toHaveLength(1);
    expect(received?.attachments[0]?.filename).toBe('FR_M-1.pdf');
    expect(received?.attachments[0]?.sha256).toBe(createHash('sha256').update(PDF).digest('hex'));
  });

  it('a 5xx reply is a definite refusal, a 4xx a definite "try later": nothing is kept either way', async () => {
    sandbox.addFault({ stage: 'rcpt', action: 'reject', code: 550, message: 'No such user' });
    const refused = await failure(mailer().send(mail('act_0000000000000002')));
    expect([refused.kind, refused.responseCode]).toEqual(['refused', 550]);
    sandbox.addFault({ stage: 'data', action: 'reject', code: 451, message: 'Local error' });
    const later = await failure(mailer().send(mail('act_0000000000000003')));
    expect([later.kind, later.responseCode]).toEqual(['transient', 451]);
    expect(sandbox.messages()).toHaveLength(0);
  });

  it('a connection that ends after the message, without the final reply, is in doubt (the server kept it)', async () => {
    sandbox.addFault({ stage: 'data', action: 'drop_after_commit' });
    const doubt = await failure(mailer().send(mail('act_0000000000000004')));
    expect(doubt.kind).toBe('in_doubt');
    expect(sandbox.messages().map((m) => m.messageId)).toEqual(['<act_0000000000000004@faturador>']);
  });

  it('a message over the SIZE the server advertises is refused before anything is sent', async () => {
    // nodemailer reads EHLO's SIZE and does not send MAIL FROM (RFC 1870 lets a client do so).
    const tooBig = await failure(mailer().send(mail('act_0000000000000005', 80 * 1024)));
    expect(tooBig.kind).toBe('refused');
    expect(tooBig.message).toMatch(/larger than allowed 65536/);
    expect(sandbox.messages()).toHaveLength(0);
  });

  it('a server that cannot be reached sent nothing: try later', async () => {
    const closed = createSmtpMailer({ url: `smtp://127.0.0.1:${await freePort()}`, from: 'faturas@acme.pt' });
    expect((await failure(closed.send(mail('act_0000000000000006')))).kind).toBe('transient');
  });

  it('reads the display name of MAIL_FROM for the signature', () => {
    expect(senderNameOf('Faturação Acme <faturas@acme.pt>')).toBe('Faturação Acme');
    expect(senderNameOf('faturas@acme.pt')).toBeNull();
  });
});

describe('the SMTP mailer against a sandbox that asks for AUTH', () => {
  let sandbox: RunningMailSandbox;
  beforeAll(async () => {
    sandbox = await startMailSandbox({ auth: { user: 'faturador', pass: 's3gredo' } });
  });
  afterAll(() => sandbox.close());

  it('logs in with the credentials of SMTP_URL; wrong ones are refused (535)', async () => {
    await createSmtpMailer({ url: sandbox.smtpUrl, from: 'faturas@acme.pt' }).send(
      mail('act_0000000000000007'),
    );
    expect(sandbox.messages()[0]?.user).toBe('faturador');
    const wrong = sandbox.smtpUrl.replace('s3gredo', 'errado');
    const refused = await failure(
      createSmtpMailer({ url: wrong, from: 'faturas@acme.pt' }).send(mail('act_0000000000000008')),
    );
    expect([refused.kind, refused.responseCode]).toEqual(['refused', 535]);
    expect(sandbox.messages()).toHaveLength(1);
  });
});
