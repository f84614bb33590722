import { randomBytes } from 'node:crypto';

/** Prefixes of every id Faturador mints; one place so that a `req_` is never a `doc_`. */
export const ID_PREFIXES = ['req', 'doc', 'job', 'cli', 'key', 'con', 'dlv', 'act'] as const;
export type IdPrefix = (typeof ID_PREFIXES)[number];

const ID_PATTERN = /^([a-z]{2,4})_([0-9a-f]{16})$/;

/** `req_4ad9b2ec1d9f3a71`: a prefix and 64 random bits in hex, as in the seed's examples. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`;
}

export function isId(value: string, prefix: IdPrefix): boolean {
  const match = ID_PATTERN.exec(value);
  return match !== null && match[1] === prefix;
}
