// The InvoiceXpress-facing routes. In production the account is the host's subdomain
// (`https://<account>.app.invoicexpress.com/invoices.json`); here it is the first path segment
// (`http://127.0.0.1:<port>/<account>/invoices.json`), so one local server holds many accounts.

import {
  renderPdf,
  type SandboxClock,
  type SandboxContext,
  type SandboxEnv,
  withFaults,
} from '@faturador/sandbox-kit';
import type { Hono } from 'hono';
import { clientHandlers } from './clients.ts';
import { type Behaviour, type CallContext, type Handler, IxError } from './context.ts';
import { documentHandlers } from './documents.ts';
import { FAULT_ANSWERS, type FaultInjector } from './faults.ts';
import { lifecycleHandlers } from './lifecycle.ts';
import { documentTotals } from './model.ts';
import type { Account, SandboxState } from './state.ts';
import type { CallStats } from './stats.ts';
import { htmlResponse, jsonResponse } from './transport.ts';

export interface RateLimit {
  /** Requests per window per account (documented: 780 per minute). */
  limit: number;
  windowMs: number;
  /** Whether a 429 carries `Retry-After` (undocumented: both cases are modelled). */
  retryAfter: boolean;
}

export interface ApiParts {
  state: SandboxState;
  faults: FaultInjector;
  clock: SandboxClock;
  stats: CallStats;
  behaviour: Behaviour;
  rateLimit: RateLimit;
  /** An unknown subdomain: a 404 page, or a redirect to the vendor's home page. */
  unknownAccount: 'not_found' | 'redirect';
  publicUrl: string | undefined;
  onChange: () => void;
}

const HANDLERS: Record<string, Handler> = { ...clientHandlers, ...documentHandlers, ...lifecycleHandlers };

const TYPES = '(invoices|invoice_receipts|simplified_invoices|credit_notes)';
const ROUTES: Array<[method: string, pattern: RegExp, endpoint: string, names: string[]]> = [
  ['GET', /^clients\.json$/, 'clients/list', []],
  ['POST', /^clients\.json$/, 'clients/create', []],
  ['GET', /^clients\/find-by-code\.json$/, 'clients/find-by-code', []],
  ['GET', /^clients\/find-by-name\.json$/, 'clients/find-by-name', []],
  ['GET', /^clients\/(\d+)\.json$/, 'clients/get', ['id']],
  ['PUT', /^clients\/(\d+)\.json$/, 'clients/update', ['id']],
  ['GET', /^taxes\.json$/, 'taxes/list', []],
  ['GET', /^sequences\.json$/, 'sequences/list', []],
  ['GET', /^sequences\/(\d+)\.json$/, 'sequences/get', ['id']],
  ['GET', /^invoices\.json$/, 'invoices/list', []],
  ['POST', new RegExp(`^${TYPES}\\.json$`), ':type/create', ['type']],
  ['GET', new RegExp(`^${TYPES}/(\\d+)\\.json$`), ':type/get', ['type', 'id']],
  ['PUT', new RegExp(`^${TYPES}/(\\d+)\\.json$`), ':type/update', ['type', 'id']],
  ['PUT', new RegExp(`^${TYPES}/(\\d+)/change-state\\.json$`), ':type/change-state', ['type', 'id']],
  ['PUT', new RegExp(`^${TYPES}/(\\d+)/email-document\\.json$`), ':type/email-document', ['type', 'id']],
  ['POST', /^documents\/(\d+)\/partial_payments\.json$/, 'documents/partial_payments', ['id']],
  ['PUT', /^receipts\/(\d+)\/change-state\.json$/, 'receipts/change-state', ['id']],
  ['GET', /^document\/(\d+)\/related_documents\.json$/, 'document/related_documents', ['id']],
  ['GET', /^api\/pdf\/(\d+)\.json$/, 'pdf/get', ['id']],
];

function route(method: string, rest: string): { endpoint: string; params: Record<string, string> } | null {
  for (const [want, pattern, endpoint, names] of ROUTES) {
    const match = method === want ? pattern.exec(rest) : null;
    if (!match) continue;
    const params = Object.fromEntries(names.map((name, index) => [name, match[index + 1] ?? '']));
    return { endpoint: endpoint.replace(':type', params.type ?? ''), params };
  }
  return null;
}

const notFoundPage = "<html><body><h1>The page you were looking for doesn't exist (404)</h1></body></html>";

/** Seconds until the oldest request leaves the window, or null when one more fits. */
function rateLimited(account: Account, limit: RateLimit, now: number): number | null {
  while (account.window.length > 0 && (account.window[0] ?? 0) <= now - limit.windowMs)
    account.window.shift();
  if (account.window.length >= limit.limit) {
    return Math.max(1, Math.ceil(((account.window[0] ?? now) + limit.windowMs - now) / 1000));
  }
  account.window.push(now);
  return null;
}

