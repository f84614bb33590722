// A local SMTP server that keeps what it receives: smtp-server (nodemailer's SMTP engine) speaks
// the protocol, mailparser reads the messages, and a loopback HTTP endpoint shows them. What it
// models, and where each behaviour comes from, is in this package's README.
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export interface ReceivedAttachment {
  filename: string | null;
  contentType: string;
  size: number;
  sha256: string;
  content: Buffer;
}

export interface ReceivedMail {
  id: string;
  receivedAt: string;
  /** What the client said in MAIL FROM / RCPT TO (may differ from the headers). */
  envelope: { from: string | null; to: string[] };
  /** The user the client authenticated as, when the sandbox asks for AUTH. */
  user: string | null;
  messageId: string | null;
  subject: string | null;
  from: string | null;
  to: string[];
  text: string | null;
  attachments: ReceivedAttachment[];
  /** The raw message's size in bytes. */
  size: number;
}

/**
 * A failure injected at one step of the SMTP dialogue, for the next `times` messages (default 1).
 * `reject` answers that step with `code` (4xx: try later; 5xx: refused); `drop_after_commit`
 * stores the message, then closes the connection before the final 250 (the case where the client
 * cannot know it was accepted); `drop_before_commit` closes it without storing; `hang_after_commit`
 * stores it and never answers (the client waits until its own timeout, or dies waiting).
 */
export type MailFault =
  | { stage: 'mail' | 'rcpt' | 'data'; action: 'reject'; code: number; message?: string; times?: number }
  | {
      stage: 'data';
      action: 'drop_after_commit' | 'drop_before_commit' | 'hang_after_commit';
      times?: number;
    };

export interface MailSandboxOptions {
  smtpPort?: number;
  httpPort?: number;
  /** The SIZE limit advertised in EHLO and enforced on DATA (552), in bytes. Default 10 MiB. */
  sizeLimit?: number;
  /** When set, AUTH PLAIN/LOGIN is required before MAIL FROM (530) and checked (535). */
  auth?: { user: string; pass: string } | null;
}

