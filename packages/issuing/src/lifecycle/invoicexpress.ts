// Credit notes and receipts in InvoiceXpress, with the rules Moloni's follow here: after anything
// ambiguous, look for what an earlier attempt made (by our reference) before writing again; keep
// the id the moment it exists; never credit or collect more than remains.
import { type CreditInput, FaturadorError, type ReceiptInput } from '@faturador/core';
import {
  type InvoiceXpressClient,
  type IxDocument,
  type IxDocumentType,
  type IxPaymentMechanism,
  isFinalStatus,
  netUnitPrice,
  outcomeOf,
} from '@faturador/invoicexpress';
import type { LedgerEntry, LifecycleAction } from '@faturador/store';
import { type EmailChannel, MailError } from './email.ts';
import {
  type ActionDeps,
  type Done,
  draftOf,
  finalDocumentOf,
  type PlatformLifecycle,
  payableAmount,
} from './process-action.ts';

const PATHS: Record<string, IxDocumentType> = {
  invoice: 'invoices',
  invoice_receipt: 'invoice_receipts',
  simplified_invoice: 'simplified_invoices',
};

const cents = (euros: number) => Math.round(euros * 100);
const today = (now: Date) => now.toISOString().slice(0, 10);

/** A payment method's name as people give it, to InvoiceXpress's mechanism code. */
const MECHANISMS: Record<string, IxPaymentMechanism> = {
  numerário: 'NU',
  dinheiro: 'NU',
  multibanco: 'MB',
  'transferência bancária': 'TB',
  transferência: 'TB',
  'cartão de crédito': 'CC',
  'cartão de débito': 'CD',
  cheque: 'CH',
  'débito direto': 'DE',
  'mb way': 'OU',
};

function mechanismOf(method: string | undefined): IxPaymentMechanism {
  if (!method) return 'NU';
  const code = MECHANISMS[method.trim().toLocaleLowerCase('pt-PT')];
  if (!code) {
    throw new FaturadorError(
      'VALIDATION_ERROR',
      `payment_method is invalid: InvoiceXpress has no "${method}".`,
      {
        issues: [{ path: 'payment_method', reason: `must be one of: ${Object.keys(MECHANISMS).join(', ')}` }],
      },
    );
  }
  return code;
}

/** `NC A/3`, `RC A/7` for InvoiceXpress's `3/A`. */
function numberOf(document: IxDocument, code: 'NC' | 'RC'): string | null {
  const [sequential, serie] = (document.sequence_number ?? '').split('/');
  return isFinalStatus(document.status) && sequential && serie ? `${code} ${serie}/${sequential}` : null;
}

function lineKey(line: { name: string; unit_price: string }): string {
  return `${line.name}\u0000${Number(line.unit_price).toFixed(6)}`;
}

/**
 * What InvoiceXpress's answer to `email-document` says was sent. A refusal (an invalid address, a
 * draft, a refused key) and a request it never took (429, a refused connection) sent nothing; a
 * write with no answer may have mailed the customer, so it is in doubt and never sent again.
 */
function mailErrorOf(error: unknown): MailError {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof FaturadorError ? error.code : null;
  const status = error instanceof FaturadorError ? Number(error.details?.status ?? 0) || null : null;
  if (outcomeOf(error) !== 'not_applied') return new MailError('in_doubt', message, status);
  const refused = code === 'INVOICEXPRESS_BUSINESS_ERROR' || code === 'INVOICEXPRESS_CONNECTION_FAILED';
  return new MailError(refused ? 'refused' : 'transient', message, status);
}

const live = (document: IxDocument) => document.status !== 'canceled' && document.status !== 'deleted';

