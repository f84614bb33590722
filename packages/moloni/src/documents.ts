import { type DocumentType, FaturadorError, type InvoiceRequest, withDocumentId } from '@faturador/core';
import type { CustomerContext } from './customers.ts';
import { buildDocumentBody } from './document-body.ts';
import {
  DOCUMENT_CLASSES,
  documentTypeOf,
  type FoundDocument,
  humanNumber,
  type IssueDocumentInput,
  type IssuedDocument,
  type IssueHooks,
  seriesNameOf,
  statusOf,
  totalCentsOf,
  totalMismatch,
  totalsOf,
} from './document-model.ts';
import { unexpectedShape } from './errors.ts';
import type { MoloniDocument, MoloniDocumentSummary } from './moloni-types.ts';
import type { ProductCatalog } from './products.ts';
import type { ReferenceData } from './reference-data.ts';
import { refusedOverCachedId } from './resolution-cache.ts';
import type { MoloniSession } from './session.ts';

/** How the PDF download counts in the call stats. */
const PDF_DOWNLOAD = 'downloads/getDownload';

/**
 * Where Moloni serves files: www.moloni.pt for the production API (api.moloni.pt), else the host
 * of the configured base URL, so that a local double serves them too.
 */
export function downloadOriginOf(baseUrl: string): string {
  const url = new URL(baseUrl);
  return url.hostname === 'api.moloni.pt' ? 'https://www.moloni.pt' : url.origin;
}

/** The direct download of a getPDFLink link: its query, on `downloads/index.php?action=getDownload`. */
export function pdfDownloadUrl(origin: string, link: string): string {
  const query = new URL(link).searchParams;
  query.delete('action');
  // Every public client sends `e` (an e-mail, apparently for Moloni's download log); empty will do.
  if (!query.has('e')) query.set('e', '');
  return `${origin}/downloads/index.php?action=getDownload&${query}`;
}

export interface DocumentServiceDeps {
  /** Origin of Moloni's file downloads (see downloadOriginOf). */
  downloadOrigin: string;
  session: MoloniSession;
  referenceData: ReferenceData;
  customers: CustomerContext;
  catalog: ProductCatalog;
  company: () => Promise<number>;
  now: () => number;
  /** Forgets a company's cached customer and product ids (after Moloni refused one of them). */
  forgetResolutions?: (companyId: number) => void;
}

function isMissingFields(error: unknown): boolean {
  const errors = error instanceof FaturadorError ? error.details?.errors : undefined;
  return (
    error instanceof FaturadorError &&
    error.code === 'MOLONI_BUSINESS_ERROR' &&
    Array.isArray(errors) &&
    errors.some((entry: { code?: unknown }) => entry.code === 1)
  );
}

export class DocumentService {
  constructor(private readonly deps: DocumentServiceDeps) {}

  /**
   * Issues a document the way the official plugin does: insert a draft, read Moloni's total back,
   * and close it only if the total is the requested one to the cent. The draft's id is handed to
   * `onDraftInserted` before anything else, so a crash later leaves a document the caller knows.
   */
  async issue(input: IssueDocumentInput, hooks: IssueHooks = {}): Promise<IssuedDocument> {
    const { request } = input;
    const companyId = await this.deps.company();
    let body = await buildDocumentBody(this.deps, companyId, input);
    const documentClass = DOCUMENT_CLASSES[request.documentType];
    await hooks.beforeInsert?.();
    let documentId: number;
    try {
      documentId = await this.deps.session.insert(`${documentClass}/insert`, body, 'document_id');
    } catch (error) {
      // A refusal over a customer or product id: one cached id went stale (deleted or merged in
      // Moloni). The refused insert wrote nothing, so it is sent once more with fresh lookups.
      if (!this.deps.forgetResolutions || !refusedOverCachedId(error)) throw error;
      this.deps.forgetResolutions(companyId);
      body = await buildDocumentBody(this.deps, companyId, input);
      documentId = await this.deps.session.insert(`${documentClass}/insert`, body, 'document_id');
    }
    try {
      await hooks.onDraftInserted?.(documentId);
      return await this.finish(companyId, documentId, request, body);
    } catch (error) {
      throw withDocumentId(error, documentId);
    }
  }

