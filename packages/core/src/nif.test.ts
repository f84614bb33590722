import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FINAL_CONSUMER_NIF, isValidNif, nifCheckDigit, nifProblem, normalizeNif } from './nif.ts';

describe('NIF', () => {
  it('accepts the reference examples and rejects a bad checksum', () => {
    expect(isValidNif(FINAL_CONSUMER_NIF)).toBe(true);
    expect(isValidNif('123456789')).toBe(true);
    expect(isValidNif('509999999')).toBe(true); // the seed's example customer
    expect(isValidNif('509999998')).toBe(false);
    expect(nifProblem('213456789')).toBe('checksum');
    expect(nifCheckDigit('21345678')).toBe(8);
  });

  it('normalises a PT prefix, spaces, dots and hyphens', () => {
    expect(normalizeNif(' pt 123 456 789 ')).toBe('123456789');
    expect(normalizeNif('PT123.456-789')).toBe('123456789');
    expect(isValidNif('PT 999 999 990')).toBe(true);
  });

  it('rejects wrong lengths, letters and unassigned leading digits', () => {
    expect(nifProblem('12345678')).toBe('format');
    expect(nifProblem('1234567890')).toBe('format');
    expect(nifProblem('12345678a')).toBe('format');
    // 0…, 4 other than 45, 73, 76 and 92–97 are never assigned.
    for (const prefix of ['0', '40', '73', '76', '92', '97']) {
      const eight = `${prefix}${'1234567'.slice(0, 8 - prefix.length)}`;
      expect(nifProblem(`${eight}${nifCheckDigit(eight)}`)).toBe('prefix');
    }
  });

  it('accepts every number with an assigned prefix and the right check digit, and no other check digit', () => {
    const prefixes = [
      '1',
      '2',
      '3',
      '5',
      '6',
      '8',
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
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...prefixes),
        fc.stringMatching(/^\d{7}$/),
        fc.integer({ min: 0, max: 9 }),
        (prefix, digits, wrong) => {
          const eight = `${prefix}${digits}`.slice(0, 8);
          const check = nifCheckDigit(eight);
          expect(isValidNif(`${eight}${check}`)).toBe(true);
          if (wrong !== check) expect(isValidNif(`${eight}${wrong}`)).toBe(false);
        },
      ),
    );
  });
});
