// `/_sandbox/*`: the kit's control routes (faults, stats, clock, document order, reset) plus
// Moloni's own, the companies' calculation method. Not part of Moloni's API.
import {
  type ControlParts,
  jsonBody,
  jsonResponse,
  mountControl as mountKitControl,
  type SandboxEnv,
} from '@faturador/sandbox-kit';
import type { Hono } from 'hono';
import { CALC_METHOD_IDS, calcMethodOfId, DEMO_COMPANY_ID } from './seed.ts';
import type { SandboxState } from './state.ts';

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

export function mountControl(
  app: Hono<SandboxEnv>,
  parts: Omit<ControlParts, 'documents' | 'clockBody'> & { state: SandboxState },
): void {
  mountKitControl(app, {
    ...parts,
    documents: parts.state,
    clockBody: { advanceSeconds: true, notJson: 'refuse' },
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
}
