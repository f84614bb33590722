import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPdf } from './pdf.ts';

function hasPdftotext(): boolean {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('renderPdf', () => {
  const bytes = renderPdf(
    [{ text: 'Fatura-Recibo FR M/1', size: 16, bold: true }, { text: 'Descrição (teste) \\ Total: 10.00 €' }],
    { title: 'FR M/1', producer: 'Faturador test (sandbox)' },
  );
  const text = Buffer.from(bytes).toString('latin1');

  it('starts with the PDF 1.4 header and ends with %%EOF', () => {
    expect(text.startsWith('%PDF-1.4\n')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
  });

  it('has an xref table whose offsets point at each object', () => {
    const startxref = Number(/startxref\n(\d+)\n%%EOF/.exec(text)?.[1]);
    expect(text.slice(startxref, startxref + 5)).toBe('xref\n');
    const [, count] = /^xref\n0 (\d+)\n/.exec(text.slice(startxref)) ?? [];
    const entries = text
      .slice(startxref)
      .split('\n')
      .slice(2, 2 + Number(count));
    expect(entries[0]).toBe('0000000000 65535 f ');
    entries.slice(1).forEach((entry, index) => {
      expect(entry).toMatch(/^\d{10} 00000 n $/);
      const offset = Number(entry.slice(0, 10));
      const header = `${index + 1} 0 obj\n`;
      expect(text.slice(offset, offset + header.length)).toBe(header);
    });
  });

  it('declares stream lengths that match the stream bytes', () => {
    for (const match of text.matchAll(/<< \/Length (\d+) >>\nstream\n/g)) {
      const start = (match.index ?? 0) + match[0].length;
      expect(text.slice(start + Number(match[1]), start + Number(match[1]) + 9)).toBe('endstream');
    }
  });

  it('names its title and producer in the info dictionary', () => {
    expect(text).toContain('<< /Title (FR M/1) /Producer (Faturador test \\(sandbox\\)) >>');
  });

  it('escapes parentheses and backslashes and writes € as WinAnsi 0x80', () => {
    expect(text).toContain('(Descri\xe7\xe3o \\(teste\\) \\\\ Total: 10.00 \x80) Tj');
  });

  it.runIf(hasPdftotext())('is readable by pdftotext', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sandbox-pdf-')), 'doc.pdf');
    writeFileSync(file, bytes);
    const extracted = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    expect(extracted).toContain('Fatura-Recibo FR M/1');
    expect(extracted).toContain('Descrição (teste) \\ Total: 10.00 €');
  });
});
