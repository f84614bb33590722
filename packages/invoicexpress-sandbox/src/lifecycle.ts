// After creation: `change-state`, partial payments (receipts) and their cancellation, related
// documents, `email-document` and the asynchronous PDF (`api/pdf/{id}.json`).
import { randomBytes } from 'node:crypto';
import {
  type CallContext,
  type Handler,
  IxError,
  idParam,
  notFound,
  numberOf,
  text,
  wrapped,
} from './context.ts';
import { documentOf, documentView, wrapDocument } from './documents.ts';
import {
  type Document,
  type DocumentPath,
  documentTotals,
  formatDate,
  PATHS,
  PAYMENT_MECHANISMS,
  parseDate,
  round2,
} from './model.ts';
import type { Account } from './state.ts';

function today(ctx: CallContext): number {
  // Portugal's calendar day; the sandbox's clock may be moved by tests.
  const lisbon = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Lisbon' }).format(ctx.clock.now());
  return parseDate(lisbon, true) ?? Math.floor(ctx.clock.now() / 86_400_000);
}

/** Gives the document its number in its series and type, refusing a date before the last one. */
function number(ctx: CallContext, document: Document, counter: string): void {
  const sequence = ctx.account.sequences.find((row) => row.id === document.sequence_id);
  if (!sequence) throw new IxError(422, ['Sequence is invalid']);
  const day = parseDate(document.date, false) ?? 0;
  const last = sequence.last_dates[counter];
  if (last !== undefined && day < last) {
    throw new IxError(422, [
      `The document date can't be earlier than the date of the last finalized document of the sequence (${formatDate(last)})`,
    ]);
  }
  const next = (sequence.numbers[counter] ?? 0) + 1;
  sequence.numbers[counter] = next;
  sequence.last_dates[counter] = day;
  document.number = next;
}

export function paidAmount(account: Account, invoice: Document): number {
  let paid = 0;
  for (const other of account.documents.values()) {
    if (other.kind === 'Receipt' && other.owner_invoice_id === invoice.id && other.status !== 'canceled') {
      paid += other.payment?.amount ?? 0;
    }
  }
  return round2(paid);
}

const invalidState = () => new IxError(422, ['Invalid state']);

function changeState(ctx: CallContext, path: DocumentPath): Document {
  const document = documentOf(ctx, path);
  const input = wrapped(ctx.body, 'invoice', PATHS[path].singular);
  const state = text(input.state);
  const message = text(input.message);
  const from = document.status;
  if (state === 'finalized' && from === 'draft') {
    number(ctx, document, PATHS[path].counter);
    document.status = path === 'invoice_receipts' ? 'settled' : 'sent';
  } else if (state === 'deleted' && from === 'draft') {
    document.status = 'deleted';
  } else if (
    state === 'canceled' &&
    (from === 'sent' || (from === 'settled' && path === 'invoice_receipts'))
  ) {
    if (!message) throw new IxError(422, ["Cancel message can't be blank"]);
    document.status = 'canceled';
    document.cancel_message = message;
  } else if (state === 'settled' && from === 'sent') {
    document.status = 'settled';
  } else if (state === 'unsettled' && from === 'settled' && path === 'credit_notes') {
    document.status = 'sent';
  } else {
    throw invalidState();
  }
  return document;
}

function partialPayment(ctx: CallContext): Document {
  const invoice = ctx.account.documents.get(idParam(ctx));
  if (!invoice || invoice.kind === 'Receipt') throw notFound();
  const input = wrapped(ctx.body, 'partial_payment');
  if (invoice.status === 'draft' || invoice.status === 'deleted' || invoice.status === 'canceled') {
    throw new IxError(422, ['The document must be finalized to receive payments']);
  }
  if (invoice.status === 'settled') throw new IxError(422, ['The document is already settled']);
  const amount = numberOf(input.amount);
  const open = round2(documentTotals(invoice).total - paidAmount(ctx.account, invoice));
  if (amount === null || amount <= 0) throw new IxError(422, ['Amount must be greater than 0']);
  if (round2(amount) > open) throw new IxError(422, [`Amount can't be greater than ${open.toFixed(2)}`]);
  const mechanism = text(input.payment_mechanism) ?? 'NU';
  if (!PAYMENT_MECHANISMS.includes(mechanism)) throw new IxError(422, ['Payment mechanism is invalid']);
  const rawDate = input.payment_date;
  const day = rawDate === undefined ? today(ctx) : parseDate(rawDate, ctx.behaviour.acceptIsoDates);
  if (day === null) throw new IxError(422, ['Payment date is not valid']);
  const serie = text(input.serie);
  const sequence = serie
    ? ctx.account.sequences.find((row) => row.serie === serie)
    : ctx.account.sequences.find((row) => row.id === invoice.sequence_id);
  if (!sequence) throw new IxError(422, ['Serie is invalid']);
  const receipt: Document = {
    ...invoice,
    id: ctx.state.id(),
    kind: 'Receipt',
    status: 'sent',
    sequence_id: sequence.id,
    number: null,
    date: formatDate(day),
    due_date: formatDate(day),
    observations: text(input.note),
    lines: [],
    owner_invoice_id: invoice.id,
    payment: { amount: round2(amount), mechanism, note: text(input.note) },
    proprietary_uid: null,
    cancel_message: null,
    permalink_token: randomBytes(16).toString('hex'),
    created_at: ctx.clock.now(),
  };
  number(ctx, receipt, 'receipt');
  ctx.account.documents.set(receipt.id, receipt);
  if (paidAmount(ctx.account, invoice) >= documentTotals(invoice).total) invoice.status = 'settled';
  return receipt;
}

