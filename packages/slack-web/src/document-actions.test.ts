import type { DocumentView } from '@faturador/core';
import { describe, expect, it } from 'vitest';
import type { ActionsBlock } from './blocks.ts';
import {
  decodeDocumentActionValue,
  documentActionsBlock,
  encodeDocumentActionValue,
} from './document-actions.ts';
import { issuedReply } from './messages.ts';

const REQUEST = 'req_4ad9b2ec1d9f3a71';

const document = (overrides: Partial<DocumentView>): DocumentView => ({
  type: 'invoice_receipt',
  status: 'final',
  moloni_document_id: 1,
  number: 'FR M/32',
  series: 'M',
  total_gross: 10,
  currency: 'EUR',
  pdf_url: 'https://billing.test/pdf',
  created_at: '2026-05-18T15:07:21Z',
  ...overrides,
});

const draft = document({ status: 'draft', number: null, pdf_url: null });
const finalFr = document({});
const finalFt = document({ type: 'invoice', number: 'FT M/7' });
const finalFs = document({ type: 'simplified_invoice', number: 'FS M/3' });

const ids = (block: ActionsBlock) => block.elements.map((e) => e.action_id);

describe('the lifecycle buttons of a document', () => {
  it('a draft offers only "Finalizar"', () => {
    const block = documentActionsBlock(draft, REQUEST);
    expect(ids(block)).toEqual(['doc_finalize']);
    expect(block.elements[0]?.text.text).toContain('Finalizar');
  });

  it('a final FR or FS: "Anular" (danger) and "Enviar por e-mail", no payment (paid when issued)', () => {
    for (const final of [finalFr, finalFs]) {
      const block = documentActionsBlock(final, REQUEST);
      expect(ids(block)).toEqual(['doc_credit', 'doc_email']);
      expect(block.elements[0]).toMatchObject({ style: 'danger', text: { text: 'Anular' } });
      expect(block.elements[1]?.text.text).toContain('Enviar por e-mail');
    }
  });

  it('a final FT also offers "Registar pagamento"', () => {
    expect(ids(documentActionsBlock(finalFt, REQUEST))).toEqual(['doc_credit', 'doc_receipt', 'doc_email']);
  });

  it('speaks English when asked', () => {
    const labels = documentActionsBlock(finalFt, REQUEST, 'en').elements.map((e) => e.text.text);
    expect(labels).toEqual(['Cancel', '💶 Record payment', '✉️ Send by e-mail']);
  });

  it('every value is the request id only', () => {
    for (const doc of [draft, finalFr, finalFt]) {
      for (const button of documentActionsBlock(doc, REQUEST).elements) {
        expect(JSON.parse(String(button.value))).toEqual({ r: REQUEST });
      }
    }
    expect(decodeDocumentActionValue(encodeDocumentActionValue(REQUEST))).toBe(REQUEST);
    expect(decodeDocumentActionValue('{"r":"req_../../admin"}')).toBeNull();
    expect(decodeDocumentActionValue('not json')).toBeNull();
  });
});

describe('issuedReply', () => {
  const base = { requestId: REQUEST, reference: 'R', customerName: 'Ana', customerNif: null, userId: 'U1AB' };
  const actions = (doc: DocumentView) =>
    issuedReply({ ...base, document: doc }).blocks.filter((b): b is ActionsBlock => b.type === 'actions');

  it('puts the PDF first and the lifecycle buttons after it, in one actions block', () => {
    const [block, ...more] = actions(finalFt);
    expect(more).toHaveLength(0);
    expect(ids(block as ActionsBlock)).toEqual(['fatura_pdf', 'doc_credit', 'doc_receipt', 'doc_email']);
  });

  it('a draft, which has no PDF, still gets "Finalizar"', () => {
    const [block] = actions(draft);
    expect(ids(block as ActionsBlock)).toEqual(['doc_finalize']);
  });
});
