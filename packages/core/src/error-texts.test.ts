import { describe, expect, it } from 'vitest';
import { EN_PROBLEMS, explainError, PT_PROBLEMS } from './error-texts.ts';
import { ERROR_CODES } from './errors.ts';

describe('explainError', () => {
  it('has a title and an action for every code, in both languages', () => {
    for (const code of [...ERROR_CODES, 'API_UNREACHABLE', 'API_TIMEOUT'] as const) {
      for (const table of [PT_PROBLEMS, EN_PROBLEMS]) {
        expect(table[code].title.length, code).toBeGreaterThan(10);
        expect(table[code].action.length, code).toBeGreaterThan(10);
      }
    }
  });

  it("for an Airtable base, speaks of the record, the extension and its key: never of the bot, /fatura or Slack's buttons", () => {
    for (const code of Object.keys(PT_PROBLEMS)) {
      for (const locale of ['pt', 'en'] as const) {
        const { title, action } = explainError(code, locale, 'airtable');
        expect(`${title} ${action}`, `${locale} ${code}`).not.toMatch(
          /\b(o|the|do|ao|este|this) bot\b|\/fatura|Slack|botão Finalizar|Finalize button/i,
        );
      }
    }
    expect(explainError('AUTH_ERROR', 'pt', 'airtable').title).toBe(
      'A chave de acionamento não foi aceite pelo Faturador.',
    );
    // Slack keeps its own words; unknown codes (or prototype names) read as an unexpected error.
    expect(explainError('AUTH_ERROR', 'pt').title).toBe(PT_PROBLEMS.AUTH_ERROR.title);
    expect(explainError('toString', 'pt', 'airtable')).toEqual(PT_PROBLEMS.INTERNAL_ERROR);
  });
});