function cancelReceipt(ctx: CallContext): Document {
  const receipt = ctx.account.documents.get(idParam(ctx));
  if (receipt === undefined || receipt.kind !== 'Receipt') throw notFound();
  const input = wrapped(ctx.body, 'receipt');
  if (text(input.state) !== 'canceled' || receipt.status === 'canceled') throw invalidState();
  const message = text(input.message);
  if (!message) throw new IxError(422, ["Cancel message can't be blank"]);
  receipt.status = 'canceled';
  receipt.cancel_message = message;
  const invoice =
    receipt.owner_invoice_id === null ? undefined : ctx.account.documents.get(receipt.owner_invoice_id);
  if (invoice?.status === 'settled' && invoice.kind === 'Invoice') invoice.status = 'sent';
  return receipt;
}

function related(ctx: CallContext): Document[] {
  const document = ctx.account.documents.get(idParam(ctx));
  if (!document) throw notFound();
  const out: Document[] = [];
  for (const other of ctx.account.documents.values()) {
    if (other.owner_invoice_id === document.id && other.status !== 'deleted') out.push(other);
  }
  const owner =
    document.owner_invoice_id === null ? undefined : ctx.account.documents.get(document.owner_invoice_id);
  if (owner) out.unshift(owner);
  return out.sort((a, b) => a.id - b.id);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function email(ctx: CallContext, path: DocumentPath): void {
  const document = documentOf(ctx, path);
  const input = wrapped(ctx.body, 'message');
  const client = (input.client ?? {}) as Record<string, unknown>;
  const to = text(client.email);
  if (!to || !EMAIL.test(to)) throw new IxError(422, ['Email is invalid']);
  if (document.status === 'draft' || document.status === 'deleted') {
    throw new IxError(422, ['Only finalized documents can be sent by email']);
  }
  const subject = text(input.subject);
  const body = text(input.body);
  if (!subject) throw new IxError(422, ["Subject can't be blank"]);
  if (!body) throw new IxError(422, ["Body can't be blank"]);
  if (text(client.save) === '1') {
    const stored = ctx.account.clients.get(document.client_id);
    if (stored) stored.email = to;
  }
  ctx.state.emails.push({
    account: ctx.account.name,
    document_id: document.id,
    to,
    subject,
    body,
    cc: text(input.cc) ?? '',
    bcc: text(input.bcc) ?? '',
    at: ctx.clock.now(),
  });
}

function pdf(ctx: CallContext): { status: number; body?: unknown } {
  const document = ctx.account.documents.get(idParam(ctx));
  if (!document) throw notFound();
  if (document.status === 'deleted') throw new IxError(406, ['The document state does not allow a PDF']);
  // The first request starts the generation; it is ready after the configured number of polls.
  const pending = ctx.account.pdfPending.get(document.id) ?? ctx.behaviour.pdfPendingPolls;
  if (pending > 0) {
    ctx.account.pdfPending.set(document.id, pending - 1);
    return { status: 202 };
  }
  ctx.account.pdfPending.set(document.id, 0);
  const copy = ctx.query.get('second_copy') === 'true' ? '-2via' : '';
  return {
    status: 200,
    body: {
      output: {
        pdfUrl: `${ctx.origin}/_pdf/${ctx.account.name}/${document.id}-${document.permalink_token}${copy}.pdf`,
      },
    },
  };
}

function lifecycleOf(path: DocumentPath): Record<string, Handler> {
  return {
    [`${path}/change-state`]: (ctx) => ({ status: 200, body: wrapDocument(changeState(ctx, path), ctx) }),
    [`${path}/email-document`]: (ctx) => {
      email(ctx, path);
      return { status: 200 };
    },
  };
}

export const lifecycleHandlers: Record<string, Handler> = {
  ...lifecycleOf('invoices'),
  ...lifecycleOf('invoice_receipts'),
  ...lifecycleOf('simplified_invoices'),
  ...lifecycleOf('credit_notes'),
  'documents/partial_payments': (ctx) => ({ status: 201, body: wrapDocument(partialPayment(ctx), ctx) }),
  'receipts/change-state': (ctx) => ({ status: 200, body: wrapDocument(cancelReceipt(ctx), ctx) }),
  'document/related_documents': (ctx) => ({
    status: 200,
    body: { documents: related(ctx).map((row) => documentView(row, ctx)) },
  }),
  'pdf/get': pdf,
};
