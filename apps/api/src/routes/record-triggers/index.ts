import { FaturadorError, formatPath } from '@faturador/core';
import type { PdfLinkSigner, RecordTrigger } from '@faturador/issuing';
import { hasScope } from '@faturador/store';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { submissionAnswer } from '../../answers.ts';
import type { AppEnv } from '../../context.ts';
import { adoptRequestId } from '../../middleware/request-context.ts';
import { createOpenApiApp, openapiRoute } from '../../openapi.ts';
import { AIRTABLE_TRIGGER_PATH, airtableTriggerBodySchema, airtableTriggerRoute } from './schema.ts';

export { AIRTABLE_TRIGGER_PATH } from './schema.ts';

/**
 * Frames an extension runs in: `https://<id>.airtableblocks.com`, `devblock--….airtableblocks.com`
 * during `block run`, `….alt.airtableblocks.com` (seen in public code), and the dev server itself.
 */
export const DEFAULT_TRIGGER_ORIGINS: ReadonlyArray<string | RegExp> = [
  /^https:\/\/[a-z0-9-]+(\.alt)?\.airtableblocks\.com$/,
  'https://localhost:9000',
];

export interface AirtableTriggerDeps {
  /** The service layer's record trigger (packages/issuing): reads, maps and submits the record. */
  trigger: RecordTrigger;
  pdfLinks: PdfLinkSigner;
  publicUrl: string;
  /**
   * The API's authentication for scope `record-triggers:write`. Applied after CORS, so that a
   * preflight (which carries no credentials) is answered and errors are readable by the extension.
   * Without it, an outer middleware must have set `client`.
   */
  authenticate?: MiddlewareHandler<AppEnv>;
  corsOrigins?: ReadonlyArray<string | RegExp>;
}

export function airtableTriggerCors(origins: ReadonlyArray<string | RegExp> = DEFAULT_TRIGGER_ORIGINS) {
  return cors({
    origin: (origin) =>
      origins.some((allowed) => (typeof allowed === 'string' ? allowed === origin : allowed.test(origin)))
        ? origin
        : null,
    allowMethods: ['POST', 'OPTIONS'],
    allowHeaders: [
      'Content-Type',
      'X-Client-Id',
      'X-Api-Key',
      'X-Api-Secret',
      'X-Timestamp',
      'X-Nonce',
      'X-Signature',
    ],
    exposeHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
  });
}

/**
 * `POST /api/v1/record-triggers/airtable` (+ its CORS preflight). Mount with
 * `app.route('/', airtableTriggerRoutes(deps))`; the app's request-context middleware provides
 * `requestId` and `logger`, and its onError the envelope of thrown errors.
 */
export function airtableTriggerRoutes(deps: AirtableTriggerDeps): OpenAPIHono<AppEnv> {
  const app = createOpenApiApp();
  app.use(AIRTABLE_TRIGGER_PATH, airtableTriggerCors(deps.corsOrigins));
  if (deps.authenticate) app.use(AIRTABLE_TRIGGER_PATH, deps.authenticate);

  // The scope is checked before `?wait` is validated: a wrong key learns nothing about the route.
  const requireTriggerScope: MiddlewareHandler<AppEnv> = async (c, next) => {
    const client = c.get('client');
    // A key of the billing API (invoices:write) must not trigger records, nor the reverse.
    if (!client || !hasScope(client, 'record-triggers:write')) {
      throw new FaturadorError('AUTH_ERROR', 'Invalid credentials.');
    }
    await next();
  };

  openapiRoute(app, { ...airtableTriggerRoute, middleware: [requireTriggerScope] }, async (c) => {
    const client = c.get('client');
    // `?wait` is validated by the route's query schema (the app's validation hook answers 400).
    const wait: 'sync' | 'async' = c.req.query('wait') === 'sync' ? 'sync' : 'async';
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      throw new FaturadorError('VALIDATION_ERROR', 'body is invalid: it is not valid JSON.', {
        issues: [{ path: 'body', reason: 'is not valid JSON' }],
      });
    }
    const parsed = airtableTriggerBodySchema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({
        path: formatPath(issue.path),
        reason: issue.code === 'unrecognized_keys' ? 'has unknown fields' : issue.message,
      }));
      const [first] = issues;
      throw new FaturadorError(
        'VALIDATION_ERROR',
        `${first?.path ?? 'body'} is invalid: ${first?.reason ?? 'bad trigger'}.`,
        { issues },
      );
    }
    // A key bound to one base (the extension's, readable by every collaborator) triggers only it.
    if (client.airtableBase && client.airtableBase !== parsed.data.base_id) {
      throw new FaturadorError(
        'NOT_FOUND',
        `Airtable base ${parsed.data.base_id} is not set up for this key.`,
      );
    }
    const submission = await deps.trigger.trigger({
      requestId: c.get('requestId'),
      clientId: client.clientId,
      connectionId: client.connectionId ?? null,
      origin: { kind: 'airtable', ...parsed.data },
      wait,
    });
    const answer = submissionAnswer(submission, deps.pdfLinks, deps.publicUrl);
    adoptRequestId(c, submission.entry.requestId);
    c.get('logger').info(
      { record: parsed.data.record_id, status: answer.status },
      'airtable record trigger answered',
    );
    return c.json(answer.body, answer.status as ContentfulStatusCode);
  });
  return app;
}
