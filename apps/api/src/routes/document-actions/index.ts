import { isId } from '@faturador/core';
import type { ActionSubmission, ActionSubmitter } from '@faturador/issuing';
import type { Authenticator } from '@faturador/store';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../../context.ts';
import { authenticate } from '../../middleware/auth.ts';
import { openapiRoute } from '../../openapi.ts';
import { creditNoteRoute, deleteRoute, finalizeRoute, receiptRoute } from './schema.ts';

export interface DocumentActionDeps {
  authenticator: Authenticator;
  actions: ActionSubmitter;
}

async function bodyOf(c: Context<AppEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { __invalid_json__: true };
  }
}

/** Finalize, delete, credit and settle: one job each, with the issuing's key rules (see submit-action.ts). */
export function registerDocumentActionRoutes(app: OpenAPIHono<AppEnv>, deps: DocumentActionDeps): void {
  const handle = (kind: ActionSubmission['kind']) => async (c: Context<AppEnv>) => {
    const requestId = c.req.param('request_id') ?? '';
    const answer = await deps.actions.submit({
      requestId: isId(requestId, 'req') ? requestId : 'req_0000000000000000',
      clientId: c.get('client').clientId,
      idempotencyKey: c.req.header('idempotency-key') ?? '',
      kind,
      body: await bodyOf(c),
    });
    c.get('logger').info({ status: answer.status, action: kind }, 'document action answered');
    return c.json(answer.body, answer.status as ContentfulStatusCode);
  };
  const write = [authenticate(deps.authenticator, 'invoices:write')];
  openapiRoute(app, { ...finalizeRoute, middleware: write }, handle('finalize'));
  openapiRoute(app, { ...deleteRoute, middleware: write }, handle('delete'));
  openapiRoute(app, { ...creditNoteRoute, middleware: write }, handle('credit_note'));
  openapiRoute(app, { ...receiptRoute, middleware: write }, handle('receipt'));
}
