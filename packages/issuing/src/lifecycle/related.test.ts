// What GET shows of a document's life after issuing, from the actions' records.
import type { LedgerEntry, LifecycleAction } from '@faturador/store';
import { describe, expect, it } from 'vitest';
import { relatedFields } from './related.ts';

const entry = (type: 'invoice' | 'invoice_receipt', status: 'final' | 'draft' = 'final') =>
  ({
    requestId: 'req_0000000000000001',
    state: 'issued',
    document: { type, status, total_gross: 20, moloni_document_id: 1, number: 'FT M/1' },
  }) as unknown as LedgerEntry;

let n = 0;
const action = (change: Partial<LifecycleAction>): LifecycleAction => {
  n += 1;
  return {
    actionId: `act_${String(n).padStart(16, '0')}`,
    requestId: 'req_0000000000000001',
    clientId: 'acme',
    kind: 'receipt',
    input: {},
    reference: null,
    state: 'done',
    moloniDocumentId: null,
    document: null,
    outcome: null,
    error: null,
    httpStatus: null,
    createdAt: '2026-05-18T10:00:00.000Z',
    updatedAt: '2026-05-18T10:00:00.000Z',
    ...change,
  };
};
const doc = (number: string, totalCents: number) => ({
  moloniDocumentId: 9,
  number,
  totalCents,
  createdAt: '2026-05-18T10:00:00.000Z',
});

describe('relatedFields', () => {
  it("an FT's open amount is its total less receipts and credit notes that were made", () => {
    const fields = relatedFields(entry('invoice'), [
      action({ kind: 'receipt', reference: 'R/RC1', document: doc('RE M/1', 500) }),
      action({ kind: 'credit_note', reference: 'R/NC1', document: doc('NC M/1', 1000) }),
      // Neither a failed nor a pending action counts.
      action({
        kind: 'receipt',
        reference: 'R/RC2',
        state: 'failed',
        error: { code: 'AMOUNT_EXCEEDS_OPEN', message: 'x', details: null },
      }),
      action({ kind: 'receipt', reference: 'R/RC3', state: 'running' }),
      action({ kind: 'finalize', document: doc('FT M/1', 2000) }),
    ]);
    expect(fields).toMatchObject({ open_amount: 5, credited_amount: 10 });
    expect(fields.related_documents.map((d) => [d.type, d.number, d.total, d.state])).toEqual([
      ['receipt', 'RE M/1', 5, 'final'],
      ['credit_note', 'NC M/1', 10, 'final'],
      ['receipt', null, null, 'failed'],
      ['receipt', null, null, 'pending'],
    ]);
  });

  it('an FR has no open amount; a draft has neither amount', () => {
    expect(relatedFields(entry('invoice_receipt'), [])).toEqual({
      related_documents: [],
      open_amount: null,
      credited_amount: 0,
    });
    expect(relatedFields(entry('invoice', 'draft'), [])).toMatchObject({
      open_amount: null,
      credited_amount: null,
    });
  });

  it("an e-mail's state follows what the worker recorded: sending, sent, in doubt, failed", () => {
    const email = (change: Partial<LifecycleAction>) =>
      action({ kind: 'email', input: { to: 'ana@cliente.pt' }, ...change });
    const fields = relatedFields(entry('invoice_receipt'), [
      email({ state: 'queued' }),
      email({
        state: 'running',
        outcome: { email_state: 'sending', to: 'ana@cliente.pt', message_id: '<a@f>' },
      }),
      email({ outcome: { email_state: 'sent', sent_at: '2026-05-18T10:00:01.000Z', message_id: '<b@f>' } }),
      email({ state: 'failed', outcome: { email_state: 'in_doubt' } }),
      email({ state: 'failed', outcome: { email_state: 'failed' } }),
    ]);
    expect(fields.related_documents.map((d) => [d.state, d.to, d.sent_at])).toEqual([
      ['queued', 'ana@cliente.pt', null],
      ['sending', 'ana@cliente.pt', null],
      ['sent', 'ana@cliente.pt', '2026-05-18T10:00:01.000Z'],
      ['in_doubt', 'ana@cliente.pt', null],
      ['failed', 'ana@cliente.pt', null],
    ]);
  });
});
