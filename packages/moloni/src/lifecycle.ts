// What happens to a document after it is issued: finalizing or deleting a draft, crediting it
// (creditNotes), settling an FT (receipts). How the official plugin does each, and Moloni's rules,
// are in packages/moloni-sandbox/README.md ("After issuing").
import { type DocumentType, FaturadorError, roundToCents } from '@faturador/core';
import {
  DOCUMENT_CLASSES,
  pickPaymentMethod,
  seriesNameOf,
  statusOf,
  totalCentsOf,
} from './document-model.ts';
import { unexpectedShape } from './errors.ts';
import type { MoloniDocument, MoloniDocumentSummary } from './moloni-types.ts';
import type { ReferenceData } from './reference-data.ts';
import type { MoloniSession } from './session.ts';

type Numeric = number | string;

/** A line of documents/getUnrelatedProducts: an original line with the quantity still uncredited. */
export interface UnrelatedLine {
  document_product_id: number;
  product_id: number;
  name: string;
  summary?: string;
  qty: Numeric;
  price: Numeric;
  discount?: Numeric;
  exemption_reason?: string;
  taxes?: Array<{ tax_id: number; value?: Numeric; order?: Numeric; cumulative?: Numeric }>;
}

/** One line to credit: the original line, how many units and at which net unit price. */
export interface CreditLine {
  line: UnrelatedLine;
  qty: number;
  price: number;
}

export interface LifecycleDocument {
  documentId: number;
  /** `NC M/1`, `RE M/1`; null while a draft. */
  number: string | null;
  status: 'draft' | 'final' | 'cancelled';
  totalCents: number;
  ourReference: string;
  notes: string;
  associatedIds: number[];
}

interface DetailedDocument extends MoloniDocument {
  notes?: string;
  reconciled_value?: Numeric;
  associated_documents?: Array<{ associated_id: number; value?: Numeric }>;
  customer_id?: number;
}

export interface LifecycleDeps {
  session: MoloniSession;
  referenceData: ReferenceData;
  company: () => Promise<number>;
}

const CREDIT_NOTES = 'creditNotes';
const RECEIPTS = 'receipts';

export class LifecycleService {
  constructor(private readonly deps: LifecycleDeps) {}

  /** The document with its lines, associations and reconciled value (documents/getOne). */
  async document(documentId: number): Promise<DetailedDocument> {
    const companyId = await this.deps.company();
    const result = (await this.deps.session.read('documents/getOne', {
      company_id: companyId,
      document_id: documentId,
    })) as DetailedDocument | null;
    if (result === null || typeof result !== 'object' || Number(result.document_id) !== documentId) {
      throw new FaturadorError('NOT_FOUND', `Moloni has no document ${documentId}.`, {
        document_id: documentId,
      });
    }
    return result;
  }

  /** `<type>/delete`: Moloni deletes drafts only (a closed document needs a credit note). */
  async deleteDraft(documentType: DocumentType, documentId: number): Promise<void> {
    const companyId = await this.deps.company();
    await this.deps.session.write(`${DOCUMENT_CLASSES[documentType]}/delete`, {
      company_id: companyId,
      document_id: documentId,
    });
  }

  /** The lines not yet fully credited (what the official plugin reads before a credit note). */
  async unrelatedLines(documentId: number): Promise<UnrelatedLine[]> {
    const companyId = await this.deps.company();
    const lines = await this.deps.session.read('documents/getUnrelatedProducts', {
      company_id: companyId,
      document_id: documentId,
    });
    if (!Array.isArray(lines)) throw unexpectedShape('documents/getUnrelatedProducts', 'read', 'an array');
    return lines as UnrelatedLine[];
  }

  /**
   * Inserts a credit note as a draft, the way the official plugin builds it: the original as the
   * associated document (value 0 when it was paid on issue), each line related to its original line.
   */
  async insertCreditNote(input: {
    original: DetailedDocument;
    paidOnIssue: boolean;
    ourReference: string;
    reason: string;
    lines: CreditLine[];
    valueCents: number;
    date: string;
  }): Promise<number> {
    const companyId = await this.deps.company();
    const { original } = input;
    return this.deps.session.insert(
      `${CREDIT_NOTES}/insert`,
      {
        company_id: companyId,
        date: input.date,
        document_set_id: original.document_set_id,
        customer_id: original.customer_id,
        our_reference: input.ourReference,
        notes: input.reason,
        status: 0,
        associated_documents: [
          { associated_id: original.document_id, value: input.paidOnIssue ? 0 : input.valueCents / 100 },
        ],
        products: input.lines.map(({ line, qty, price }, order) => ({
          product_id: line.product_id,
          name: line.name,
          summary: line.summary ?? '',
          qty,
          price,
          discount: Number(line.discount ?? 0),
          order,
          exemption_reason: line.exemption_reason ?? '',
          taxes: (line.taxes ?? []).map((tax) => ({
            tax_id: tax.tax_id,
            value: Number(tax.value ?? 0),
            order: Number(tax.order ?? 0),
            cumulative: Number(tax.cumulative ?? 0),
          })),
          related_id: line.document_product_id,
          origin_id: original.document_id,
        })),
      },
      'document_id',
    );
  }

