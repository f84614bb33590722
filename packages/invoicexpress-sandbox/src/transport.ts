// InvoiceXpress's answers: JSON that may be no body at all, and HTML pages. The rest of the HTTP
// plumbing is @faturador/sandbox-kit's.
import { jsonResponse as kitJsonResponse } from '@faturador/sandbox-kit';

/** `undefined` is an answer with no body, and then no content type. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return body === undefined
    ? new Response(null, { status, headers })
    : kitJsonResponse(body, status, headers);
}

export function htmlResponse(html: string, status: number, headers: Record<string, string> = {}): Response {
  return new Response(html, { status, headers: { 'content-type': 'text/html; charset=utf-8', ...headers } });
}