export interface RunningMailSandbox {
  /** `smtp://[user:pass@]127.0.0.1:<port>`: what the worker's SMTP_URL is set to. */
  smtpUrl: string;
  /** `http://127.0.0.1:<port>`: `/_sandbox/messages`, `/_sandbox/faults`. */
  httpUrl: string;
  messages(): ReceivedMail[];
  addFault(fault: MailFault): void;
  clearFaults(): void;
  clearMessages(): void;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const DEFAULT_SIZE_LIMIT = 10 * 1024 * 1024;

type StoredFault = MailFault & { left: number };

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

async function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function view(mail: ReceivedMail) {
  return {
    ...mail,
    attachments: mail.attachments.map(({ content: _content, ...rest }, index) => ({
      ...rest,
      url: `/_sandbox/messages/${mail.id}/attachments/${index}`,
    })),
  };
}

export async function startMailSandbox(options: MailSandboxOptions = {}): Promise<RunningMailSandbox> {
  const received: ReceivedMail[] = [];
  let faults: StoredFault[] = [];
  const sizeLimit = options.sizeLimit ?? DEFAULT_SIZE_LIMIT;
  const auth = options.auth ?? null;

  /** The first fault for this step, used up once it fires. */
  function takeFault(stage: MailFault['stage']): StoredFault | null {
    const fault = faults.find((candidate) => candidate.stage === stage && candidate.left > 0);
    if (!fault) return null;
    fault.left -= 1;
    faults = faults.filter((candidate) => candidate.left > 0);
    return fault;
  }

  function rejectAt(stage: MailFault['stage']): Error | null {
    const fault = takeFault(stage);
    if (!fault) return null;
    if (fault.action === 'reject') {
      return smtpError(fault.code, fault.message ?? `Sandbox fault at ${stage.toUpperCase()}`);
    }
    // A drop fault at this step is put back for onData, which is where it applies.
    faults.push({ ...fault, left: 1 });
    return null;
  }

  const server: SMTPServer = new SMTPServer({
    banner: 'faturador mail sandbox',
    size: sizeLimit,
    // Loopback only: no TLS, so AUTH must be allowed in the clear (as smtp4dev and MailHog do).
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !auth,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(credentials, _session, callback) {
      if (auth && credentials.username === auth.user && credentials.password === auth.pass) {
        callback(null, { user: credentials.username });
        return;
      }
      callback(smtpError(535, 'Authentication credentials invalid'));
    },
    onMailFrom(_address, _session, callback) {
      callback(rejectAt('mail'));
    },
    onRcptTo(_address, _session, callback) {
      callback(rejectAt('rcpt'));
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      void (async () => {
        const raw = await readAll(stream);
        // What smtp-server's README asks of onData for a message over the SIZE limit (RFC 1870: 552).
        if (stream.sizeExceeded) {
          return callback(smtpError(552, `Error: message exceeds fixed maximum message size ${sizeLimit}`));
        }
        const fault = takeFault('data');
        if (fault?.action === 'reject') {
          return callback(smtpError(fault.code, fault.message ?? 'Sandbox fault at DATA'));
        }
        if (fault?.action !== 'drop_before_commit') {
          const parsed = await simpleParser(raw);
          const addresses = (value: typeof parsed.to): string[] =>
            (Array.isArray(value) ? value : value ? [value] : []).flatMap((group) =>
              group.value.map((address) => address.address ?? ''),
            );
          received.push({
            id: `msg_${randomBytes(6).toString('hex')}`,
            receivedAt: new Date().toISOString(),
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            },
            user: typeof session.user === 'string' ? session.user : null,
            messageId: parsed.messageId ?? null,
            subject: parsed.subject ?? null,
            from: parsed.from?.value[0]?.address ?? null,
            to: addresses(parsed.to),
            text: parsed.text ?? null,
            attachments: parsed.attachments.map((attachment) => ({
              filename: attachment.filename ?? null,
              contentType: attachment.contentType,
              size: attachment.content.length,
              sha256: createHash('sha256').update(attachment.content).digest('hex'),
              content: attachment.content,
            })),
            size: raw.length,
          });
        }
        if (fault?.action === 'hang_after_commit') return;
        if (fault) {
          // No final reply: the connection ends after the message was (or was not) kept.
          const connection = [
            ...(server as unknown as { connections: Set<ConnectionLike> }).connections,
          ].find((candidate) => candidate.id === session.id);
          connection?._socket.destroy();
          return;
        }
        callback(null, `OK: queued as ${received.at(-1)?.id ?? ''}`);
      })().catch((error: unknown) => callback(error as Error));
    },
  });
  server.on('error', () => {
    // A client that goes away mid-dialogue is not the sandbox's failure.
  });
  const smtpPort = await new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.smtpPort ?? 0, HOST, () => resolve((server.server.address() as AddressInfo).port));
  });

  const app = new Hono();
  app.get('/_sandbox/messages', (c) => c.json({ messages: received.map(view) }));
  app.delete('/_sandbox/messages', (c) => {
    received.length = 0;
    return c.json({ ok: true });
  });
  app.get('/_sandbox/messages/:id/attachments/:index', (c) => {
    const mail = received.find((candidate) => candidate.id === c.req.param('id'));
    const attachment = mail?.attachments[Number(c.req.param('index'))];
    if (!attachment) return c.json({ error: 'not found' }, 404);
    return c.body(new Uint8Array(attachment.content), 200, { 'content-type': attachment.contentType });
  });
  app.get('/_sandbox/faults', (c) => c.json({ faults }));
  app.post('/_sandbox/faults', async (c) => {
    const fault = (await c.req.json()) as MailFault;
    faults.push({ ...fault, left: fault.times ?? 1 });
    return c.json({ ok: true, faults });
  });
  app.delete('/_sandbox/faults', (c) => {
    faults = [];
    return c.json({ ok: true });
  });
  const { http, httpPort } = await new Promise<{ http: ReturnType<typeof serve>; httpPort: number }>(
    (resolve, reject) => {
      const http = serve({ fetch: app.fetch, port: options.httpPort ?? 0, hostname: HOST }, (info) =>
        resolve({ http, httpPort: info.port }),
      );
      http.once('error', reject);
    },
  );

  const credentials = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@` : '';
  return {
    smtpUrl: `smtp://${credentials}${HOST}:${smtpPort}`,
    httpUrl: `http://${HOST}:${httpPort}`,
    messages: () => [...received],
    addFault: (fault) => {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    clearFaults: () => {
      faults = [];
    },
    clearMessages: () => {
      received.length = 0;
    },
    async close() {
      // smtp-server waits up to 30 s for open sessions; a test's sandbox ends them at once.
      for (const connection of (server as unknown as { connections: Set<ConnectionLike> }).connections) {
        connection._socket.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        (http as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}

interface ConnectionLike {
  id: string;
  _socket: { destroy(): void };
}
