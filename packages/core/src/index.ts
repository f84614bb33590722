export * from './address.ts';
export * from './capabilities.ts';
export * from './crypto.ts';
export * from './delivery.ts';
export * from './email-texts.ts';
export * from './error-texts.ts';
export * from './errors.ts';
export * from './ids.ts';
export * from './invoice-request.ts';
export * from './issue-texts.ts';
export {
  type CreditInput,
  creditBodySchema,
  type EmailInput,
  emailBodySchema,
  parseCreditInput,
  parseEmailInput,
  parseReceiptInput,
  type ReceiptInput,
  receiptBodySchema,
} from './lifecycle-inputs.ts';
export * from './money.ts';
export * from './nif.ts';
export * from './origin.ts';
export * from './provider-port.ts';
export * from './responses.ts';
export * from './retry-texts.ts';
export * from './text.ts';
export * from './vat.ts';
