import { type PdfLine, renderPdf } from '@faturador/sandbox-kit';
import type { SandboxState } from '../state.ts';
import type { SandboxDocument } from '../types.ts';
import { documentTypeById } from './document-types.ts';
import { totalsOf } from './read.ts';

function money(value: number): string {
  return `${value.toFixed(2)} EUR`;
}

/** `FR M/32`: how clients (and the printed document) name a Moloni document. */
export function documentLabel(document: SandboxDocument, state: SandboxState): string {
  const type = documentTypeById(document.document_type_id);
  const set = state.documentSets.get(document.document_set_id);
  return `${type?.saft_code ?? '??'} ${set?.name ?? '?'}/${document.number}`;
}

export function documentPdf(document: SandboxDocument, state: SandboxState): Uint8Array {
  const type = documentTypeById(document.document_type_id);
  const company = state.companies.get(document.company_id);
  const totals = totalsOf(document, state);
  const label = documentLabel(document, state);
  const lines: PdfLine[] = [
    { text: company?.name ?? '', size: 14, bold: true },
    {
      text: `NIF ${company?.vat ?? ''} - ${company?.address ?? ''}, ${company?.zip_code ?? ''} ${company?.city ?? ''}`,
    },
    { text: `${type?.title ?? 'Documento'} ${label}`, size: 16, bold: true, gap: 16 },
    { text: `ATCUD: ${document.atcud}` },
    { text: `Data: ${document.date}` },
    { text: `Cliente: ${document.entity.name} - NIF ${document.entity.vat}`, gap: 8 },
    { text: `${document.entity.address}, ${document.entity.zip_code} ${document.entity.city}` },
  ];
  if (document.our_reference) lines.push({ text: `Nossa referência: ${document.our_reference}` });
  lines.push({ text: 'Descrição | Qtd. | Preço unit. | Desc. | IVA', bold: true, gap: 12 });
  document.lines.forEach((line, index) => {
    const rates =
      (totals.lines[index]?.taxes ?? []).map((tax) => `${tax.rate}%`).join(' + ') || line.exemption_reason;
    lines.push({
      text: `${line.name} | ${line.qty} | ${line.price.toFixed(4)} | ${line.discount}% | ${rates}`,
    });
  });
  lines.push(
    { text: `Total ilíquido: ${money(totals.gross_value)}`, gap: 12 },
    { text: `Descontos: ${money(totals.comercial_discount_value + totals.financial_discount_value)}` },
    { text: `IVA: ${money(totals.taxes_value)}` },
    { text: `Total: ${money(totals.net_value)}`, size: 14, bold: true },
    {
      text: 'Documento de teste emitido pelo sandbox Moloni do Faturador - sem validade fiscal.',
      size: 8,
      gap: 24,
    },
  );
  return renderPdf(lines, { title: label, producer: 'Faturador Moloni sandbox' });
}
