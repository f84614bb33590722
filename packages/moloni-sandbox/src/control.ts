// `/_sandbox/*`: run-time control for demos and out-of-process tests. Not part of Moloni's API,
// not authenticated (the server binds to 127.0.0.1 only) and not counted in the stats.
import type { Hono } from 'hono';
import type { TokenStore } from './auth.ts';
import type { SandboxClock } from './clock.ts';
import { type FaultInjector, type FaultSpec, FaultValidationError } from './faults.ts';
import { CALC_METHOD_IDS, calcMethodOfId, DEMO_COMPANY_ID } from './seed.ts';
import { DOCUMENT_ORDERS, type DocumentOrder, type SandboxState } from './state.ts';
import type { CallStats } from './stats.ts';
import { jsonResponse, type SandboxEnv } from './transport.ts';

export interface ControlParts {
  faults: FaultInjector;
  stats: CallStats;
  clock: SandboxClock;
  tokens: TokenStore;
  state: SandboxState;
  reset(): void;
}

/** The account's own companies: Moloni's demo company, listed by real accounts, issues nothing. */
function ownCompanies(state: SandboxState) {
  return [...state.companies.values()].filter((company) => company.company_id !== DEMO_COMPANY_ID);
}

function calcMethodView(state: SandboxState) {
  return {
    companies: ownCompanies(state).map((company) => ({
      company_id: company.company_id,
      calc_method_id: company.calc_method_id,
      method: calcMethodOfId(company.calc_method_id),
    })),
  };
}

async function jsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === '') return {};
  return JSON.parse(text);
}

function clockView(clock: SandboxClock) {
  return { now: new Date(clock.now()).toISOString(), offsetMs: clock.now() - Date.now() };
}

export function mountControl(app: Hono<SandboxEnv>, parts: ControlParts): void {
  app.get('/_sandbox/faults', () => jsonResponse({ faults: parts.faults.list() }));

  // Body: one fault spec or an array of them (see FaultSpec).
  app.post('/_sandbox/faults', async (c) => {
    try {
      const body = await jsonBody(c.req.raw);
      const specs = (Array.isArray(body) ? body : [body]) as FaultSpec[];
      const added = specs.map((spec) => parts.faults.add(spec));
      return jsonResponse({ faults: added }, 201);
    } catch (error) {
      if (error instanceof FaultValidationError || error instanceof SyntaxError) {
        return jsonResponse({ error: error.message }, 400);
      }
      throw error;
    }
  });

  app.delete('/_sandbox/faults', () => {
    parts.faults.clear();
    return jsonResponse({ faults: [] });
  });

  app.delete('/_sandbox/faults/:id', (c) =>
    parts.faults.remove(c.req.param('id'))
      ? jsonResponse({ removed: true })
      : jsonResponse({ removed: false }, 404),
  );

  app.get('/_sandbox/stats', () => jsonResponse(parts.stats.snapshot(parts.tokens.grants)));

  app.delete('/_sandbox/stats', () => {
    parts.stats.reset();
    return jsonResponse(parts.stats.snapshot(parts.tokens.grants));
  });

  app.get('/_sandbox/calc-method', () => jsonResponse(calcMethodView(parts.state)));

  // Body: `{"method": "line"}` or `{"method": "document"}`, optionally `"company_id"` (default: all
  // companies). Documents already inserted keep their method, as in Moloni.
  app.post('/_sandbox/calc-method', async (c) => {
    let body: Record<string, unknown>;
    try {
      body = (await jsonBody(c.req.raw)) as Record<string, unknown>;
    } catch {
      return jsonResponse({ error: 'body must be JSON' }, 400);
    }
    const method = body.method;
    if (method !== 'line' && method !== 'document') {
      return jsonResponse({ error: 'method must be "line" or "document"' }, 400);
    }
    const companies = ownCompanies(parts.state).filter(
      (company) => body.company_id === undefined || company.company_id === Number(body.company_id),
    );
    if (companies.length === 0) return jsonResponse({ error: 'no such company' }, 404);
    for (const company of companies) company.calc_method_id = CALC_METHOD_IDS[method];
    return jsonResponse(calcMethodView(parts.state));
  });

  app.get('/_sandbox/clock', () => jsonResponse(clockView(parts.clock)));

  // Body: `{"advanceMs": 3600000}`, `{"advanceSeconds": 3600}` or `{"set": "2026-05-18T12:00:00Z"}`.
  app.post('/_sandbox/clock', async (c) => {
    let body: Record<string, unknown>;
    try {
      body = (await jsonBody(c.req.raw)) as Record<string, unknown>;
    } catch {
      return jsonResponse({ error: 'body must be JSON' }, 400);
    }
    if (typeof body.set === 'string' || typeof body.set === 'number') {
      const time = new Date(body.set).getTime();
      if (Number.isNaN(time)) return jsonResponse({ error: 'set must be a date' }, 400);
      parts.clock.set(time);
    } else if (typeof body.advanceMs === 'number') {
      parts.clock.advance(body.advanceMs);
    } else if (typeof body.advanceSeconds === 'number') {
      parts.clock.advance(body.advanceSeconds * 1000);
    } else {
      return jsonResponse({ error: 'expected advanceMs, advanceSeconds or set' }, 400);
    }
    return jsonResponse(clockView(parts.clock));
  });

  app.get('/_sandbox/documents/order', () => jsonResponse({ order: parts.state.documentOrder }));

  // Body: `{"order": "oldest_first"}` or `{"order": "newest_first"}` (the default): the order in
  // which document lists (a search by our_reference, say) return their matches.
  app.post('/_sandbox/documents/order', async (c) => {
    const body = (await jsonBody(c.req.raw).catch(() => null)) as { order?: unknown } | null;
    const order = body?.order as DocumentOrder;
    if (!DOCUMENT_ORDERS.includes(order)) {
      return jsonResponse({ error: `order must be one of ${DOCUMENT_ORDERS.join(', ')}` }, 400);
    }
    parts.state.documentOrder = order;
    return jsonResponse({ order });
  });

  // Back to the seed: data, tokens, faults, stats and the document order.
  app.post('/_sandbox/reset', () => {
    parts.reset();
    return jsonResponse({ reset: true });
  });
}
