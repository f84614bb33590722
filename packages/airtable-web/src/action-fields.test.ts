import {
  BOOKINGS_BASE_ID as BASE,
  BOOKINGS_PAT,
  booking,
  bookingSettings,
  bookingsBaseSeed,
  BOOKING_FIELDS as F,
  startFakeAirtable,
  BOOKINGS_TABLE_ID as TABLE,
} from '@faturador/airtable-sandbox';
import { describe, expect, it } from 'vitest';
import { actionOutcomeFields } from './action-fields.ts';
import { createAirtableWebClient } from './client.ts';
import { baseSettingsInputSchema } from './settings-schema.ts';

const REC = 'recBooking0000001';

describe('actionOutcomeFields', () => {
  it('writes the credit note and the receipt to the fields the settings map, as the Web API takes them', async () => {
    const fake = await startFakeAirtable({
      bases: [bookingsBaseSeed([booking(REC, { [F.status]: 'Emitido', [F.number]: 'FT M/4' })])],
      tokens: { [BOOKINGS_PAT]: { bases: [BASE] } },
    });
    try {
      const base = bookingSettings({ api_url: fake.apiUrl, client_id: 'bookings_ops' });
      const settings = baseSettingsInputSchema.parse({
        ...base,
        fields: {
          ...base.fields,
          credit_note_number: F.creditNote,
          receipt_number: F.receipt,
          open_amount: F.openAmount,
        },
      });
      expect(settings.status_values).toMatchObject({ credited: 'Anulado', paid: 'Pago' });
      // No typecast: the values must be what the fields take as they are.
      const client = createAirtableWebClient(BASE, { apiUrl: fake.apiUrl, pat: BOOKINGS_PAT });
      const write = (fields: Record<string, unknown>) => client.updateRecords(TABLE, [{ id: REC, fields }]);

      await write(actionOutcomeFields(settings, { kind: 'paid', number: 'RC M/1', openAmount: 150 }));
      expect(fake.bases.record(BASE, TABLE, REC)).toMatchObject({
        [F.status]: 'Emitido',
        [F.receipt]: 'RC M/1',
        [F.openAmount]: 150,
      });
      await write(actionOutcomeFields(settings, { kind: 'paid', number: 'RC M/2', openAmount: 0 }));
      expect(fake.bases.record(BASE, TABLE, REC)).toMatchObject({ [F.status]: 'Pago', [F.openAmount]: 0 });

      // A partial credit leaves the status; a full one cancels the record.
      await write(
        actionOutcomeFields(settings, { kind: 'credited', number: 'NC M/1', fullyCredited: false }),
      );
      expect(fake.bases.record(BASE, TABLE, REC)).toMatchObject({
        [F.status]: 'Pago',
        [F.creditNote]: 'NC M/1',
      });
      await write(actionOutcomeFields(settings, { kind: 'credited', number: 'NC M/2', fullyCredited: true }));
      expect(fake.bases.record(BASE, TABLE, REC)).toMatchObject({
        [F.status]: 'Anulado',
        [F.creditNote]: 'NC M/2',
      });
    } finally {
      await fake.close();
    }
  });

  it('skips what the settings do not map', () => {
    const fields = { status: 'Estado' };
    expect(
      actionOutcomeFields(
        { fields, status_values: { credited: 'Anulado', paid: 'Pago' } },
        { kind: 'paid', number: 'RC M/1', openAmount: 10 },
      ),
    ).toEqual({});
  });
});