  /**
   * Takes over a document found after an ambiguous failure: a draft is verified and closed (when
   * a final document was requested), a closed one is returned as it is.
   */
  async complete(documentId: number, request: InvoiceRequest): Promise<IssuedDocument> {
    const companyId = await this.deps.company();
    try {
      return await this.finish(companyId, documentId, request, undefined);
    } catch (error) {
      throw withDocumentId(error, documentId);
    }
  }

  /**
   * Documents whose `our_reference` is exactly `ourReference`. Goes through getAll (getOne would
   * hide duplicates) and compares the reference itself, since Moloni's matching is undocumented.
   */
  async findByOurReference(
    ourReference: string,
    documentType?: DocumentType,
    options: { year?: number } = {},
  ): Promise<FoundDocument[]> {
    const companyId = await this.deps.company();
    const endpoint = documentType ? `${DOCUMENT_CLASSES[documentType]}/getAll` : 'documents/getAll';
    const items = await this.deps.session.listAll<MoloniDocumentSummary>(endpoint, {
      company_id: companyId,
      our_reference: ourReference,
      ...(options.year === undefined ? {} : { year: options.year }),
    });
    const found = items.filter((item) => item.our_reference === ourReference);
    return Promise.all(
      found.map(async (item): Promise<FoundDocument> => {
        const type = documentTypeOf(item) ?? documentType ?? null;
        const series = await this.seriesName(companyId, item);
        const status = statusOf(item);
        return {
          documentId: item.document_id,
          documentType: type,
          status,
          number: type && series && status !== 'draft' ? humanNumber(type, series, item.number) : null,
          series,
          ourReference: item.our_reference ?? '',
          totalGrossCents: totalCentsOf(item),
          date: item.date ?? null,
          companyId,
        };
      }),
    );
  }

  /** A download link for a closed document; fetched on demand, since its lifetime is unknown. */
  async pdfLink(documentId: number, options: { signed?: boolean } = {}): Promise<string> {
    const companyId = await this.deps.company();
    const result = (await this.deps.session.read('documents/getPDFLink', {
      company_id: companyId,
      document_id: documentId,
      ...(options.signed ? { signed: 1 } : {}),
    })) as { url?: unknown } | null;
    if (typeof result?.url !== 'string') throw unexpectedShape('documents/getPDFLink', 'read', 'a url');
    return result.url;
  }

  /**
   * The PDF file of a closed document. getPDFLink's URL is a landing page for people; the file is
   * at `downloads/index.php?action=getDownload&<that link's query>` on the download host, as the
   * official plugin fetches it (moloni-pt/woocommerce, src/Services/Documents/DownloadDocument.php).
   * Anything that is not a PDF is Moloni's fault, never handed out as one.
   */
  async downloadPdf(documentId: number): Promise<Uint8Array<ArrayBuffer>> {
    const link = await this.pdfLink(documentId);
    const url = pdfDownloadUrl(this.deps.downloadOrigin, link);
    const file = await this.deps.session.download(PDF_DOWNLOAD, url);
    const isPdf = Buffer.from(file.bytes.subarray(0, 4)).toString('latin1') === '%PDF';
    if (file.status !== 200 || !isPdf) {
      throw new FaturadorError(
        'MOLONI_BAD_GATEWAY',
        `Moloni's download of document ${documentId} gave no PDF (HTTP ${file.status}, ${file.contentType || 'no content type'}).`,
        {
          provider: 'moloni',
          endpoint: PDF_DOWNLOAD,
          document_id: documentId,
          status: file.status,
          contentType: file.contentType,
          outcome: 'not_applied',
        },
      );
    }
    return file.bytes;
  }

