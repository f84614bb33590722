import type { RelatedFields } from '@faturador/core';
import { FaturadorError, isId } from '@faturador/core';
import type { PdfLinkSigner, Submitter } from '@faturador/issuing';
import type { Authenticator, Ledger, LedgerEntry } from '@faturador/store';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { statusAnswer, submissionAnswer } from '../../answers.ts';
import type { AppEnv } from '../../context.ts';
import { sendError } from '../../errors.ts';
import { authenticate } from '../../middleware/auth.ts';
import { adoptRequestId } from '../../middleware/request-context.ts';
import { openapiRoute } from '../../openapi.ts';
import { pdfErrorPage, wantsHtml } from './pdf-page.ts';
import { createInvoiceRoute, getInvoiceRoute, getPdfRoute } from './schema.ts';

export interface InvoiceRouteDeps {
  authenticator: Authenticator;
  submitter: Submitter;
  ledger: Ledger;
  pdfLinks: PdfLinkSigner;
  /** Where callers reach the API: the status links of 202 and 504 answers. */
  publicUrl: string;
  /** The Moloni PDF link of a document, asked on demand (Moloni's links are not stored). */
  pdfOf: (connectionId: string | null, documentId: number) => Promise<Uint8Array<ArrayBuffer>>;
  /** Credit notes, receipts, e-mails and open amount of one request (issuing's lifecycle/related.ts). */
  related?: (entry: LedgerEntry) => Promise<RelatedFields>;
}

function wantsAsync(prefer: string | undefined): boolean {
  return (prefer ?? '').split(',').some((part) => part.trim().toLowerCase() === 'respond-async');
}

/**
 * The routes are declared once with @hono/zod-openapi (the spec comes from them) and bound with
 * `openapiRoute`; the body is validated by core's parser so that every error names its field the
 * same way (see openapiRoute).
 */
export function registerInvoiceRoutes(app: OpenAPIHono<AppEnv>, deps: InvoiceRouteDeps): void {
  openapiRoute(
    app,
    { ...createInvoiceRoute, middleware: [authenticate(deps.authenticator, 'invoices:write')] },
    async (c) => {
      const type = c.req.header('content-type') ?? '';
      if (!/^application\/json\b/i.test(type)) {
        throw new FaturadorError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json.');
      }
      let body: unknown;
      try {
        body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await c.req.arrayBuffer()));
      } catch {
        throw new FaturadorError('VALIDATION_ERROR', 'body is invalid: it is not valid JSON.', {
          issues: [{ path: 'body', reason: 'is not valid JSON' }],
        });
      }
      const client = c.get('client');
      const submission = await deps.submitter.submit({
        requestId: c.get('requestId'),
        clientId: client.clientId,
        connectionId: client.connectionId ?? null,
        capabilities: client.capabilities,
        idempotencyKey: c.req.header('idempotency-key') ?? '',
        body,
        wait: wantsAsync(c.req.header('prefer')) ? 'async' : 'sync',
      });
      const answer = submissionAnswer(submission, deps.pdfLinks, deps.publicUrl);
      adoptRequestId(c, (answer.body as { request_id: string }).request_id);
      c.get('logger').info({ status: answer.status }, 'invoice request answered');
      return c.json(answer.body, answer.status as ContentfulStatusCode);
    },
  );

  openapiRoute(
    app,
    { ...getInvoiceRoute, middleware: [authenticate(deps.authenticator, 'invoices:read')] },
    async (c) => {
      const requestId = c.req.param('request_id') ?? '';
      const entry = isId(requestId, 'req')
        ? await deps.submitter.status(c.get('client').clientId, requestId)
        : null;
      if (!entry)
        return sendError(c, new FaturadorError('NOT_FOUND', `No request ${requestId} for this client.`));
      const answer = statusAnswer(entry, deps.pdfLinks);
      return c.json({ ...(answer.body as object), ...(await deps.related?.(entry)) }, 200);
    },
  );

  openapiRoute(app, getPdfRoute, async (c) => {
    const requestId = c.req.param('request_id') ?? '';
    const refuse = (error: FaturadorError) => {
      if (!wantsHtml(c.req.header('accept'))) return sendError(c, error);
      c.header('X-Request-Id', c.get('requestId'));
      c.header('Cache-Control', 'no-store');
      return c.html(pdfErrorPage(error.code), error.status as 401 | 404 | 502);
    };
    const check = await deps.pdfLinks.verify(requestId, {
      document: c.req.query('document'),
      g: c.req.query('g'),
      signature: c.req.query('signature'),
      expires: c.req.query('expires'),
    });
    if (!check.ok) {
      const why = { invalid: 'is invalid', revoked: 'was revoked', expired: 'has expired' }[check.reason];
      return refuse(new FaturadorError('AUTH_ERROR', `This PDF link ${why}.`));
    }
    const entry = await deps.ledger.get(requestId);
    const document = entry?.document;
    // Bound to one document: a draft deleted, or a request that now names another document, fails.
    if (
      !entry ||
      !document ||
      document.status !== 'final' ||
      (check.documentId !== null && check.documentId !== document.moloni_document_id)
    ) {
      return refuse(new FaturadorError('NOT_FOUND', 'There is no final document for this link.'));
    }
    // The Moloni client downloads the file behind getPDFLink's landing page and checks it is a PDF.
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = await deps.pdfOf(entry.connectionId, document.moloni_document_id);
    } catch (error) {
      if (error instanceof FaturadorError) return refuse(error);
      throw error;
    }
    const name = (document.number ?? requestId).replace(/[^A-Za-z0-9_-]+/g, '_');
    return c.body(bytes, 200, {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="${name}.pdf"`,
      'Cache-Control': 'private, no-store',
    });
  });
}
