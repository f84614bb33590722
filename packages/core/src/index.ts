export * from './crypto.ts';
export * from './errors.ts';
export * from './ids.ts';
export * from './invoice-request.ts';
export * from './money.ts';
export * from './nif.ts';
export * from './vat.ts';
