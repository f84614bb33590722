import { booking, bookingSettings, BOOKING_FIELDS as F } from '@faturador/airtable-sandbox';
import { parseInvoiceRequest } from '@faturador/core';
import { describe, expect, it } from 'vitest';
import type { AirtableRecord } from './client.ts';
import { mapRecordToInvoice } from './mapping.ts';
import { type AirtableBaseSettings, baseSettingsInputSchema } from './settings-schema.ts';

function settings(overrides: Record<string, unknown> = {}): AirtableBaseSettings {
  const input = bookingSettings({
    api_url: 'http://127.0.0.1:1/v0/',
    client_id: 'bookings_ops',
    ...overrides,
  });
  return { ...baseSettingsInputSchema.parse(input), updated_at: '2026-05-18T00:00:00Z' };
}

function record(fields: Record<string, unknown> = {}): AirtableRecord {
  const seed = booking('recBooking0000001', fields);
  // What a GET returns: empty cells are absent.
  const present = Object.entries(seed.fields).filter(([, value]) => value !== undefined && value !== '');
  return { id: 'recBooking0000001', fields: Object.fromEntries(present) };
}

function mapped(fields: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}) {
  const result = mapRecordToInvoice(record(fields), settings(overrides));
  if (!result.ok) throw new Error(`expected a request, got: ${result.error.message}`);
  return result.body;
}

function issuesOf(fields: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}) {
  const result = mapRecordToInvoice(record(fields), settings(overrides));
  if (result.ok) throw new Error('expected the record to be refused');
  return result;
}

