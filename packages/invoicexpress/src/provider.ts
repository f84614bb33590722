// InvoiceXpress as an issuing provider: the same steps and guarantees as the Moloni client gives
// the issuing layer (insert a draft, hand its id over at once, read the total back, close it only
// when it is the requested one to the cent; find documents by our reference after anything
// ambiguous). The shapes are core's provider port, which issuing consumes.
import {
  type DocumentType,
  FaturadorError,
  type FoundProviderDocument,
  type InvoiceLine,
  type InvoiceRequest,
  lisbonDate,
  type ProviderDocument,
  type ProviderIssueHooks,
  type ProviderPort,
  withDocumentId,
} from '@faturador/core';
import type { InvoiceXpressClient } from './client.ts';
import { documentClientOf } from './document-client.ts';
import { documentTotals, netUnitPrice } from './pricing.ts';
import {
  type IxDocument,
  type IxDocumentInput,
  type IxDocumentType,
  type IxTax,
  isFinalStatus,
} from './types.ts';

const PATHS: Record<DocumentType, IxDocumentType> = {
  invoice: 'invoices',
  invoice_receipt: 'invoice_receipts',
  simplified_invoice: 'simplified_invoices',
};

/** The AT code each type's number carries (InvoiceXpress shows only `<n>/<serie>`). */
const CODES: Record<DocumentType, string> = {
  invoice: 'FT',
  invoice_receipt: 'FR',
  simplified_invoice: 'FS',
};

const TYPES_OF_KIND: Record<string, DocumentType | undefined> = {
  Invoice: 'invoice',
  InvoiceReceipt: 'invoice_receipt',
  SimplifiedInvoice: 'simplified_invoice',
};

/** `FT A/12` for InvoiceXpress's `12/A`; null for a draft (its "number" reads `rascunho`). */
function numberOf(document: IxDocument, type: DocumentType | undefined): string | null {
  const [sequential, serie] = (document.sequence_number ?? '').split('/');
  if (!type || !isFinalStatus(document.status) || !sequential || !serie) return null;
  return `${CODES[type]} ${serie}/${sequential}`;
}

const toCentsOf = (euros: number) => Math.round(euros * 100);

const euros = (cents: number) => (cents / 100).toFixed(2);

export interface InvoiceXpressProviderOptions {
  /** What references are unique in: one InvoiceXpress account is one company. */
  accountUrl: string;
  /** The time a PDF may take to be generated before the download gives up (default 10 s). */
  pdfBudgetMs?: number;
}

/**
 * The issuing port of one InvoiceXpress account. Taxes are found by rate and zone (the account's
 * own names), the series by name or the account's default, the client by its NIF (updated with
 * new details) or created: see document-client.ts.
 */
