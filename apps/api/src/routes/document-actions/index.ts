import { errorEnvelope, FaturadorError, isId, slackTeamsOf } from '@faturador/core';
import type { ActionSubmission, ActionSubmitter } from '@faturador/issuing';
import type { Authenticator } from '@faturador/store';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type ActionHttpAnswer, actionAnswer } from '../../answers.ts';
import type { AppEnv } from '../../context.ts';
import { authenticate } from '../../middleware/auth.ts';
import { extensionCors } from '../../middleware/browser-cors.ts';
import { openapiRoute } from '../../openapi.ts';
import { creditNoteRoute, deleteRoute, emailRoute, finalizeRoute, receiptRoute } from './schema.ts';

export interface DocumentActionDeps {
  authenticator: Authenticator;
  actions: ActionSubmitter;
  /** Where callers reach the API: an e-mail's 202 points at the request's status there. */
  publicUrl: string;
  /**
   * Browser origins allowed to call finalize, credit notes and receipts: the Airtable extension
   * cancels and records payments from its frame (the record-trigger endpoint's origins by default).
   */
  corsOrigins?: ReadonlyArray<string | RegExp>;
}

/**
 * Who asked, for the action's record: the client, or the Slack user a Slack-capable client (the
 * bot) says it acts for. Only a label of the audit trail: it decides nothing about the document.
 */
function byOf(c: Context<AppEnv>): string {
  const client = c.get('client');
  const user = c.req.header('x-acting-slack-user') ?? '';
  if (/^[UW][A-Z0-9]{2,30}$/.test(user) && slackTeamsOf(client.capabilities).length > 0)
    return `slack:${user}`;
  return `client:${client.clientId}`;
}

async function bodyOf(c: Context<AppEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // The same refusal as issuing's: the envelope's VALIDATION_ERROR, naming the body.
    throw new FaturadorError('VALIDATION_ERROR', 'body is invalid: it is not valid JSON.', {
      issues: [{ path: 'body', reason: 'is not valid JSON' }],
    });
  }
}

/** Finalize, delete, credit, settle and e-mail: one job each, with the issuing's key rules (see submit-action.ts). */
export function registerDocumentActionRoutes(app: OpenAPIHono<AppEnv>, deps: DocumentActionDeps): void {
  const handle = (kind: ActionSubmission['kind']) => async (c: Context<AppEnv>) => {
    const param = c.req.param('request_id') ?? '';
    // Every answer of an action names the invoice request it acts on, refusals included.
    const requestId = isId(param, 'req') ? param : 'req_0000000000000000';
    let answer: ActionHttpAnswer;
    try {
      const result = await deps.actions.submit({
        requestId,
        clientId: c.get('client').clientId,
        idempotencyKey: c.req.header('idempotency-key') ?? '',
        kind,
        body: await bodyOf(c),
        by: byOf(c),
      });
      answer = actionAnswer(result, deps.publicUrl);
    } catch (error) {
      if (!(error instanceof FaturadorError)) throw error;
      answer = { status: error.status, body: errorEnvelope(requestId, error) };
    }
    c.get('logger').info({ status: answer.status, action: kind }, 'document action answered');
    return c.json(answer.body, answer.status as ContentfulStatusCode);
  };
  const browser = extensionCors(['POST'], deps.corsOrigins);
  for (const action of ['finalize', 'credit-notes', 'receipts']) {
    app.use(`/api/v1/invoices/:request_id/${action}`, browser);
  }
  const write = [authenticate(deps.authenticator, 'invoices:write')];
  openapiRoute(app, { ...finalizeRoute, middleware: write }, handle('finalize'));
  openapiRoute(app, { ...deleteRoute, middleware: write }, handle('delete'));
  openapiRoute(app, { ...creditNoteRoute, middleware: write }, handle('credit_note'));
  openapiRoute(app, { ...receiptRoute, middleware: write }, handle('receipt'));
  openapiRoute(app, { ...emailRoute, middleware: write }, handle('email'));
}
