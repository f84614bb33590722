// Ids from the official WooCommerce plugin (`src/Enums/DocumentTypes.php`): FT 1, FS 20, FR 27.

export interface DocumentTypeInfo {
  /** The API class: `invoiceReceipts/insert` etc. */
  readonly endpoint: string;
  readonly document_type_id: number;
  readonly saft_code: string;
  readonly title: string;
  /** FR and FS are paid on issue and carry `payments`; FT does not. */
  readonly selfPaid: boolean;
}

export const DOCUMENT_TYPES = {
  invoices: { endpoint: 'invoices', document_type_id: 1, saft_code: 'FT', title: 'Fatura', selfPaid: false },
  invoiceReceipts: {
    endpoint: 'invoiceReceipts',
    document_type_id: 27,
    saft_code: 'FR',
    title: 'Fatura-Recibo',
    selfPaid: true,
  },
  simplifiedInvoices: {
    endpoint: 'simplifiedInvoices',
    document_type_id: 20,
    saft_code: 'FS',
    title: 'Fatura Simplificada',
    selfPaid: true,
  },
} as const satisfies Record<string, DocumentTypeInfo>;

export function documentTypeById(id: number): DocumentTypeInfo | undefined {
  return Object.values(DOCUMENT_TYPES).find((type) => type.document_type_id === id);
}
