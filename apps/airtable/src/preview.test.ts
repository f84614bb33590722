import { describe, expect, it } from 'vitest';
import { parseAmount } from './actions-panel.tsx';
import { euros, formatIssuedAt, plural } from './preview.ts';

describe('words and numbers of the extension', () => {
  it("shows an issue time in the issue-time field's zone, or Lisbon's", () => {
    const iso = '2026-01-18T15:07:21.000Z';
    expect(formatIssuedAt(iso, null)).toBe('18/01/2026, 15:07'); // Lisbon is UTC in winter
    expect(formatIssuedAt(iso, 'client')).toBe('18/01/2026, 15:07');
    expect(formatIssuedAt(iso, 'Atlantic/Azores')).toBe('18/01/2026, 14:07');
    expect(formatIssuedAt('2026-05-18T23:30:00.000Z', 'Europe/Lisbon')).toBe('19/05/2026, 00:30');
    expect(formatIssuedAt('not a time', null)).toBeNull();
    expect(formatIssuedAt(iso, 'Lua/Mar')).toBeNull();
  });

  it('says 1 emitido, 2 emitidos; euros the Portuguese way; amounts as people type them', () => {
    expect(plural(1, 'emitido', 'emitidos')).toBe('1 emitido');
    expect(plural(0, 'emitido', 'emitidos')).toBe('0 emitidos');
    expect(plural(2, 'falhou', 'falharam')).toBe('2 falharam');
    expect(euros(1234.5)).toMatch(/^1\s?234,50 €$/);
    expect(parseAmount('150,50')).toBe(150.5);
    expect(parseAmount('150.5 €')).toBe(150.5);
    expect(parseAmount('12,345')).toBeNull();
    expect(parseAmount('0')).toBeNull();
    expect(parseAmount('-3')).toBeNull();
  });
});
