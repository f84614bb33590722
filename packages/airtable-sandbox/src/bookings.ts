import type { FakeBaseSeed, FakeRecordSeed } from './model.ts';

/**
 * The seeds' use case as a base: a table of bookings (guest, stay, gross, platform commission,
 * property location) and the result fields. Shared by the tests and the end-to-end demo.
 */
export const BOOKINGS_BASE_ID = 'appFaturadorDemo1';
export const BOOKINGS_TABLE_ID = 'tblBookings000001';
export const BOOKINGS_PAT =
  'patFakeDemoToken1.0000000000000000000000000000000000000000000000000000000000000000';

export const BOOKING_FIELDS = {
  guest: 'Hóspede',
  nif: 'NIF',
  email: 'Email',
  address: 'Morada',
  checkIn: 'Check-in',
  checkOut: 'Check-out',
  gross: 'Valor bruto',
  commission: 'Comissão',
  location: 'Localização',
  vatRate: 'Taxa IVA',
  status: 'Estado',
  number: 'Nº fatura',
  pdf: 'PDF',
  error: 'Erro',
  issuedAt: 'Emitida em',
  issuedAtText: 'Emitida em (texto)',
  requestId: 'ID do pedido',
  documentId: 'ID Moloni',
  creditNote: 'Nº nota de crédito',
  receipt: 'Nº recibo',
  openAmount: 'Em dívida',
  nights: 'Noites',
} as const;

const F = BOOKING_FIELDS;

export function bookingsBaseSeed(records: FakeRecordSeed[] = []): FakeBaseSeed {
  return {
    id: BOOKINGS_BASE_ID,
    tables: [
      {
        id: BOOKINGS_TABLE_ID,
        name: 'Reservas',
        fields: [
          { name: F.guest, type: 'singleLineText' },
          { name: F.nif, type: 'singleLineText' },
          { name: F.email, type: 'email' },
          { name: F.address, type: 'singleLineText' },
          { name: F.checkIn, type: 'date' },
          { name: F.checkOut, type: 'date' },
          { name: F.gross, type: 'currency' },
          { name: F.commission, type: 'currency' },
          {
            name: F.location,
            type: 'singleSelect',
            options: { choices: ['Lisboa', 'Porto', 'Funchal', 'Ponta Delgada'] },
          },
          { name: F.vatRate, type: 'percent' },
          {
            name: F.status,
            type: 'singleSelect',
            options: {
              choices: ['Pronto a faturar', 'A emitir', 'Emitido', 'Rascunho', 'Erro', 'Anulado', 'Pago'],
            },
          },
          { name: F.number, type: 'singleLineText' },
          { name: F.pdf, type: 'url' },
          { name: F.error, type: 'multilineText' },
          { name: F.issuedAt, type: 'dateTime' },
          { name: F.issuedAtText, type: 'singleLineText' },
          { name: F.requestId, type: 'singleLineText' },
          { name: F.documentId, type: 'singleLineText' },
          { name: F.creditNote, type: 'singleLineText' },
          { name: F.receipt, type: 'singleLineText' },
          { name: F.openAmount, type: 'currency' },
          { name: F.nights, type: 'formula' },
        ],
        records,
      },
    ],
  };
}

export function booking(id: string, fields: Record<string, unknown> = {}): FakeRecordSeed {
  return {
    id,
    fields: {
      [F.guest]: 'Eduardo Costa',
      [F.nif]: '509999999',
      [F.email]: 'eduardo.costa@example.pt',
      [F.checkIn]: '2026-05-12',
      [F.checkOut]: '2026-05-15',
      [F.gross]: 360,
      [F.commission]: 54,
      [F.location]: 'Lisboa',
      [F.status]: 'Pronto a faturar',
      ...fields,
    },
  };
}

/**
 * Base settings (as the Airtable backend's settings store takes them) that map the bookings
 * table's fields; the caller names the fake's URL and the client the base belongs to.
 */
export function bookingSettings<const Overrides extends { api_url: string; client_id: string }>(
  overrides: Overrides,
) {
  return {
    base_id: BOOKINGS_BASE_ID,
    table_id: BOOKINGS_TABLE_ID,
    pat: BOOKINGS_PAT,
    fields: {
      customer_name: F.guest,
      customer_nif: F.nif,
      customer_email: F.email,
      customer_address: F.address,
      check_in: F.checkIn,
      check_out: F.checkOut,
      gross_amount: F.gross,
      commission: F.commission,
      location: F.location,
      vat_rate: F.vatRate,
      status: F.status,
      number: F.number,
      pdf_url: F.pdf,
      error: F.error,
      issued_at: F.issuedAt,
    },
    ...overrides,
  };
}
