import type { HandlerMap } from '../context.ts';
import { getUnrelatedProducts } from './credit-notes.ts';
import { DOCUMENT_TYPES } from './document-types.ts';
import { countHandler, getAllHandler, getOneHandler, getPdfLink } from './read.ts';
import { receiptHandlers } from './receipts.ts';
import { deleteHandler, insertHandler, updateHandler } from './write.ts';

function typeHandlers(): HandlerMap {
  const handlers: HandlerMap = {};
  for (const type of Object.values(DOCUMENT_TYPES)) {
    handlers[`${type.endpoint}/insert`] = insertHandler(type);
    handlers[`${type.endpoint}/update`] = updateHandler(type);
    handlers[`${type.endpoint}/delete`] = deleteHandler(type);
    handlers[`${type.endpoint}/getOne`] = getOneHandler(type);
    handlers[`${type.endpoint}/getAll`] = getAllHandler(type);
    handlers[`${type.endpoint}/count`] = countHandler(type);
  }
  return handlers;
}

export const documentHandlers: HandlerMap = {
  ...typeHandlers(),
  ...receiptHandlers,
  'documents/getUnrelatedProducts': getUnrelatedProducts,
  'documents/getOne': getOneHandler(),
  'documents/getAll': getAllHandler(),
  'documents/count': countHandler(),
  'documents/getPDFLink': getPdfLink,
};
