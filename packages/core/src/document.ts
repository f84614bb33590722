import type { DocumentStatus, DocumentType } from './invoice-request.ts';

/** An issued document as the API shows it (the seed's success body, plus `status`). */
export interface DocumentView {
  type: DocumentType;
  status: DocumentStatus;
  moloni_document_id: number;
  /** `FR M/32`; null for a draft, which Moloni numbers only when it is closed. */
  number: string | null;
  series: string;
  total_gross: number;
  currency: 'EUR';
  pdf_url: string | null;
  created_at: string;
}

export interface SuccessEnvelope {
  success: true;
  request_id: string;
  reference: string;
  document: DocumentView;
}
