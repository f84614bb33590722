import { connect, type Socket } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningMailSandbox, startMailSandbox } from './index.ts';

/** A bare SMTP client: one command, one reply (no pipelining), as RFC 5321 §4.1 writes them. */
async function dialogue(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  let buffer = '';
  const waiters: Array<(line: string) => void> = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    // A reply ends with a line whose code is followed by a space (multi-line replies use `-`).
    for (let match = /^(\d{3}) .*\r\n/m.exec(buffer); match; match = /^(\d{3}) .*\r\n/m.exec(buffer)) {
      const end = (match.index ?? 0) + match[0].length;
      const reply = buffer.slice(0, end);
      buffer = buffer.slice(end);
      waiters.shift()?.(reply);
    }
  });
  const next = () => new Promise<string>((resolve) => waiters.push(resolve));
  const greeting = await next();
  return {
    greeting,
    async send(line: string): Promise<string> {
      const reply = next();
      socket.write(`${line}\r\n`);
      return reply;
    },
    end: () => socket.destroy(),
  };
}

describe('the mail sandbox', () => {
  let sandbox: RunningMailSandbox;
  let smtpPort: number;
  beforeAll(async () => {
    sandbox = await startMailSandbox({ sizeLimit: 1024 });
    smtpPort = Number(new URL(sandbox.smtpUrl).port);
  });
  afterAll(() => sandbox.close());

  it('greets with 220, advertises SIZE, and answers 552 to a client that sends more anyway', async () => {
    const smtp = await dialogue(smtpPort);
    expect(smtp.greeting).toMatch(/^220 /);
    expect(await smtp.send('EHLO client.test')).toMatch(/250[- ]SIZE 1024/);
    expect(await smtp.send('MAIL FROM:<a@b.pt>')).toMatch(/^250 /);
    expect(await smtp.send('RCPT TO:<c@d.pt>')).toMatch(/^250 /);
    expect(await smtp.send('DATA')).toMatch(/^354 /);
    expect(await smtp.send(`Subject: big\r\n\r\n${'x'.repeat(4096)}\r\n.`)).toMatch(/^552 /);
    smtp.end();
    expect(sandbox.messages()).toHaveLength(0);
  });

  it('keeps a message, lists it over HTTP with its attachments, and injects faults over HTTP', async () => {
    await request(`${sandbox.httpUrl}/_sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ stage: 'rcpt', action: 'reject', code: 550, message: 'No such user' }),
      headers: { 'content-type': 'application/json' },
    }).then((r) => r.body.text());
    const smtp = await dialogue(smtpPort);
    await smtp.send('EHLO client.test');
    await smtp.send('MAIL FROM:<a@b.pt>');
    expect(await smtp.send('RCPT TO:<c@d.pt>')).toMatch(/^550 No such user/);
    expect(await smtp.send('RCPT TO:<c@d.pt>')).toMatch(/^250 /);
    await smtp.send('DATA');
    expect(await smtp.send('Message-ID: <m1@test>\r\nSubject: Olá\r\n\r\ncorpo\r\n.')).toMatch(/^250 OK/);
    smtp.end();
    const listed = (await (await request(`${sandbox.httpUrl}/_sandbox/messages`)).body.json()) as {
      messages: Array<{ messageId: string; envelope: { to: string[] }; subject: string }>;
    };
    expect(listed.messages.map((m) => [m.messageId, m.envelope.to, m.subject])).toEqual([
      ['<m1@test>', ['c@d.pt'], 'Olá'],
    ]);
  });
});