  /** Closes a credit-note draft with what the plugin sends: status, associations and value. */
  async closeCreditNote(documentId: number, associatedDocuments: unknown, netValue: number): Promise<void> {
    const companyId = await this.deps.company();
    await this.deps.session.write(`${CREDIT_NOTES}/update`, {
      company_id: companyId,
      document_id: documentId,
      status: 1,
      net_value: netValue,
      associated_documents: associatedDocuments,
    });
  }

  /** A receipt for an FT, inserted closed (receipts/insert with status 1 reconciles the invoice). */
  async insertReceipt(input: {
    invoice: DetailedDocument;
    ourReference: string;
    amountCents: number;
    date: string;
    paymentMethod: string | undefined;
  }): Promise<number> {
    const companyId = await this.deps.company();
    const methods = await this.deps.referenceData.paymentMethods(companyId);
    const method = pickPaymentMethod(methods, input.paymentMethod);
    const value = input.amountCents / 100;
    return this.deps.session.insert(
      `${RECEIPTS}/insert`,
      {
        company_id: companyId,
        date: input.date,
        document_set_id: input.invoice.document_set_id,
        customer_id: input.invoice.customer_id,
        net_value: value,
        // receipts/update documents no our_reference: the notes carry it too, for reconciliation.
        our_reference: input.ourReference,
        notes: input.ourReference,
        associated_documents: [{ associated_id: input.invoice.document_id, value }],
        ...(method
          ? {
              payments: [{ payment_method_id: method.payment_method_id, date: input.date, value, notes: '' }],
            }
          : {}),
        status: 1,
      },
      'document_id',
    );
  }

  /** Credit notes whose `our_reference` is exactly this one (creditNotes/getAll, compared here). */
  async findCreditNotes(ourReference: string): Promise<LifecycleDocument[]> {
    const companyId = await this.deps.company();
    const items = await this.deps.session.listAll<MoloniDocumentSummary>(`${CREDIT_NOTES}/getAll`, {
      company_id: companyId,
      our_reference: ourReference,
    });
    const matches = items.filter((item) => item.our_reference === ourReference);
    return Promise.all(
      matches.map(async (item) => this.describe(await this.document(item.document_id), 'NC')),
    );
  }

  /**
   * Receipts of this invoice made for this reference. Receipts may not keep `our_reference`, so a
   * receipt of the invoice's customer that settles it and names the reference in its notes counts too.
   */
  async findReceipts(invoice: DetailedDocument, ourReference: string): Promise<LifecycleDocument[]> {
    const companyId = await this.deps.company();
    const items = await this.deps.session.listAll<MoloniDocumentSummary & DetailedDocument>(
      `${RECEIPTS}/getAll`,
      {
        company_id: companyId,
        customer_id: invoice.customer_id,
      },
    );
    const found: LifecycleDocument[] = [];
    for (const item of items) {
      const settles = (item.associated_documents ?? []).some(
        (a) => Number(a.associated_id) === invoice.document_id,
      );
      if (!settles && item.associated_documents !== undefined) continue;
      const receipt = this.describe(await this.document(item.document_id), 'RE');
      const named =
        receipt.ourReference === ourReference || receipt.notes.split(/\s+/).includes(ourReference);
      if (named && receipt.associatedIds.includes(invoice.document_id)) found.push(receipt);
    }
    return found;
  }

  /** Closes a draft and has Moloni e-mail it (`send_email` on the closing update, as the plugins do). */
  async closeWithEmail(
    documentType: DocumentType,
    documentId: number,
    recipient: { email: string; name: string },
  ): Promise<void> {
    const companyId = await this.deps.company();
    await this.deps.session.write(`${DOCUMENT_CLASSES[documentType]}/update`, {
      company_id: companyId,
      document_id: documentId,
      status: 1,
      send_email: [{ email: recipient.email, name: recipient.name, msg: '' }],
    });
  }

  describe(document: DetailedDocument, code: 'NC' | 'RE'): LifecycleDocument {
    const status = statusOf(document);
    const series = seriesNameOf(document) ?? '';
    const number = Number(document.number);
    return {
      documentId: document.document_id,
      number:
        status === 'final' && number > 0
          ? `${document.document_type?.saft_code || code} ${series}/${number}`
          : null,
      status,
      totalCents: totalCentsOf(document) ?? 0,
      ourReference: document.our_reference ?? '',
      notes: document.notes ?? '',
      associatedIds: (document.associated_documents ?? []).map((a) => Number(a.associated_id)),
    };
  }
}

/** What is still to pay on an FT: its total less what credit notes and receipts reconciled. */
export function openAmountCents(document: DetailedDocument): number {
  const total = totalCentsOf(document) ?? 0;
  const reconciled = roundToCents(Number(document.reconciled_value ?? 0));
  return Math.max(0, total - reconciled);
}

export type { DetailedDocument };