describe('mapRecordToInvoice', () => {
  it('turns a booking into a request of the seed contract, the stay dates in the description', () => {
    const body = mapped();
    expect(body).toEqual({
      reference: 'AT-recBooking0000001',
      customer: { name: 'Eduardo Costa', vat_number: '509999999', email: 'eduardo.costa@example.pt' },
      items: [
        {
          product: 'Alojamento',
          description: 'Estadia de 12/05/2026 a 15/05/2026 (3 noites)',
          gross_price: 360,
          vat_rate: 6,
        },
      ],
      document_type: 'invoice_receipt',
      fiscal_zone: 'PT',
    });
    expect(parseInvoiceRequest(body).ok).toBe(true);
  });

  it('uses the gross or the amount net of the platform commission, as the base is set', () => {
    expect(mapped().items[0]?.gross_price).toBe(360);
    expect(mapped({}, { amount_mode: 'net_of_commission' }).items[0]?.gross_price).toBe(306);
    // A percent field reads 0.15 for 15%.
    const percent = { amount_mode: 'net_of_commission', commission_kind: 'percent' };
    expect(mapped({ [F.commission]: 0.15 }, percent).items[0]?.gross_price).toBe(306);
    expect(mapped({ [F.gross]: 99.99, [F.commission]: 0.155 }, percent).items[0]?.gross_price).toBe(84.49);
  });

  it('refuses a commission that leaves nothing to invoice', () => {
    const result = issuesOf({ [F.commission]: 400 }, { amount_mode: 'net_of_commission' });
    expect(result.issues).toEqual([
      { path: 'items[0].gross_price', field: F.commission, reason: 'o valor após a comissão não é positivo' },
    ]);
  });

  it('follows the property location: 6% on the mainland, 4% in Madeira and the Azores', () => {
    expect(mapped({ [F.location]: 'Porto' })).toMatchObject({ fiscal_zone: 'PT', items: [{ vat_rate: 6 }] });
    expect(mapped({ [F.location]: 'Funchal' })).toMatchObject({
      fiscal_zone: 'PT-MA',
      items: [{ vat_rate: 4 }],
    });
    expect(mapped({ [F.location]: 'Ponta Delgada, São Miguel' })).toMatchObject({
      fiscal_zone: 'PT-AC',
      items: [{ vat_rate: 4 }],
    });
    expect(mapped({ [F.location]: 'AÇORES' })).toMatchObject({ fiscal_zone: 'PT-AC' });
  });

  it("takes the record's own VAT rate over the location rule, and refuses one of another zone", () => {
    expect(mapped({ [F.vatRate]: 0.23 })).toMatchObject({ fiscal_zone: 'PT', items: [{ vat_rate: 23 }] });
    expect(mapped({ [F.location]: 'Funchal', [F.vatRate]: 0.22 })).toMatchObject({
      fiscal_zone: 'PT-MA',
      items: [{ vat_rate: 22 }],
    });
    const result = issuesOf({ [F.location]: 'Funchal', [F.vatRate]: 0.06 });
    expect(result.issues[0]).toMatchObject({ path: 'items[0].vat_rate', field: F.vatRate });
    expect(result.issues[0]?.reason).toContain('não existe na zona PT-MA');
  });

  it('lets a base override the location rules and defaults', () => {
    const overrides = {
      default_vat_rate: 23,
      location_rules: [{ match: ['funchal'], fiscal_zone: 'PT-MA', vat_rate: 22 }],
    };
    expect(mapped({}, overrides)).toMatchObject({ fiscal_zone: 'PT', items: [{ vat_rate: 23 }] });
    expect(mapped({ [F.location]: 'Funchal' }, overrides)).toMatchObject({ items: [{ vat_rate: 22 }] });
  });

  it('reads an explicit fiscal zone field in words, keeping the kind of the default rate', () => {
    const fields = { ...settings().fields, fiscal_zone: F.location, location: undefined };
    expect(mapped({ [F.location]: 'Madeira' }, { fields })).toMatchObject({
      fiscal_zone: 'PT-MA',
      items: [{ vat_rate: 4 }],
    });
    const result = issuesOf({ [F.location]: 'Lua' }, { fields });
    expect(result.issues[0]?.reason).toContain('não é uma zona fiscal');
  });

  it('writes every problem of the record by field name, in Portuguese', () => {
    const result = issuesOf({ [F.guest]: '', [F.nif]: '123456780', [F.checkOut]: '2026-05-10' });
    expect(result.error.code).toBe('VALIDATION_ERROR');
    expect(result.issues.map((issue) => issue.field)).toEqual([F.guest, F.nif, F.checkOut]);
    expect(result.error.message).toBe(
      'O registo recBooking0000001 não pode ser faturado.\n' +
        'Hóspede: falta o nome do cliente\n' +
        'NIF: o NIF tem o dígito de controlo errado («123456780»)\n' +
        'Check-out: o check-out é anterior ao check-in',
    );
  });

  // Decreto-Lei n.º 28/2019: a private buyer may stay unidentified on an invoice of any value.
  it("words the contract's own refusals from core's texts by code, not by their English", () => {
    const refused = issuesOf({ [F.email]: 'not-an-email', [F.guest]: 'x'.repeat(300) });
    expect(refused.issues.map(({ field, reason }) => [field, reason])).toEqual([
      [F.guest, 'no máximo 100 caracteres'],
      [F.email, 'e-mail inválido'],
    ]);
    expect(refused.error.message).not.toMatch(/must|characters|address/);
  });

  it('treats a record without NIF as a final consumer, whatever the amount', () => {
    expect(mapped({ [F.nif]: '' }).customer).not.toHaveProperty('vat_number');
    expect(mapped({ [F.nif]: '', [F.gross]: 1200 })).toMatchObject({ items: [{ gross_price: 1200 }] });
    expect(mapped({ [F.nif]: '', [F.gross]: 1200 }).customer).not.toHaveProperty('vat_number');
  });

  it('accepts amounts typed as text and NIFs with a PT prefix', () => {
    expect(mapped({ [F.gross]: '1 234,50 €', [F.nif]: 'PT 509 999 999' })).toMatchObject({
      customer: { vat_number: '509999999' },
      items: [{ gross_price: 1234.5 }],
    });
    expect(issuesOf({ [F.gross]: 'trezentos' }).issues[0]?.reason).toBe('«trezentos» não é um valor');
  });

  it('reads fields by id when the settings name them by id', () => {
    const byId = settings({
      fields: {
        customer_name: 'fldGuest000000001',
        gross_amount: 'fldGross000000001',
        status: 'fldStatus00000001',
      },
    });
    const result = mapRecordToInvoice(
      { id: 'recBooking0000001', fields: { fldGuest000000001: 'Ana', fldGross000000001: 50 } },
      byId,
    );
    expect(result.ok && result.body.customer).toEqual({ name: 'Ana' });
  });
});
