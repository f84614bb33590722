import type { FixtureData } from '@airtable/blocks-testing/dist/types/src/mock_airtable_interface';

export const BASE_ID = 'appFaturadorTest1';
export const TABLE_ID = 'tblReservas000001';

export const FIELD = {
  guest: 'fldGuest000000001',
  nif: 'fldNif00000000001',
  gross: 'fldGross000000001',
  location: 'fldLocation000001',
  status: 'fldStatus00000001',
  number: 'fldNumber00000001',
  pdf: 'fldPdf00000000001',
  error: 'fldError000000001',
  nights: 'fldNights00000001',
  requestId: 'fldRequestId00001',
  creditNote: 'fldCreditNote0001',
  receipt: 'fldReceipt0000001',
  openAmount: 'fldOpenAmount0001',
  commission: 'fldCommission0001',
} as const;

export interface BookingRow {
  id: string;
  guest: string;
  status?: string;
  number?: string;
  nif?: string;
  location?: string;
  requestId?: string;
}

const choice = (name: string, i: number) => ({
  id: `sel${String(i).padStart(14, '0')}`,
  name,
  color: 'blueLight2',
});
const STATUS_CHOICES = ['Pronto a faturar', 'A emitir', 'Emitido', 'Rascunho', 'Erro', 'Anulado', 'Pago'].map(
  choice,
);

export function fixture(rows: BookingRow[], globalConfig: Record<string, unknown> = {}): FixtureData {
  const field = (id: string, name: string, type: string, options: Record<string, unknown> | null = null) => ({
    id,
    name,
    type,
    description: null,
    options,
  });
  return {
    globalConfig,
    base: {
      id: BASE_ID,
      name: 'Alojamento',
      workspaceId: 'wspFaturador00001',
      collaborators: [{ id: 'usrOps00000000001', name: 'Ops', email: 'ops@example.pt', isActive: true }],
      tables: [
        {
          id: TABLE_ID,
          name: 'Reservas',
          description: null,
          fields: [
            field(FIELD.guest, 'Hóspede', 'singleLineText'),
            field(FIELD.nif, 'NIF', 'singleLineText'),
            field(FIELD.gross, 'Valor bruto', 'currency', { precision: 2, symbol: '€' }),
            field(FIELD.location, 'Localização', 'singleLineText'),
            field(FIELD.status, 'Estado', 'singleSelect', { choices: STATUS_CHOICES }),
            field(FIELD.number, 'Nº fatura', 'singleLineText'),
            field(FIELD.pdf, 'PDF', 'url'),
            field(FIELD.error, 'Erro', 'multilineText'),
            field(FIELD.nights, 'Noites', 'formula', {
              isValid: true,
              referencedFieldIds: [],
              result: { type: 'number', options: { precision: 0 } },
            }),
            field(FIELD.requestId, 'ID do pedido', 'singleLineText'),
            field(FIELD.creditNote, 'Nº nota de crédito', 'singleLineText'),
            field(FIELD.receipt, 'Nº recibo', 'singleLineText'),
            field(FIELD.openAmount, 'Em dívida', 'currency', { precision: 2, symbol: '€' }),
            field(FIELD.commission, 'Comissão', 'currency', { precision: 2, symbol: '€' }),
          ],
          views: [
            {
              id: 'viwGrid0000000001',
              name: 'Grelha',
              type: 'grid',
              fieldOrder: { fieldIds: Object.values(FIELD), visibleFieldCount: 14 },
              records: rows.map((row) => ({ id: row.id, color: null })),
              isLockedView: false,
            },
          ],
          records: rows.map((row) => ({
            id: row.id,
            commentCount: 0,
            createdTime: '2026-05-01T00:00:00.000Z',
            cellValuesByFieldId: {
              [FIELD.guest]: row.guest,
              [FIELD.gross]: 360,
              [FIELD.commission]: 54,
              [FIELD.status]:
                STATUS_CHOICES.find((c) => c.name === (row.status ?? 'Pronto a faturar')) ?? null,
              [FIELD.number]: row.number ?? null,
              [FIELD.nif]: row.nif ?? null,
              [FIELD.location]: row.location ?? null,
              [FIELD.requestId]: row.requestId ?? null,
            },
          })),
        },
      ],
    },
  } as unknown as FixtureData;
}

/** A complete setup, as an admin would leave it. */
export function configured(backendUrl: string): Record<string, unknown> {
  return {
    tableId: TABLE_ID,
    fields: {
      customerName: FIELD.guest,
      nif: FIELD.nif,
      grossAmount: FIELD.gross,
      location: FIELD.location,
      status: FIELD.status,
      number: FIELD.number,
      pdfUrl: FIELD.pdf,
      error: FIELD.error,
      requestId: FIELD.requestId,
      creditNoteNumber: FIELD.creditNote,
      receiptNumber: FIELD.receipt,
      openAmount: FIELD.openAmount,
    },
    backendUrl,
    clientId: 'bookings_ops',
    apiKey: 'ak_trigger00000000001',
    apiSecret: 'as_trigger_only_0000000000000000000000',
  };
}

export const recId = (i: number) => `recBooking${String(i).padStart(7, '0')}`;
