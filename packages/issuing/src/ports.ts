import type { DocumentType, InvoiceRequest } from '@faturador/core';

/** A document as Moloni holds it after an issuance step. */
export interface IssuedDocument {
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

export interface FoundDocument {
  documentId: number;
  status: 'draft' | 'final' | 'cancelled';
  /** null for a draft. */
  number: string | null;
  /** null when Moloni did not say. */
  totalGrossCents: number | null;
}

/**
 * What the issuing layer needs from a Moloni account. `@faturador/moloni`'s client provides it;
 * keeping the port here lets this layer state exactly which calls the exactly-once logic relies on.
 */
export interface MoloniPort {
  issueDocument(
    input: { request: InvoiceRequest; ourReference: string },
    hooks?: {
      /** Right before the insert is sent; throwing stops it. */
      beforeInsert?: () => Promise<void>;
      onDraftInserted?: (documentId: number) => Promise<void>;
    },
  ): Promise<IssuedDocument>;
  /** Every document whose `our_reference` is exactly this one, whatever its status. */
  findByOurReference(ourReference: string, documentType?: DocumentType): Promise<FoundDocument[]>;
  /** Verifies and, if a final document was requested, closes a document found or inserted before. */
  completeDocument(documentId: number, request: InvoiceRequest): Promise<IssuedDocument>;
  /** The PDF file of a closed document (MOLONI_BAD_GATEWAY when Moloni gives anything else). */
  downloadPdf(documentId: number): Promise<Uint8Array<ArrayBuffer>>;
  /** The Moloni company this account issues for: references are unique within it. */
  account(): Promise<MoloniAccount>;
}

export interface MoloniAccount {
  baseUrl: string;
  companyId: number;
}

/** Resolves the Moloni account a request is issued with. */
export type MoloniResolver = (connectionId: string | null) => Promise<MoloniPort>;