export function createInvoiceXpressLifecycle(client: InvoiceXpressClient): PlatformLifecycle {
  async function original(entry: LedgerEntry): Promise<{ document: IxDocument; path: IxDocumentType }> {
    const issued = finalDocumentOf(entry);
    const path = PATHS[issued.type] ?? 'invoices';
    const document = await client.getDocument(path, issued.moloni_document_id);
    if (!document) {
      throw new FaturadorError('DOCUMENT_NOT_FINAL', `InvoiceXpress no longer shows ${issued.number}.`, {
        document_id: issued.moloni_document_id,
      });
    }
    return { document, path };
  }

  /** What is left to credit of each line of the original, after its live credit notes. */
  async function remaining(document: IxDocument): Promise<number[]> {
    const credited = new Map<string, number>();
    for (const other of await client.relatedDocuments(document.id)) {
      if (other.type !== 'CreditNote' || !live(other) || other.owner_invoice_id !== document.id) continue;
      const full = other.items.length > 0 ? other : await client.getDocument('credit_notes', other.id);
      for (const line of full?.items ?? []) {
        credited.set(lineKey(line), (credited.get(lineKey(line)) ?? 0) + Number(line.quantity));
      }
    }
    return document.items.map((line) => {
      const key = lineKey(line);
      const used = Math.min(Number(line.quantity), credited.get(key) ?? 0);
      credited.set(key, (credited.get(key) ?? 0) - used);
      return Math.round((Number(line.quantity) - used) * 1e6) / 1e6;
    });
  }

  function creditItems(document: IxDocument, left: number[], input: CreditInput) {
    const lines = document.items;
    const chosen: NonNullable<CreditInput['items']> =
      input.items ?? lines.map((_, index) => ({ line: index + 1 }));
    const items = chosen.map((item, index) => {
      const line = lines[item.line - 1];
      if (!line) {
        throw new FaturadorError('VALIDATION_ERROR', `items[${index}].line is invalid.`, {
          issues: [{ path: `items[${index}].line`, reason: `the document has ${lines.length} line(s)` }],
        });
      }
      const quantity =
        'quantity' in item && item.quantity !== undefined ? item.quantity : (left[item.line - 1] ?? 0);
      if (quantity <= 0 || quantity > (left[item.line - 1] ?? 0) + 1e-9) {
        throw new FaturadorError(
          'CREDIT_EXCEEDS_REMAINING',
          `Line ${item.line} has ${left[item.line - 1] ?? 0} unit(s) left to credit; ${quantity} were asked.`,
          { line: item.line, remaining_quantity: left[item.line - 1] ?? 0, quantity },
        );
      }
      const rate = line.tax?.value ?? 0;
      const gross = item.grossPriceCents;
      const soldGross = Number(line.unit_price) * (1 + rate / 100);
      if (gross !== undefined && gross > Math.round(soldGross * 100)) {
        throw new FaturadorError(
          'CREDIT_EXCEEDS_REMAINING',
          `Line ${item.line} was sold at ${soldGross.toFixed(2)} per unit; ${(gross / 100).toFixed(2)} cannot be credited.`,
          { line: item.line, gross_price: Math.round(soldGross * 100) / 100 },
        );
      }
      return {
        name: line.name,
        ...(line.description ? { description: line.description } : {}),
        unit_price: gross === undefined ? Number(line.unit_price) : netUnitPrice(gross / 100, rate),
        quantity,
        ...(line.tax ? { tax: { name: line.tax.name } } : {}),
      };
    });
    if (items.length === 0) {
      throw new FaturadorError('CREDIT_EXCEEDS_REMAINING', 'Nothing is left to credit on this document.', {
        remaining: [],
      });
    }
    return items;
  }

  async function adopt(action: LifecycleAction, found: IxDocument | undefined, deps: ActionDeps) {
    if (!found) return null;
    deps.logger?.warn(
      { actionId: action.actionId, documentId: found.id },
      'adopting a document found by reference',
    );
    await deps.actions.recordDocumentId(action.actionId, found.id);
    return found.id;
  }

  return {
    // InvoiceXpress e-mails its own documents (`email-document`, with its link to the PDF), so an
    // account on InvoiceXpress needs no SMTP server of ours.
    emailChannel(document, deps): EmailChannel {
      const path = PATHS[document.type] ?? 'invoices';
      return {
        via: 'invoicexpress',
        server: 'InvoiceXpress',
        senderName: deps.mailer?.senderName ?? null,
        carriesMessageId: false,
        attaches: false,
        prepare: async () => async (mail) => {
          try {
            await client.emailDocument(path, document.moloni_document_id, {
              to: mail.to,
              subject: mail.subject,
              body: mail.text,
            });
          } catch (error) {
            throw mailErrorOf(error);
          }
          return {};
        },
      };
    },

    /** A draft already gone (a delete whose answer was lost) is done: there is nothing left to find. */
    async deleteDraft(entry): Promise<Done> {
      const draft = draftOf(entry);
      const path = PATHS[draft.type] ?? 'invoices';
      const found = await client.getDocument(path, draft.moloni_document_id);
      if (found && found.status !== 'deleted') await client.deleteDraft(path, draft.moloni_document_id);
      return { document: null, outcome: { deleted: true } };
    },

    async creditNote(action, entry, ambiguous, deps): Promise<Done> {
      const reference = action.reference ?? '';
      const { document } = await original(entry);
      let id = action.moloniDocumentId;
      if (id === null && ambiguous) {
        const [found] = (await client.findByReference(reference, { type: 'credit_notes' })).filter(live);
        id = await adopt(action, found, deps);
      }
      if (id === null) {
        const input = action.input as unknown as CreditInput;
        const left = await remaining(document);
        if (!input.items && left.every((quantity) => quantity <= 0)) {
          throw new FaturadorError(
            'CREDIT_EXCEEDS_REMAINING',
            'Nothing is left to credit on this document.',
            {
              remaining: [],
            },
          );
        }
        const items = creditItems(
          document,
          left,
          input.items
            ? input
            : {
                ...input,
                items: left.flatMap((quantity, index) =>
                  quantity > 0 ? [{ line: index + 1, quantity }] : [],
                ),
              },
        );
        const date = today(deps.now?.() ?? new Date());
        const created = await client.createDocument(
          'credit_notes',
          {
            date,
            due_date: date,
            reference,
            observations: input.reason,
            owner_invoice_id: document.id,
            ...(document.tax_exemption ? { tax_exemption: document.tax_exemption } : {}),
            client: {
              name: document.client?.name ?? '',
              ...(document.client?.code ? { code: document.client.code } : {}),
            },
            items,
          },
          { proprietaryUid: reference },
        );
        id = created.id;
        await deps.actions.recordDocumentId(action.actionId, id);
      }
      let note = await client.getDocument('credit_notes', id);
      if (note && !isFinalStatus(note.status)) note = await client.finalize('credit_notes', id);
      if (!note)
        throw new FaturadorError(
          'INVOICEXPRESS_BAD_GATEWAY',
          `InvoiceXpress does not show credit note ${id}.`,
        );
      const after = await remaining(document);
      return {
        document: {
          moloniDocumentId: note.id,
          number: numberOf(note, 'NC'),
          totalCents: cents(note.total),
          createdAt: new Date().toISOString(),
        },
        outcome: { fully_credited: after.every((quantity) => quantity <= 0) },
      };
    },

    async receipt(action, entry, ambiguous, deps): Promise<Done> {
      const issued = finalDocumentOf(entry);
      if (issued.type !== 'invoice') {
        throw new FaturadorError(
          'DOCUMENT_ALREADY_PAID',
          `${issued.number ?? 'The document'} was paid when it was issued (it is not an FT).`,
          {
            type: issued.type,
          },
        );
      }
      const reference = action.reference ?? '';
      const { document: invoice } = await original(entry);
      // A receipt carries our reference in its note (observations): that is what finds it again.
      // One read of what the invoice has: its receipts (ours carry our reference in their note)
      // and credit notes, which together say what is still open.
      const related = async () => {
        const all = (await client.relatedDocuments(invoice.id)).filter(
          (other) => live(other) && other.owner_invoice_id === invoice.id,
        );
        const receipts = all.filter((other) => other.type === 'Receipt');
        const settled = all
          .filter((other) => other.type === 'Receipt' || other.type === 'CreditNote')
          .reduce((sum, other) => sum + cents(other.total), 0);
        return { receipts, openCents: Math.max(0, cents(invoice.total) - settled) };
      };
      const before = await related();
      let found =
        action.moloniDocumentId === null && ambiguous
          ? before.receipts.find((other) => other.observations === reference)
          : undefined;
      if (found) await adopt(action, found, deps);
      if (!found && action.moloniDocumentId !== null) {
        found = before.receipts.find((other) => other.id === action.moloniDocumentId);
      }
      if (!found) {
        const input = action.input as unknown as ReceiptInput;
        const amount = payableAmount(issued.number, before.openCents, input.amountCents);
        found = await client.partialPayment(invoice.id, {
          amount: amount / 100,
          date: input.date ?? today(deps.now?.() ?? new Date()),
          mechanism: mechanismOf(input.paymentMethod),
          note: reference,
        });
        await deps.actions.recordDocumentId(action.actionId, found.id);
      }
      return {
        document: {
          moloniDocumentId: found.id,
          number: numberOf(found, 'RC'),
          totalCents: cents(found.total),
          createdAt: new Date().toISOString(),
        },
        outcome: { open_amount: (await related()).openCents / 100 },
      };
    },
  };
}
