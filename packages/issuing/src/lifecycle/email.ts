// E-mailing a document's PDF. Moloni's API v1 has no call that e-mails a document once it is
// closed: the official plugins only pass `send_email` when they close a draft (documents update),
// and a closed document cannot be updated (see the moloni-sandbox README). So the worker sends it
// itself, over SMTP, with the PDF Moloni serves for the document attached.
//
// Exactly once. SMTP has no way to ask a server whether it already holds a message, so the only
// safe order is: record `sending` (with the Message-ID every attempt uses), talk to the server,
// record `sent`. A retry that finds `sending` cannot tell a message that was taken (the connection
// dropped after the final dot, before the 250; RFC 1047 describes exactly this) from one that was
// not, and re-sending would mail the customer twice; so it records the e-mail in doubt and stops.
// What a server answered is never in doubt: a 4xx reply took nothing (the job retries), a 5xx
// took nothing for good (failed). A person who wants it sent again asks again, with a new key.
import { type DocumentView, documentEmail, FaturadorError, toCents } from '@faturador/core';
import type { LedgerEntry, LifecycleAction, LifecycleStore } from '@faturador/store';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** `<act_…@faturador>`: the same on every attempt, so a receiving system can spot a copy. */
  messageId: string;
  attachments: Array<{ filename: string; content: Uint8Array; contentType: string }>;
}

/** Why a sending failed, as far as the SMTP dialogue tells. */
export type MailFailureKind = 'refused' | 'transient' | 'in_doubt';

export class MailError extends Error {
  override readonly name = 'MailError';
  constructor(
    readonly kind: MailFailureKind,
    message: string,
    /** The server's reply code, when it answered (550, 452…); null when the connection failed. */
    readonly responseCode: number | null,
  ) {
    super(message);
  }
}

/** The port the worker provides (nodemailer's SMTP client); throws MailError on failure. */
export interface Mailer {
  /** The display name of the sender, signed under the message; null without one. */
  readonly senderName: string | null;
  send(mail: OutgoingMail): Promise<{ response: string }>;
}

/**
 * How one e-mail leaves: over our SMTP server with the PDF attached, or by the platform itself
 * (InvoiceXpress's `email-document`). Either way it is sent at most once, by the rules above.
 */
export interface EmailChannel {
  /** Names the channel in the outcome (`smtp`, `invoicexpress`). */
  readonly via: string;
  /** Who takes the e-mail, as error messages name it. */
  readonly server: string;
  /** The display name of the sender, signed under the message; null without one. */
  readonly senderName: string | null;
  /** Whether receiving systems see our Message-ID (only SMTP carries it). */
  readonly carriesMessageId: boolean;
  /** Whether the PDF travels as our attachment (else the platform adds the document its way). */
  readonly attaches: boolean;
  /**
   * Everything that may fail before anything is sent (fetching the PDF…): a failure here sent
   * nothing and may be retried. Resolves to the one call that sends, which throws MailError.
   */
  prepare(): Promise<(mail: DocumentMail) => Promise<Record<string, unknown>>>;
}

/** The message about one document, before a channel adds what it carries (the PDF, as a file). */
export type DocumentMail = Omit<OutgoingMail, 'attachments'> & { filename: string };

export interface EmailDeps {
  actions: LifecycleStore;
  channel: EmailChannel;
  now?: () => Date;
}

/** Our own SMTP server, with the PDF the platform serves for the document attached. */
export function smtpChannel(
  mailer: Mailer | null,
  document: DocumentView,
  downloadPdf: (documentId: number) => Promise<Uint8Array>,
): EmailChannel {
  return {
    via: 'smtp',
    server: 'The mail server',
    senderName: mailer?.senderName ?? null,
    carriesMessageId: true,
    attaches: true,
    async prepare() {
      if (!mailer) {
        throw new FaturadorError(
          'EMAIL_NOT_CONFIGURED',
          'No SMTP server is configured (the worker has no SMTP_URL and MAIL_FROM).',
        );
      }
      const pdf = await downloadPdf(document.moloni_document_id);
      return async ({ filename, ...mail }) => {
        const { response } = await mailer.send({
          ...mail,
          attachments: [{ filename, content: pdf, contentType: 'application/pdf' }],
        });
        return { smtp_response: response };
      };
    },
  };
}

export const messageIdOf = (actionId: string) => `<${actionId}@faturador>`;

function inDoubt(to: string, reason: string, messageId: string | null): FaturadorError {
  return new FaturadorError(
    'EMAIL_IN_DOUBT',
    `Whether the e-mail to ${to} was sent is unknown (${reason}); it is not sent again by itself.`,
    { in_doubt: true, to, ...(messageId ? { message_id: messageId } : {}) },
  );
}

/** Sends the request's final document to `action.input.to`. Returns the outcome to record. */
export async function emailDocument(
  action: LifecycleAction,
  entry: LedgerEntry,
  document: DocumentView,
  deps: EmailDeps,
): Promise<Record<string, unknown>> {
  const to = String(action.input.to ?? '');
  const { channel } = deps;
  const messageId = channel.carriesMessageId ? messageIdOf(action.actionId) : null;
  const previous = action.outcome ?? {};
  // Sent by an attempt that stopped before the action was marked done: nothing more to do.
  if (previous.email_state === 'sent') return previous;
  if (previous.email_state === 'sending' || previous.email_state === 'in_doubt') {
    // An earlier attempt reached the server and never recorded its answer (a crash, a lost reply).
    await deps.actions.recordOutcome(action.actionId, { ...previous, email_state: 'in_doubt' });
    throw inDoubt(to, 'an earlier attempt did not record the answer of the mail server', messageId);
  }
  // Before anything is recorded: a failure to get ready sent nothing and may be retried.
  const send = await channel.prepare();
  const text = documentEmail({
    documentType: document.type,
    number: document.number ?? entry.reference,
    totalCents: toCents(document.total_gross),
    customerName: entry.request.customer.name,
    senderName: channel.senderName,
    attached: channel.attaches,
  });
  const base = { to, via: channel.via, ...(messageId ? { message_id: messageId } : {}) };
  await deps.actions.recordOutcome(action.actionId, {
    ...base,
    email_state: 'sending',
    started_at: (deps.now?.() ?? new Date()).toISOString(),
  });
  try {
    const answer = await send({
      to,
      subject: text.subject,
      text: text.text,
      messageId: messageIdOf(action.actionId),
      filename: text.filename,
    });
    const sent = {
      ...base,
      email_state: 'sent',
      sent_at: (deps.now?.() ?? new Date()).toISOString(),
      ...answer,
    };
    // Recorded at once: a crash before the action is marked done must not leave it `sending`.
    await deps.actions.recordOutcome(action.actionId, sent);
    return sent;
  } catch (thrown) {
    const error =
      thrown instanceof MailError
        ? thrown
        : new MailError('in_doubt', String((thrown as Error)?.message), null);
    if (error.kind === 'in_doubt') {
      await deps.actions.recordOutcome(action.actionId, { ...base, email_state: 'in_doubt' });
      throw inDoubt(to, error.message, messageId);
    }
    // The server answered: nothing was taken, so the next attempt may send.
    await deps.actions.recordOutcome(action.actionId, {
      ...base,
      email_state: error.kind === 'refused' ? 'failed' : 'queued',
    });
    throw new FaturadorError(
      error.kind === 'refused' ? 'EMAIL_REFUSED' : 'EMAIL_UNAVAILABLE',
      `${channel.server} ${error.kind === 'refused' ? 'refused' : 'could not take'} the e-mail to ${to}: ${error.message}`,
      { to, smtp_code: error.responseCode },
    );
  }
}
