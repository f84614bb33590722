// `/_sandbox/*`: the kit's control routes (faults, stats, clock, document order, reset) plus
// InvoiceXpress's own: behaviour, accounts and the e-mails sent. Not part of InvoiceXpress's API.
import {
  type ControlParts,
  jsonBody,
  mountControl as mountKitControl,
  type SandboxEnv,
} from '@faturador/sandbox-kit';
import type { Hono } from 'hono';
import { type Behaviour, DEFAULT_BEHAVIOUR } from './context.ts';
import type { SandboxState } from './state.ts';
import { jsonResponse } from './transport.ts';

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

export function mountControl(
  app: Hono<SandboxEnv>,
  parts: Omit<ControlParts, 'documents' | 'clockBody'> & { state: SandboxState; behaviour: Behaviour },
): void {
  mountKitControl(app, {
    ...parts,
    documents: parts.state,
    clockBody: { advanceSeconds: false, notJson: 'ignore' },
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
}
