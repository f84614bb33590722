// `/_sandbox/*`: run-time control for demos and out-of-process tests. Not part of the vendor's
// API, not authenticated (the server binds to 127.0.0.1 only) and not counted in the stats. These
// are the routes every sandbox has; each mounts its own next to them.
import type { Hono } from 'hono';
import type { SandboxClock } from './clock.ts';
import { DOCUMENT_ORDERS, type DocumentOrder } from './document-order.ts';
import { type FaultInjector, type FaultSpec, FaultValidationError } from './faults.ts';
import { jsonResponse, type SandboxEnv } from './transport.ts';

export interface ControlParts {
  faults: FaultInjector;
  /** What `GET /_sandbox/stats` shows and `DELETE` clears. */
  stats: { snapshot(): unknown; reset(): void };
  clock: SandboxClock;
  /** Where the document order lives (the sandbox's state). */
  documents: { documentOrder: DocumentOrder };
  /** Back to the seed (`POST /_sandbox/reset`). */
  reset(): void;
  /**
   * `POST /_sandbox/clock` as each sandbox has always taken it: whether `advanceSeconds` is
   * accepted, and whether a body that is not JSON is refused as such or read as no instruction.
   */
  clockBody: { advanceSeconds: boolean; notJson: 'refuse' | 'ignore' };
}

/** The request's JSON body; an empty body is `{}`. Throws SyntaxError when it is not JSON. */
export async function jsonBody(request: Request): Promise<unknown> {
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

  mountClock(app, parts);

  app.get('/_sandbox/documents/order', () => jsonResponse({ order: parts.documents.documentOrder }));

  // Body: `{"order": "oldest_first"}` or `{"order": "newest_first"}` (the default): the order in
  // which document lists (a search by reference, say) return their matches.
  app.post('/_sandbox/documents/order', async (c) => {
    const body = (await jsonBody(c.req.raw).catch(() => null)) as { order?: unknown } | null;
    const order = body?.order as DocumentOrder;
    if (!DOCUMENT_ORDERS.includes(order)) {
      return jsonResponse({ error: `order must be one of ${DOCUMENT_ORDERS.join(', ')}` }, 400);
    }
    parts.documents.documentOrder = order;
    return jsonResponse({ order });
  });

  app.post('/_sandbox/reset', () => {
    parts.reset();
    return jsonResponse({ reset: true });
  });
}

// Body: `{"advanceMs": 3600000}`, `{"advanceSeconds": 3600}` (where accepted) or
// `{"set": "2026-05-18T12:00:00Z"}`.
function mountClock(app: Hono<SandboxEnv>, parts: ControlParts): void {
  const { advanceSeconds, notJson } = parts.clockBody;
  const expected = advanceSeconds ? 'advanceMs, advanceSeconds or set' : 'advanceMs or set';
  app.get('/_sandbox/clock', () => jsonResponse(clockView(parts.clock)));
  app.post('/_sandbox/clock', async (c) => {
    let body: Record<string, unknown> | null;
    try {
      body = (await jsonBody(c.req.raw)) as Record<string, unknown> | null;
    } catch {
      if (notJson === 'refuse') return jsonResponse({ error: 'body must be JSON' }, 400);
      body = null;
    }
    if (typeof body?.set === 'string' || typeof body?.set === 'number') {
      const time = new Date(body.set).getTime();
      if (Number.isNaN(time)) return jsonResponse({ error: 'set must be a date' }, 400);
      parts.clock.set(time);
    } else if (typeof body?.advanceMs === 'number') {
      parts.clock.advance(body.advanceMs);
    } else if (advanceSeconds && typeof body?.advanceSeconds === 'number') {
      parts.clock.advance(body.advanceSeconds * 1000);
    } else {
      return jsonResponse({ error: `expected ${expected}` }, 400);
    }
    return jsonResponse(clockView(parts.clock));
  });
}