async function readBody(c: SandboxContext): Promise<Record<string, unknown> | null> {
  if (c.req.method === 'GET') return null;
  const text = await c.req.text();
  // Without a JSON content type the body is not read as JSON (the documentation asks for it).
  if (!(c.req.header('content-type') ?? '').includes('json') || text.trim() === '') return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    throw new IxError(400, ['The request body is not valid JSON']);
  }
}

async function execute(
  c: SandboxContext,
  parts: ApiParts,
  account: Account,
  endpoint: string,
  params: Record<string, string>,
): Promise<Response> {
  const url = new URL(c.req.url);
  if (url.searchParams.get('api_key') !== account.apiKey) {
    // The body of a refused key is not documented; it is deliberately not JSON here.
    return htmlResponse('<html><body>HTTP Basic: Access denied.</body></html>', 401);
  }
  const handler = HANDLERS[endpoint];
  if (!handler) return htmlResponse(notFoundPage, 404);
  try {
    const ctx: CallContext = {
      account,
      state: parts.state,
      behaviour: parts.behaviour,
      clock: parts.clock,
      origin: parts.publicUrl ?? url.origin,
      query: url.searchParams,
      body: await readBody(c),
      params,
    };
    const answer = handler(ctx);
    if (c.req.method !== 'GET') parts.onChange();
    return jsonResponse(answer.body, answer.status);
  } catch (error) {
    if (error instanceof IxError) return jsonResponse(error.toBody(), error.status);
    throw error;
  }
}

function download(c: SandboxContext, parts: ApiParts): Response {
  const account = parts.state.accounts.get(c.req.param('account') ?? '');
  const match = /^(\d+)-([0-9a-f]+)(-2via)?\.pdf$/.exec(c.req.param('file') ?? '');
  const document = match && account ? account.documents.get(Number(match[1])) : undefined;
  if (!account || !document || document.permalink_token !== match?.[2])
    return htmlResponse(notFoundPage, 404);
  const sequence = account.sequences.find((row) => row.id === document.sequence_id);
  const label =
    document.number === null
      ? `${document.kind} (rascunho)`
      : `${document.kind} ${sequence?.serie}/${document.number}`;
  const client = account.clients.get(document.client_id);
  const totals = documentTotals(document);
  const lines = [
    { text: `${label}${match[3] ? ' - 2.a via' : ''}`, size: 16, bold: true },
    { text: `Data ${document.date}   Vencimento ${document.due_date}`, gap: 6 },
    { text: `Cliente: ${client?.name ?? ''}${client?.fiscal_id ? ` (NIF ${client.fiscal_id})` : ''}` },
    ...document.lines.map((line) => ({
      text: `${line.quantity} x ${line.name} @ ${line.unit_price} ${line.tax.name}`,
    })),
    { text: `Total: ${totals.total.toFixed(2)} EUR`, bold: true, gap: 6 },
  ];
  return new Response(renderPdf(lines, { title: label, producer: 'Faturador InvoiceXpress sandbox' }), {
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': `inline; filename="${document.id}.pdf"`,
    },
  });
}

export function mountApi(app: Hono<SandboxEnv>, parts: ApiParts): void {
  app.get('/_pdf/:account/:file', (c) => {
    const call = parts.stats.record('downloads/pdf', c.req.param('account'), parts.clock.now());
    return withFaults(c, parts.faults, FAULT_ANSWERS, call, async () => download(c, parts));
  });

  app.all('/:account/*', (c) => {
    const name = c.req.param('account').toLowerCase();
    const rest = new URL(c.req.url).pathname.split('/').slice(2).join('/');
    const account = parts.state.accounts.get(name);
    if (!account) {
      return parts.unknownAccount === 'redirect'
        ? new Response(null, { status: 302, headers: { location: 'https://www.invoicexpress.com/' } })
        : htmlResponse(notFoundPage, 404);
    }
    const found = route(c.req.method, rest);
    const call = parts.stats.record(found?.endpoint ?? 'unknown', name, parts.clock.now());
    return withFaults(c, parts.faults, FAULT_ANSWERS, call, async () => {
      if (!found) return htmlResponse(notFoundPage, 404);
      const wait = rateLimited(account, parts.rateLimit, Date.now());
      if (wait !== null) {
        return jsonResponse(
          { errors: [{ error: 'Too Many Requests' }] },
          429,
          parts.rateLimit.retryAfter ? { 'retry-after': String(wait) } : {},
        );
      }
      return execute(c, parts, account, found.endpoint, found.params);
    });
  });
}
