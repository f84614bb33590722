// The Moloni-facing routes: `/v1/grant/`, `/v1/<class>/<method>/` and the PDF download link.
import {
  jsonResponse,
  type SandboxClock,
  type SandboxContext,
  type SandboxEnv,
  withFaults as withKitFaults,
} from '@faturador/sandbox-kit';
import type { Hono } from 'hono';
import type { TokenStore } from './auth.ts';
import type { Behaviour, CallContext, Handler, HandlerMap } from './context.ts';
import { documentHandlers } from './documents/handlers.ts';
import { documentLabel, documentPdf } from './documents/pdf-document.ts';
import { MoloniAuthError, MoloniValidationError } from './errors.ts';
import { FAULT_ANSWERS, type FaultInjector } from './faults.ts';
import { customerHandlers } from './resources/customers.ts';
import { productHandlers } from './resources/products.ts';
import { referenceHandlers } from './resources/reference.ts';
import type { SandboxState } from './state.ts';
import type { CallStats } from './stats.ts';
import { BodyParseError, queryFlag, readParams } from './transport.ts';
import type { SandboxDocument } from './types.ts';

export interface ApiParts {
  state: SandboxState;
  tokens: TokenStore;
  faults: FaultInjector;
  clock: SandboxClock;
  stats: CallStats;
  behaviour: Behaviour;
  /** Overrides the origin used in PDF links (default: the one the caller used). */
  publicUrl: string | undefined;
  /** Called after a call that may have changed the state, before it is answered. */
  onChange: () => void;
}

// Lists and lookups change nothing; getPDFLink does (it records the link).
const READ_ONLY = /\/(count|get(?!pdflink)\w*)$/i;

export const HANDLERS: HandlerMap = {
  ...referenceHandlers,
  ...customerHandlers,
  ...productHandlers,
  ...documentHandlers,
};

const BY_LOWERCASE = new Map(
  Object.entries(HANDLERS).map(([name, handler]) => [name.toLowerCase(), handler]),
);

/** PHP routing is case-insensitive on class and method names. */
function findHandler(endpoint: string): Handler | undefined {
  return HANDLERS[endpoint] ?? BY_LOWERCASE.get(endpoint.toLowerCase());
}

async function runCall(c: SandboxContext, parts: ApiParts, endpoint: string): Promise<Response> {
  const url = new URL(c.req.url);
  try {
    parts.tokens.verify(url.searchParams.get('access_token'));
  } catch (error) {
    if (error instanceof MoloniAuthError) return jsonResponse(error.toBody(), 400);
    throw error;
  }
  const handler = findHandler(endpoint);
  if (!handler) {
    return jsonResponse({ error: 'invalid_request', error_description: `Unknown method ${endpoint}` }, 404);
  }
  let params: CallContext['params'];
  try {
    params = await readParams(c, queryFlag(url, 'json'));
  } catch (error) {
    if (error instanceof BodyParseError) {
      return jsonResponse({ error: 'invalid_request', error_description: error.message }, 400);
    }
    throw error;
  }
  const ctx: CallContext = {
    params,
    state: parts.state,
    clock: parts.clock,
    origin: parts.publicUrl ?? url.origin,
    behaviour: parts.behaviour,
  };
  try {
    const body = handler(ctx);
    if (!READ_ONLY.test(endpoint)) parts.onChange();
    return jsonResponse(body);
  } catch (error) {
    // Data errors are HTTP 200 with the error array, as clients of the real API expect.
    if (error instanceof MoloniValidationError)
      return jsonResponse(error.toBody(queryFlag(url, 'human_errors')));
    throw error;
  }
}

/** Counts the call, then applies the faults planned for it around `execute`. */
function withFaults(
  c: SandboxContext,
  parts: ApiParts,
  endpoint: string,
  execute: () => Promise<Response>,
): Promise<Response> {
  const call = parts.stats.record(endpoint, parts.clock.now());
  return withKitFaults(c, parts.faults, FAULT_ANSWERS, call, execute);
}

function linkedDocument(c: SandboxContext, parts: ApiParts): SandboxDocument | undefined {
  const documentId = parts.state.pdfLinks.get(c.req.query('h') ?? '');
  const document = documentId === undefined ? undefined : parts.state.documents.get(documentId);
  const d = c.req.query('d');
  return document && (d === undefined || d === String(document.document_id)) ? document : undefined;
}

const notFoundPage = '<html><body><h1>Documento não encontrado</h1></body></html>';

/** An HTML page for people, which sends the browser on to the download (as Moloni's does). */
function landingPage(c: SandboxContext, parts: ApiParts): Response {
  const document = linkedDocument(c, parts);
  if (!document) return c.html(notFoundPage, 404);
  const query = new URLSearchParams(new URL(c.req.url).search);
  query.delete('action');
  const target = `index.php?action=getDownload&${query}`.replace(/&/g, '&amp;');
  const label = documentLabel(document, parts.state);
  return c.html(
    `<!DOCTYPE html><html lang="pt"><head><meta charset="utf-8"><title>Moloni - ${label}</title>` +
      `<meta http-equiv="refresh" content="0; URL=${target}"></head>` +
      `<body><p>O download de ${label} vai começar. <a href="${target}">Descarregar</a></p></body></html>`,
  );
}

function download(c: SandboxContext, parts: ApiParts): Response {
  const document = linkedDocument(c, parts);
  if (!document) return c.html(notFoundPage, 404);
  const filename = `${documentLabel(document, parts.state).replace(/[^\w-]+/g, '_')}.pdf`;
  return new Response(documentPdf(document, parts.state), {
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${filename}"`,
    },
  });
}

export function mountApi(app: Hono<SandboxEnv>, parts: ApiParts): void {
  // Production reads the grant parameters from the query string only, whatever the method: a POST
  // form body is "missing parameters" (reference §2).
  app.on(['GET', 'POST'], '/v1/grant', (c) =>
    withFaults(c, parts, 'grant', async () => {
      try {
        const token = parts.tokens.grant(new URL(c.req.url).searchParams);
        parts.onChange();
        return jsonResponse(token);
      } catch (error) {
        if (error instanceof MoloniAuthError) return jsonResponse(error.toBody(), 400);
        throw error;
      }
    }),
  );

  app.post('/v1/:class/:method', (c) => {
    const endpoint = `${c.req.param('class')}/${c.req.param('method')}`;
    return withFaults(c, parts, endpoint, () => runCall(c, parts, endpoint));
  });

  // The landing page getPDFLink points at, and the download behind it (`action=getDownload`).
  // Faults reach them only when named (`downloads/page`, `downloads/getDownload`).
  app.get('/downloads', (c) => withFaults(c, parts, 'downloads/page', async () => landingPage(c, parts)));
  app.get('/downloads/index.php', (c) =>
    c.req.query('action') === 'getDownload'
      ? withFaults(c, parts, 'downloads/getDownload', async () => download(c, parts))
      : withFaults(c, parts, 'downloads/page', async () => landingPage(c, parts)),
  );
}
