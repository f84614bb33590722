import type { DocumentView } from '@faturador/core';
import { type ActionsBlock, type Button, plain } from './blocks.ts';
import type { Locale } from './i18n.ts';

/**
 * The lifecycle buttons under an issued document. Each one only opens a form in the bot: what is
 * done, on which document and where the answer goes is decided from the request id alone.
 */
export const FINALIZE_ACTION_ID = 'doc_finalize';
export const CREDIT_ACTION_ID = 'doc_credit';
export const RECEIPT_ACTION_ID = 'doc_receipt';
export const EMAIL_ACTION_ID = 'doc_email';

const DOCUMENT_ACTION_IDS = [
  FINALIZE_ACTION_ID,
  CREDIT_ACTION_ID,
  RECEIPT_ACTION_ID,
  EMAIL_ACTION_ID,
] as const;
export type DocumentActionId = (typeof DOCUMENT_ACTION_IDS)[number];

const LABELS: Record<Locale, Record<DocumentActionId, string>> = {
  pt: {
    doc_finalize: '✔️ Finalizar',
    doc_credit: 'Anular',
    doc_receipt: '💶 Registar pagamento',
    doc_email: '✉️ Enviar por e-mail',
  },
  en: {
    doc_finalize: '✔️ Finalize',
    doc_credit: 'Cancel',
    doc_receipt: '💶 Record payment',
    doc_email: '✉️ Send by e-mail',
  },
};

const REQUEST_ID = /^req_[0-9a-f]{16}$/;

/** A button's value: the request id and nothing else, so a forged value can name nothing more. */
export function encodeDocumentActionValue(requestId: string): string {
  return JSON.stringify({ r: requestId });
}

/** The request id of a button's value, or null when it is not one of ours. */
export function decodeDocumentActionValue(value: string): string | null {
  try {
    const parsed = JSON.parse(value) as { r?: unknown };
    return typeof parsed.r === 'string' && REQUEST_ID.test(parsed.r) ? parsed.r : null;
  } catch {
    return null;
  }
}

/**
 * Which actions a document offers: a draft can only be finalized; a final one can be cancelled
 * (credit note) and e-mailed, and only an invoice (FT) is left to pay — an FR or FS was paid when
 * issued.
 */
export function documentActionsFor(document: Pick<DocumentView, 'number' | 'type'>): DocumentActionId[] {
  if (document.number === null) return [FINALIZE_ACTION_ID];
  const final: DocumentActionId[] = [CREDIT_ACTION_ID, RECEIPT_ACTION_ID, EMAIL_ACTION_ID];
  return document.type === 'invoice' ? final : final.filter((id) => id !== RECEIPT_ACTION_ID);
}

function documentActionButtons(
  document: Pick<DocumentView, 'number' | 'type'>,
  requestId: string,
  locale: Locale = 'pt',
): Button[] {
  const value = encodeDocumentActionValue(requestId);
  return documentActionsFor(document).map((actionId) => ({
    type: 'button',
    text: plain(LABELS[locale][actionId]),
    action_id: actionId,
    value,
    ...(actionId === CREDIT_ACTION_ID ? { style: 'danger' as const } : {}),
    ...(actionId === FINALIZE_ACTION_ID ? { style: 'primary' as const } : {}),
  }));
}

/** The buttons of `documentActionsFor` in one actions block; a message may put its own buttons first. */
export function documentActionsBlock(
  document: Pick<DocumentView, 'number' | 'type'>,
  requestId: string,
  locale: Locale = 'pt',
): ActionsBlock {
  return {
    type: 'actions',
    block_id: 'document_actions',
    elements: documentActionButtons(document, requestId, locale),
  };
}