  private async finish(
    companyId: number,
    documentId: number,
    request: InvoiceRequest,
    insertBody: Record<string, unknown> | undefined,
  ): Promise<IssuedDocument> {
    let document = await this.getOne(companyId, documentId);
    const type = documentTypeOf(document) ?? request.documentType;
    if (type !== request.documentType) {
      throw new FaturadorError(
        'REFERENCE_ALREADY_ISSUED',
        `Moloni document ${documentId} is a ${type}, not the requested ${request.documentType}.`,
        { document_id: documentId, documentType: type },
      );
    }
    const status = statusOf(document);
    if (status === 'cancelled') {
      throw new FaturadorError('REFERENCE_ALREADY_ISSUED', `Moloni document ${documentId} was cancelled.`, {
        document_id: documentId,
        status,
      });
    }
    if (status === 'draft' && request.status === 'draft') {
      // A requested draft is checked too: a total Moloni surprised us with is flagged, not returned.
      const actual = totalCentsOf(document);
      if (actual !== request.totalGrossCents)
        throw totalMismatch(documentId, request.totalGrossCents, actual);
    }
    if (status === 'draft' && request.status === 'final') {
      const actual = totalCentsOf(document);
      if (actual !== request.totalGrossCents)
        throw totalMismatch(documentId, request.totalGrossCents, actual);
      await this.close(DOCUMENT_CLASSES[type], companyId, documentId, insertBody);
      // The number and ATCUD are only final once the document is closed: read them again.
      document = await this.getOne(companyId, documentId);
      if (statusOf(document) !== 'final')
        throw unexpectedShape('documents/getOne', 'read', 'a closed document');
    }
    return this.toIssued(companyId, type, document);
  }

  private async close(
    documentClass: string,
    companyId: number,
    documentId: number,
    insertBody: Record<string, unknown> | undefined,
  ): Promise<void> {
    const endpoint = `${documentClass}/update`;
    try {
      // What the official plugin sends to close a draft.
      await this.deps.session.write(endpoint, { company_id: companyId, document_id: documentId, status: 1 });
    } catch (error) {
      // The docs list the insert's whole field set as required for update too: if Moloni insists,
      // close with exactly what we inserted (a rejected update changed nothing).
      if (!insertBody || !isMissingFields(error)) throw error;
      await this.deps.session.write(endpoint, { ...insertBody, document_id: documentId, status: 1 });
    }
  }

  private async getOne(companyId: number, documentId: number): Promise<MoloniDocument> {
    const result = await this.deps.session.read('documents/getOne', {
      company_id: companyId,
      document_id: documentId,
    });
    const document = result as MoloniDocument | null;
    if (document === null || typeof document !== 'object' || Number(document.document_id) !== documentId) {
      throw new FaturadorError('NOT_FOUND', `Moloni has no document ${documentId}.`, {
        document_id: documentId,
      });
    }
    return document;
  }

  private async seriesName(companyId: number, document: MoloniDocumentSummary): Promise<string | null> {
    const named = seriesNameOf(document);
    if (named) return named;
    const sets = await this.deps.referenceData.documentSets(companyId);
    return sets.find((set) => set.document_set_id === document.document_set_id)?.name ?? null;
  }

  private async toIssued(
    companyId: number,
    type: DocumentType,
    document: MoloniDocument,
  ): Promise<IssuedDocument> {
    const series = (await this.seriesName(companyId, document)) ?? '';
    const final = statusOf(document) === 'final';
    return {
      documentId: document.document_id,
      documentType: type,
      number: final ? humanNumber(type, series, document.number) : null,
      series,
      status: final ? 'final' : 'draft',
      totalGrossCents: totalCentsOf(document) ?? 0,
      totals: totalsOf(document),
      currency: 'EUR',
      createdAt: new Date(this.deps.now()).toISOString(),
      companyId,
      // An existing customer is issued under the name Moloni holds for it, which may differ.
      customerName:
        typeof document.entity_name === 'string' && document.entity_name ? document.entity_name : null,
    };
  }
}
