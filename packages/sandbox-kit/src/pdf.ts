// A hand-written PDF 1.4 writer, just enough for a one- or two-page text document: the standard
// Helvetica fonts (no embedding), WinAnsi text and an xref table with exact byte offsets so that
// pdftotext, pdf.js and browsers open it without "repairing" it.

export interface PdfLine {
  text: string;
  size?: number;
  bold?: boolean;
  /** Extra space above the line, in points. */
  gap?: number;
}

const PAGE_WIDTH = 595;
const PAGE_HEIGHT = 842;
const MARGIN = 50;

/** Maps a character to its WinAnsiEncoding byte; Latin-1 covers Portuguese, € is 0x80. */
function winAnsi(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 63;
    if (char === '€') out += '\x80';
    else if (code === 0x2013 || code === 0x2014) out += '-';
    else if (code >= 0x20 && code <= 0xff && code !== 0x7f) out += char;
    else out += '?';
  }
  return out;
}

function literal(text: string): string {
  return `(${winAnsi(text).replace(/[\\()]/g, '\\$&')})`;
}

function paginate(lines: readonly PdfLine[]): PdfLine[][] {
  const pages: PdfLine[][] = [[]];
  let y = PAGE_HEIGHT - MARGIN;
  for (const line of lines) {
    const height = (line.size ?? 10) * 1.4 + (line.gap ?? 0);
    if (y - height < MARGIN) {
      pages.push([]);
      y = PAGE_HEIGHT - MARGIN;
    }
    y -= height;
    pages.at(-1)?.push(line);
  }
  return pages;
}

function contentStream(lines: readonly PdfLine[]): string {
  const ops: string[] = [];
  let y = PAGE_HEIGHT - MARGIN;
  for (const line of lines) {
    const size = line.size ?? 10;
    y -= size * 1.4 + (line.gap ?? 0);
    ops.push(
      `BT /${line.bold ? 'F2' : 'F1'} ${size} Tf ${MARGIN} ${y.toFixed(2)} Td ${literal(line.text)} Tj ET`,
    );
  }
  return `${ops.join('\n')}\n`;
}

export interface PdfInfo {
  title: string;
  /** Which sandbox wrote the file, so a PDF found on disk says where it came from. */
  producer: string;
}

/** Renders text lines to the bytes of a valid PDF file. */
export function renderPdf(lines: readonly PdfLine[], info: PdfInfo): Uint8Array {
  const pages = paginate(lines);
  // Fixed objects: 1 catalog, 2 page tree, 3 and 4 fonts, 5 info; then a page and a content
  // stream per page.
  const pageIds = pages.map((_, index) => 6 + index * 2);
  const objects: string[] = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
    `<< /Title ${literal(info.title)} /Producer ${literal(info.producer)} >>`,
  ];
  pages.forEach((pageLines, index) => {
    const contentId = 7 + index * 2;
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] ` +
        `/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${contentId} 0 R >>`,
    );
    const stream = contentStream(pageLines);
    objects.push(`<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}endstream`);
  });

  // The binary comment line tells transfer tools the file is binary (PDF spec 7.5.2).
  let body = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xrefOffset = Buffer.byteLength(body, 'latin1');
  // Each xref entry is exactly 20 bytes: 10-digit offset, 5-digit generation, type, CR-less EOL.
  const entries = offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${entries}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(body, 'latin1'));
}
