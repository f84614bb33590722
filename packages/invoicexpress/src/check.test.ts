import { describe, expect, it } from 'vitest';
import { normalizeAccount } from './account.ts';
import { checkConnection } from './check.ts';
import { ACCOUNT, failure, harness } from './test/support.ts';

describe('checkConnection', () => {
  it('reports the default series and taxes of a working account', async () => {
    const h = await harness();
    const report = await checkConnection(ACCOUNT.name, ` ${ACCOUNT.apiKey} `, {
      baseUrl: h.running.baseUrlTemplate,
    });
    expect(report).toMatchObject({
      account: ACCOUNT.name,
      correctedFrom: null,
      defaultSerie: 'FT2026',
      series: ['FT2026', 'WEB'],
    });
    expect(report.taxes).toContainEqual({ name: 'IVA23', value: 23, region: 'PT' });
  });

  it('corrects a full URL given as subdomain', async () => {
    const h = await harness();
    const url = `https://${ACCOUNT.name}.app.invoicexpress.com/documents`;
    const report = await checkConnection(url, ACCOUNT.apiKey, { baseUrl: h.running.baseUrlTemplate });
    expect(report).toMatchObject({ account: ACCOUNT.name, correctedFrom: url });
  });

  it('"Invalid API key": the key was refused', async () => {
    const h = await harness();
    const error = await failure(
      checkConnection(ACCOUNT.name, 'not-the-key-123', { baseUrl: h.running.baseUrlTemplate }),
    );
    expect(error.code).toBe('INVOICEXPRESS_CONNECTION_FAILED');
    expect(error.details).toMatchObject({ cause: 'key_refused' });
    expect(error.message).toMatch(/^Invalid API key/);
    expect(error.message).not.toContain('not-the-key-123');
  });

  it('"Account not found": a 404 or a redirect for the subdomain', async () => {
    for (const unknownAccount of ['not_found', 'redirect'] as const) {
      const h = await harness({ unknownAccount });
      const error = await failure(
        checkConnection('nosuchaccount', ACCOUNT.apiKey, { baseUrl: h.running.baseUrlTemplate }),
      );
      expect(error.details).toMatchObject({ cause: 'account_not_found' });
      expect(error.message).toMatch(/^Account not found/);
    }
  });

  it('refuses what is not a subdomain, before sending anything, with a hint', async () => {
    const h = await harness();
    for (const input of ['https://example.com/x', 'my company', '', 'www.invoicexpress.com']) {
      const error = await failure(
        checkConnection(input, ACCOUNT.apiKey, { baseUrl: h.running.baseUrlTemplate }),
      );
      expect(error.details).toMatchObject({ cause: 'account_invalid' });
      expect(error.message).toContain('Give only the subdomain');
    }
    const empty = await failure(checkConnection(ACCOUNT.name, '   ', { baseUrl: h.running.baseUrlTemplate }));
    expect(empty.details).toMatchObject({ cause: 'key_missing' });
    expect(h.running.sandbox.stats.count()).toBe(0);
  });

  it('normalizes the usual ways of typing an account', () => {
    expect(normalizeAccount('MyCompany').account).toBe('mycompany');
    expect(normalizeAccount('mycompany.invoicexpress.com')).toEqual({
      account: 'mycompany',
      correctedFrom: 'mycompany.invoicexpress.com',
    });
    expect(normalizeAccount('http://mycompany.app.invoicexpress.com/').account).toBe('mycompany');
  });
});
