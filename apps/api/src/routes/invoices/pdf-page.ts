import type { ErrorCode } from '@faturador/core';

/**
 * What a person sees when a PDF link from a Slack thread or an Airtable record does not open: a
 * small page in Portuguese (English below), never JSON. Programs asking for JSON get the envelope.
 */
const PAGES: Partial<Record<ErrorCode, { title: string; text: string; en: string }>> = {
  AUTH_ERROR: {
    title: 'Esta ligação não é válida',
    text: 'A ligação para o PDF foi alterada, cortada ou revogada. Peça uma nova a quem emitiu o documento, ou abra o documento a partir do pedido no backoffice.',
    en: 'This PDF link is not valid: it was altered, cut short or revoked. Ask for a new one.',
  },
  NOT_FOUND: {
    title: 'Este documento já não está disponível',
    text: 'O documento desta ligação não existe ou foi substituído (por exemplo, um rascunho apagado). Confirme no Moloni ou no backoffice.',
    en: 'The document of this link no longer exists or was replaced.',
  },
  MOLONI_BAD_GATEWAY: {
    title: 'O Moloni não entregou o PDF',
    text: 'O documento existe, mas o Moloni não devolveu o ficheiro agora. Tente de novo dentro de alguns minutos.',
    en: 'Moloni did not return the PDF just now; try again in a few minutes.',
  },
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export function pdfErrorPage(code: ErrorCode): string {
  const page = PAGES[code] ?? {
    title: 'Não foi possível abrir o PDF',
    text: 'Tente de novo dentro de alguns minutos. Se continuar, contacte quem emitiu o documento.',
    en: 'The PDF could not be opened; try again in a few minutes.',
  };
  return `<!doctype html>
<html lang="pt-PT"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · Faturador</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}p.en{color:#666;font-size:.9rem}</style>
</head><body><main><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.text)}</p><p class="en" lang="en">${escapeHtml(page.en)}</p></main></body></html>`;
}

/** A browser (or anything that prefers HTML to JSON) gets the page. */
export function wantsHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const html = /text\/html/i.test(accept);
  const json = /application\/json/i.test(accept);
  return (
    html &&
    (!json || accept.toLowerCase().indexOf('text/html') < accept.toLowerCase().indexOf('application/json'))
  );
}
