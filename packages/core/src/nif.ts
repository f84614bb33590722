/** The NIF Portuguese law reserves for an unidentified buyer ("consumidor final"). */
export const FINAL_CONSUMER_NIF = '999999990';

// Leading digits the tax authority assigns (see the Moloni reference, §8). Single digits first,
// then two-digit prefixes of the ranges where only some second digits are valid.
const VALID_FIRST_DIGITS = new Set(['1', '2', '3', '5', '6', '8']);
const VALID_TWO_DIGIT_PREFIXES = new Set([
  '45',
  '70',
  '71',
  '72',
  '74',
  '75',
  '77',
  '78',
  '79',
  '90',
  '91',
  '98',
  '99',
]);

/** Strips spaces, dots and hyphens and a leading `PT` country prefix. Does not validate. */
export function normalizeNif(input: string): string {
  return input
    .trim()
    .toUpperCase()
    .replace(/^PT/, '')
    .replace(/[\s.-]/g, '');
}

export function nifCheckDigit(firstEight: string): number {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(firstEight[i]) * (9 - i);
  const remainder = sum % 11;
  return remainder < 2 ? 0 : 11 - remainder;
}

export type NifProblem = 'format' | 'prefix' | 'checksum';

/** Why a (normalised) NIF is invalid, or null when it is valid. */
export function nifProblem(nif: string): NifProblem | null {
  if (!/^\d{9}$/.test(nif)) return 'format';
  if (!VALID_FIRST_DIGITS.has(nif.charAt(0)) && !VALID_TWO_DIGIT_PREFIXES.has(nif.slice(0, 2)))
    return 'prefix';
  if (nifCheckDigit(nif.slice(0, 8)) !== Number(nif.charAt(8))) return 'checksum';
  return null;
}

export function isValidNif(input: string): boolean {
  return nifProblem(normalizeNif(input)) === null;
}

export const NIF_PROBLEM_MESSAGES: Record<NifProblem, string> = {
  format: 'must be 9 digits (an optional PT prefix and spaces are accepted)',
  prefix: 'does not start with digits the Portuguese tax authority assigns',
  checksum: 'fails the NIF check digit',
};
