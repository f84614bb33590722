// `/_sandbox/*`: run-time control for demos and out-of-process tests. Not part of InvoiceXpress's
// API, not authenticated (the server binds to 127.0.0.1 only) and not counted in the stats.
import type { Hono } from 'hono';
import type { SandboxClock } from './clock.ts';
import { type Behaviour, DEFAULT_BEHAVIOUR } from './context.ts';
import { type FaultInjector, type FaultSpec, FaultValidationError } from './faults.ts';
import { DOCUMENT_ORDERS, type DocumentOrder, type SandboxState } from './state.ts';
import type { CallStats } from './stats.ts';
import { jsonResponse, type SandboxEnv } from './transport.ts';

export interface ControlParts {
  faults: FaultInjector;
  stats: CallStats;
  clock: SandboxClock;
  state: SandboxState;
  behaviour: Behaviour;
  reset(): void;
}

async function jsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === '') return {};
  return JSON.parse(text);
}

function clockView(clock: SandboxClock) {
  return { now: new Date(clock.now()).toISOString(), offsetMs: clock.now() - Date.now() };
}

/** Applies the known keys of `patch` whose type matches the default's; returns the refused keys. */
export function patchBehaviour(behaviour: Behaviour, patch: Record<string, unknown>): string[] {
  const refused: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    const current = (DEFAULT_BEHAVIOUR as unknown as Record<string, unknown>)[key];
    if (current === undefined || typeof current !== typeof value) refused.push(key);
    else (behaviour as unknown as Record<string, unknown>)[key] = value;
  }
  return refused;
}

export function mountControl(app: Hono<SandboxEnv>, parts: ControlParts): void {
  app.get('/_sandbox/faults', () => jsonResponse({ faults: parts.faults.list() }));

  // Body: one fault spec or an array of them (see FaultSpec).
  app.post('/_sandbox/faults', async (c) => {
    try {
      const body = await jsonBody(c.req.raw);
      const specs = (Array.isArray(body) ? body : [body]) as FaultSpec[];
      return jsonResponse({ faults: specs.map((spec) => parts.faults.add(spec)) }, 201);
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

  app.get('/_sandbox/stats', () => jsonResponse(parts.stats.snapshot()));
  app.delete('/_sandbox/stats', () => {
    parts.stats.reset();
    return jsonResponse(parts.stats.snapshot());
  });

  app.get('/_sandbox/emails', () => jsonResponse({ emails: parts.state.emails }));

  app.get('/_sandbox/behaviour', () => jsonResponse(parts.behaviour));
  // Body: any subset of the behaviour (`{"referenceFilter": "exact", "finalStatus": "sent"}`).
  app.post('/_sandbox/behaviour', async (c) => {
    const body = (await jsonBody(c.req.raw).catch(() => null)) as Record<string, unknown> | null;
    if (!body || typeof body !== 'object') return jsonResponse({ error: 'body must be a JSON object' }, 400);
    const refused = patchBehaviour(parts.behaviour, body);
    if (refused.length > 0) return jsonResponse({ error: `unknown or mistyped: ${refused.join(', ')}` }, 400);
    return jsonResponse(parts.behaviour);
  });

  app.get('/_sandbox/accounts', () =>
    jsonResponse({
      accounts: [...parts.state.accounts.values()].map((account) => ({
        name: account.name,
        api_key: account.apiKey,
        documents: account.documents.size,
        clients: account.clients.size,
      })),
    }),
  );

  // Body: `{"name": "acme", "apiKey": "…"}`: another account on the same server.
  app.post('/_sandbox/accounts', async (c) => {
    const body = (await jsonBody(c.req.raw).catch(() => null)) as { name?: unknown; apiKey?: unknown } | null;
    if (
      typeof body?.name !== 'string' ||
      !/^[a-z0-9-]+$/i.test(body.name) ||
      typeof body.apiKey !== 'string'
    ) {
      return jsonResponse({ error: 'expected {"name": "<subdomain>", "apiKey": "<key>"}' }, 400);
    }
    const account = parts.state.addAccount({ name: body.name, apiKey: body.apiKey });
    return jsonResponse({ name: account.name }, 201);
  });

  app.get('/_sandbox/clock', () => jsonResponse(clockView(parts.clock)));
  // Body: `{"advanceMs": 86400000}` or `{"set": "2026-05-18T12:00:00Z"}`.
  app.post('/_sandbox/clock', async (c) => {
    const body = (await jsonBody(c.req.raw).catch(() => null)) as Record<string, unknown> | null;
    if (typeof body?.set === 'string' || typeof body?.set === 'number') {
      const time = new Date(body.set).getTime();
      if (Number.isNaN(time)) return jsonResponse({ error: 'set must be a date' }, 400);
      parts.clock.set(time);
    } else if (typeof body?.advanceMs === 'number') {
      parts.clock.advance(body.advanceMs);
    } else {
      return jsonResponse({ error: 'expected advanceMs or set' }, 400);
    }
    return jsonResponse(clockView(parts.clock));
  });

  app.get('/_sandbox/documents/order', () => jsonResponse({ order: parts.state.documentOrder }));
  app.post('/_sandbox/documents/order', async (c) => {
    const body = (await jsonBody(c.req.raw).catch(() => null)) as { order?: unknown } | null;
    const order = body?.order as DocumentOrder;
    if (!DOCUMENT_ORDERS.includes(order)) {
      return jsonResponse({ error: `order must be one of ${DOCUMENT_ORDERS.join(', ')}` }, 400);
    }
    parts.state.documentOrder = order;
    return jsonResponse({ order });
  });

  // Back to the seed: data, faults, stats, behaviour and the document order.
  app.post('/_sandbox/reset', () => {
    parts.reset();
    return jsonResponse({ reset: true });
  });
}