export function createInvoiceXpressProvider(
  client: InvoiceXpressClient,
  options: InvoiceXpressProviderOptions,
) {
  let taxes: Promise<IxTax[]> | null = null;
  const taxesOnce = () => {
    taxes ??= client.taxes().catch((error: unknown) => {
      taxes = null;
      throw error;
    });
    return taxes;
  };

  async function taxOf(line: InvoiceLine, index: number, zone: string): Promise<IxTax> {
    const all = await taxesOnce();
    const found =
      all.find((tax) => tax.value === line.vatRate && tax.region === zone) ??
      (zone === 'PT' ? undefined : all.find((tax) => tax.value === line.vatRate && tax.region === 'PT'));
    if (!found) {
      // An unknown name would silently become the account's default tax: refuse before writing.
      throw new FaturadorError(
        'INVOICEXPRESS_BUSINESS_ERROR',
        `This InvoiceXpress account has no ${line.vatRate}% tax for ${zone}: add it in Settings → Taxes.`,
        {
          provider: 'invoicexpress',
          path: `items[${index}].vat_rate`,
          rate: line.vatRate,
          zone,
          outcome: 'not_applied',
        },
      );
    }
    return found;
  }

  async function inputOf(request: InvoiceRequest, ourReference: string): Promise<IxDocumentInput> {
    const items = await Promise.all(
      request.lines.map(async (line, index) => {
        const tax = await taxOf(line, index, request.fiscalZone);
        return {
          name: line.product,
          ...(line.description ? { description: line.description } : {}),
          unit_price: netUnitPrice(line.unitGrossCents / 100, tax.value),
          quantity: line.quantity,
          tax: { name: tax.name },
          rate: tax.value,
        };
      }),
    );
    const totals = documentTotals(
      items.map((item) => ({ unitPrice: item.unit_price, quantity: item.quantity, rate: item.rate })),
    );
    if (toCentsOf(totals.total) !== request.totalGrossCents) {
      throw new FaturadorError(
        'TOTAL_UNREACHABLE',
        `InvoiceXpress would total ${totals.total.toFixed(2)} EUR instead of ${euros(request.totalGrossCents)} EUR (it prices net of VAT and rounds the document once). Nothing was issued.`,
        {
          provider: 'invoicexpress',
          requested_total: euros(request.totalGrossCents),
          reachable_total: totals.total.toFixed(2),
        },
      );
    }
    const exempt = request.lines.find((line) => line.vatRate === 0 && line.exemptionReason);
    const sequence = request.series ? await client.sequence(request.series) : null;
    if (request.series && !sequence) {
      throw new FaturadorError(
        'INVOICEXPRESS_BUSINESS_ERROR',
        `This InvoiceXpress account has no series ${request.series}.`,
        { provider: 'invoicexpress', path: 'series', outcome: 'not_applied' },
      );
    }
    const date = request.date ?? lisbonDate(Date.now());
    return {
      date,
      due_date: request.dueDate ?? date,
      reference: ourReference,
      ...(request.notes ? { observations: request.notes } : {}),
      ...(exempt?.exemptionReason ? { tax_exemption: exempt.exemptionReason } : {}),
      ...(sequence ? { sequence_id: sequence.id } : {}),
      client: await documentClientOf(client, request.customer),
      items: items.map(({ rate: _rate, ...item }) => item),
    };
  }

  function issued(document: IxDocument, type: DocumentType): ProviderDocument {
    const final = isFinalStatus(document.status);
    return {
      documentId: document.id,
      documentType: type,
      number: numberOf(document, type),
      series: (document.sequence_number ?? '').split('/')[1] ?? '',
      status: final ? 'final' : 'draft',
      totalGrossCents: toCentsOf(document.total),
      currency: 'EUR',
      createdAt: new Date().toISOString(),
      customerName: document.client?.name ?? null,
    };
  }

  async function finish(documentId: number, request: InvoiceRequest): Promise<ProviderDocument> {
    const type = PATHS[request.documentType];
    const document = await client.getDocument(type, documentId);
    if (!document) {
      throw new FaturadorError(
        'INVOICEXPRESS_BAD_GATEWAY',
        `InvoiceXpress does not show document ${documentId}.`,
        {
          provider: 'invoicexpress',
          document_id: documentId,
        },
      );
    }
    if (isFinalStatus(document.status) || request.status === 'draft') {
      if (!isFinalStatus(document.status) && toCentsOf(document.total) !== request.totalGrossCents) {
        throw mismatch(documentId, request.totalGrossCents, document.total);
      }
      return issued(document, request.documentType);
    }
    if (toCentsOf(document.total) !== request.totalGrossCents) {
      throw mismatch(documentId, request.totalGrossCents, document.total);
    }
    return issued(await client.finalize(type, documentId), request.documentType);
  }

  return {
    async issueDocument(
      input: { request: InvoiceRequest; ourReference: string },
      hooks: ProviderIssueHooks = {},
    ): Promise<ProviderDocument> {
      const body = await inputOf(input.request, input.ourReference);
      await hooks.beforeInsert?.();
      const draft = await client.createDocument(PATHS[input.request.documentType], body, {
        proprietaryUid: input.ourReference,
      });
      try {
        await hooks.onDraftInserted?.(draft.id);
        return await finish(draft.id, input.request);
      } catch (error) {
        throw withDocumentId(error, draft.id);
      }
    },

    async completeDocument(documentId: number, request: InvoiceRequest): Promise<ProviderDocument> {
      try {
        return await finish(documentId, request);
      } catch (error) {
        throw withDocumentId(error, documentId);
      }
    },

    async findByOurReference(
      ourReference: string,
      documentType?: DocumentType,
    ): Promise<FoundProviderDocument[]> {
      const found = await client.findByReference(
        ourReference,
        documentType ? { type: PATHS[documentType] } : {},
      );
      return found.map((document) => ({
        documentId: document.id,
        status:
          document.status === 'canceled' ? 'cancelled' : isFinalStatus(document.status) ? 'final' : 'draft',
        number: numberOf(document, TYPES_OF_KIND[document.type]),
        totalGrossCents: toCentsOf(document.total),
      }));
    },

    async downloadPdf(documentId: number): Promise<Uint8Array<ArrayBuffer>> {
      const pdf = await client.downloadPdf(documentId, { budgetMs: options.pdfBudgetMs ?? 10_000 });
      return new Uint8Array(pdf);
    },

    async account() {
      return { baseUrl: options.accountUrl, companyId: 1 };
    },
  } satisfies ProviderPort;
}

function mismatch(documentId: number, expectedCents: number, actualEuros: number): FaturadorError {
  const actualCents = toCentsOf(actualEuros);
  return new FaturadorError(
    'TOTAL_MISMATCH',
    `InvoiceXpress computed ${euros(actualCents)} EUR for document ${documentId} instead of ${euros(expectedCents)} EUR; it was left as a draft for review.`,
    {
      provider: 'invoicexpress',
      document_id: documentId,
      expected: euros(expectedCents),
      actual: euros(actualCents),
      expectedCents,
      actualCents,
      status: 'draft',
    },
  );
}

export type InvoiceXpressProvider = ReturnType<typeof createInvoiceXpressProvider>;
