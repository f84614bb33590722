// The worker's SMTP client: nodemailer's SMTP connection and MIME composer, driven step by step so
// that a failure is known by where it happened. Before the message is handed over (connect,
// greeting, AUTH) nothing can have been sent; once it is, only the server's reply tells, and a
// connection that ends without one leaves the message in doubt (see packages/issuing's email.ts).
import { MailError, type Mailer, type OutgoingMail } from '@faturador/issuing';
import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';

export interface SmtpSettings {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465` (TLS from the start). */
  url: string;
  /** `Faturador <faturas@empresa.pt>`: the From of every message. */
  from: string;
  /** Milliseconds to connect, and to wait for any reply (defaults 10 s and 60 s). */
  connectionTimeoutMs?: number;
  socketTimeoutMs?: number;
}

interface SmtpFailure extends Error {
  code?: string;
  responseCode?: number;
}

/**
 * A reply the server gave is definite: 5xx refused for good, 4xx try later. So is a refusal of the
 * client itself before it sent the message (a message over the SIZE the server advertised, named by
 * the command it would have sent); connection failures carry the command `CONN` and no reply.
 */
function answered(error: SmtpFailure & { command?: string }): MailError | null {
  if (typeof error.responseCode === 'number') {
    return new MailError(
      error.responseCode >= 500 ? 'refused' : 'transient',
      error.message,
      error.responseCode,
    );
  }
  if (error.command && error.command !== 'CONN') return new MailError('refused', error.message, null);
  return null;
}

/** `Name <address>` → `Name`; a bare address has no display name. */
export function senderNameOf(from: string): string | null {
  const match = /^\s*"?([^"<]+?)"?\s*<[^>]+>\s*$/.exec(from);
  return match?.[1]?.trim() || null;
}

function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}

export function createSmtpMailer(settings: SmtpSettings): Mailer {
  const url = new URL(settings.url);
  const secure = url.protocol === 'smtps:';
  const port = Number(url.port) || (secure ? 465 : 587);
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);

  async function open(): Promise<SMTPConnection> {
    const connection = new SMTPConnection({
      host: url.hostname,
      port,
      secure,
      connectionTimeout: settings.connectionTimeoutMs ?? 10_000,
      greetingTimeout: settings.connectionTimeoutMs ?? 10_000,
      socketTimeout: settings.socketTimeoutMs ?? 60_000,
    });
    await new Promise<void>((resolve, reject) => {
      const fail = (error: SmtpFailure) =>
        reject(answered(error) ?? new MailError('transient', error.message, null));
      connection.once('error', fail);
      connection.connect((error) => {
        connection.off('error', fail);
        if (error) fail(error);
        else resolve();
      });
    });
    if (user) {
      await new Promise<void>((resolve, reject) => {
        connection.login({ user, pass }, (error) => {
          if (!error) return resolve();
          connection.close();
          // A refused login (535) needs an operator, not a retry; a dropped one may be retried.
          reject(answered(error) ?? new MailError('transient', error.message, null));
        });
      });
    }
    return connection;
  }

  return {
    senderName: senderNameOf(settings.from),
    async send(mail: OutgoingMail) {
      let message: Buffer;
      try {
        message = await new MailComposer({
          from: settings.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          messageId: mail.messageId,
          attachments: mail.attachments.map((attachment) => ({
            filename: attachment.filename,
            content: Buffer.from(attachment.content),
            contentType: attachment.contentType,
          })),
        })
          .compile()
          .build();
      } catch (error) {
        throw new MailError('refused', `The message could not be built: ${(error as Error).message}`, null);
      }
      const connection = await open();
      // Errors after this point without a reply are in doubt: the server may hold the message.
      const swallow = () => {};
      connection.on('error', swallow);
      try {
        const info = await new Promise<{ response: string }>((resolve, reject) => {
          connection.send(
            // SIZE lets a server refuse an oversized message at MAIL FROM, before any data is sent.
            { from: addressOf(settings.from), to: [mail.to], size: message.length },
            message,
            (error, result) => {
              if (error) {
                reject(
                  answered(error) ??
                    new MailError(
                      'in_doubt',
                      `the connection ended without the server's answer (${error.code ?? error.message})`,
                      null,
                    ),
                );
              } else resolve({ response: result?.response ?? '' });
            },
          );
        });
        connection.quit();
        return info;
      } catch (error) {
        connection.close();
        throw error;
      }
    },
  };
}
