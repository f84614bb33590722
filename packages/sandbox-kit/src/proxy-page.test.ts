import { describe, expect, it } from 'vitest';
import { proxyErrorPage } from './proxy-page.ts';

describe('proxyErrorPage', () => {
  const head =
    '<html>\r\n<head><title>503 Busy</title></head>\r\n<body>\r\n<center><h1>503 Busy</h1></center>\r\n';

  it('signs the page as nginx does, or not at all', () => {
    expect(proxyErrorPage(503, { reasons: { 503: 'Busy' }, signature: 'nginx' })).toBe(
      `${head}<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
    );
    expect(proxyErrorPage(503, { reasons: { 503: 'Busy' } })).toBe(`${head}</body>\r\n</html>\r\n`);
  });

  it('falls back to "Error" for a status without a reason', () => {
    expect(proxyErrorPage(599, { reasons: {} })).toContain('<title>599 Error</title>');
  });
});
