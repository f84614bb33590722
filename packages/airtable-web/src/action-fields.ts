import type { FieldMapping, FieldRole, StatusValues } from './settings-schema.ts';

/**
 * What a record shows after an action on its document: a credit note (cancelled when nothing is
 * left to credit) or a receipt (paid when nothing is left open). No I/O and no core index, so the
 * extension bundles it and writes the same cells as the server would.
 */
export type ActionOutcome =
  | { kind: 'credited'; number: string | null; fullyCredited: boolean }
  | { kind: 'paid'; number: string | null; openAmount: number | null };

type Settings = { fields: Partial<FieldMapping>; status_values: Pick<StatusValues, 'credited' | 'paid'> };

/** Cell values keyed as the settings name the fields; unmapped fields are skipped. */
export function actionOutcomeFields(settings: Settings, outcome: ActionOutcome): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const set = (role: FieldRole, value: unknown) => {
    const ref = settings.fields[role];
    if (ref !== undefined) fields[ref] = value;
  };
  if (outcome.kind === 'credited') {
    if (outcome.fullyCredited) set('status', settings.status_values.credited);
    if (outcome.number) set('credit_note_number', outcome.number);
  } else {
    if (outcome.openAmount === 0) set('status', settings.status_values.paid);
    if (outcome.number) set('receipt_number', outcome.number);
    if (outcome.openAmount !== null) set('open_amount', outcome.openAmount);
  }
  set('error', null);
  return fields;
}
