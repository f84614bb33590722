// The issuing provider port: what the issuing layer needs from one platform account, Moloni or
// InvoiceXpress. Each adapter implements it and `@faturador/issuing` consumes it; it lives here
// because the adapters cannot import issuing (issuing depends on them), and two copies of it
// would drift apart without the compiler noticing (the adapters are matched structurally).
import { FaturadorError } from './errors.ts';
import type { DocumentType, InvoiceRequest } from './invoice-request.ts';

/** A document as the platform holds it after an issuance step. */
export interface ProviderDocument {
  documentId: number;
  documentType: DocumentType;
  /** `FR M/32`; null while the document is a draft. */
  number: string | null;
  series: string;
  status: 'final' | 'draft';
  totalGrossCents: number;
  currency: 'EUR';
  createdAt: string;
  /** The customer's name on the document, as the platform holds it (null when it did not say). */
  customerName?: string | null;
}

/** A document found by our reference. */
export interface FoundProviderDocument {
  documentId: number;
  status: 'draft' | 'final' | 'cancelled';
  /** null for a draft. */
  number: string | null;
  /** null when the platform did not say. */
  totalGrossCents: number | null;
}

export interface ProviderIssueHooks {
  /**
   * Awaited right before the insert is sent (after customer, product and series are resolved): a
   * caller that must know whether the platform may hold the document records it here; throwing
   * stops the insert.
   */
  beforeInsert?: () => Promise<void>;
  /** Awaited as soon as the platform returns the draft's id, before anything else is called. */
  onDraftInserted?: (documentId: number) => Promise<void>;
}

export interface ProviderAccount {
  baseUrl: string;
  companyId: number;
}

/**
 * The calls the exactly-once logic relies on, and nothing more: insert a draft and hand its id
 * over at once, find documents by our reference after anything ambiguous, complete one found.
 */
export interface ProviderPort {
  issueDocument(
    input: { request: InvoiceRequest; ourReference: string },
    hooks?: ProviderIssueHooks,
  ): Promise<ProviderDocument>;
  /** Every document whose reference is exactly this one, whatever its status. */
  findByOurReference(ourReference: string, documentType?: DocumentType): Promise<FoundProviderDocument[]>;
  /** Verifies and, if a final document was requested, closes a document found or inserted before. */
  completeDocument(documentId: number, request: InvoiceRequest): Promise<ProviderDocument>;
  /** The PDF file of a closed document (the platform's BAD_GATEWAY code when it gives anything else). */
  downloadPdf(documentId: number): Promise<Uint8Array<ArrayBuffer>>;
  /** The company this account issues for: references are unique within it. */
  account(): Promise<ProviderAccount>;
}

/**
 * Adds the document id to an error raised after the draft exists, so the caller can adopt that
 * document instead of inserting another. An error that already names a document keeps its own.
 */
export function withDocumentId(error: unknown, documentId: number): unknown {
  if (!(error instanceof FaturadorError) || error.details?.document_id !== undefined) return error;
  return new FaturadorError(
    error.code,
    error.message,
    { ...error.details, document_id: documentId },
    { cause: error },
  );
}
