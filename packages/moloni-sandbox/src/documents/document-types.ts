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
  // Credit notes (NC, id 3): moloni-pt/woocommerce src/Enums/DocumentTypes.php; saft_code in the
  // real creditNotes/getAll answer of machinagod/moloni-client-ts.
  creditNotes: {
    endpoint: 'creditNotes',
    document_type_id: 3,
    saft_code: 'NC',
    title: 'Nota de Crédito',
    selfPaid: false,
  },
} as const satisfies Record<string, DocumentTypeInfo>;

/**
 * Receipts (id 2, saft_code `RE` in the real receipts/getAll answer of machinagod/moloni-client-ts)
 * take no lines: they settle invoices (see receipts.ts).
 */
export const RECEIPT_TYPE: DocumentTypeInfo = {
  endpoint: 'receipts',
  document_type_id: 2,
  saft_code: 'RE',
  title: 'Recibo',
  selfPaid: false,
};

/** The types a credit note may correct (TYPES_CONVERTS_TO_CREDIT_NOTES in the official plugin). */
export const CREDITABLE_TYPE_IDS: ReadonlySet<number> = new Set([1, 20, 27]);

export function documentTypeById(id: number): DocumentTypeInfo | undefined {
  if (id === RECEIPT_TYPE.document_type_id) return RECEIPT_TYPE;
  return Object.values(DOCUMENT_TYPES).find((type) => type.document_type_id === id);
}
