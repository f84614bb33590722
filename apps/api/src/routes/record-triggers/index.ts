import { errorEnvelope, FaturadorError, formatPath, newId } from '@faturador/core';
import { hasScope } from '@faturador/store';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../../context.ts';
import { createOpenApiApp, openapiRoute } from '../../openapi.ts';
import { AIRTABLE_TRIGGER_PATH, airtableTriggerBodySchema, airtableTriggerRoute } from './schema.ts';
import { type RecordTriggerDeps, type TriggerLogger, triggerRecord } from './trigger.ts';

export { AIRTABLE_TRIGGER_PATH } from './schema.ts';
export { recordIdempotencyKey, type SubmitFn, type TriggerLogger } from './trigger.ts';

/**
 * Frames an extension runs in: `https://<id>.airtableblocks.com`, `devblock--….airtableblocks.com`
 * during `block run`, `….alt.airtableblocks.com` (seen in public code), and the dev server itself.
 */
export const DEFAULT_TRIGGER_ORIGINS: ReadonlyArray<string | RegExp> = [
  /^https:\/\/[a-z0-9-]+(\.alt)?\.airtableblocks\.com$/,
  'https://localhost:9000',
];

export interface AirtableTriggerDeps extends RecordTriggerDeps {
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

function fail(c: Context<AppEnv>, error: FaturadorError, retryAfterSeconds?: number) {
  const requestId = c.get('requestId');
  c.header('X-Request-Id', requestId);
  if (retryAfterSeconds !== undefined) c.header('Retry-After', String(retryAfterSeconds));
  return c.json(errorEnvelope(requestId, error), error.status as ContentfulStatusCode);
}

const silent: TriggerLogger = { warn: () => {}, info: () => {} };

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
      return fail(c, new FaturadorError('AUTH_ERROR', 'Invalid credentials.'));
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
      return fail(
        c,
        new FaturadorError('VALIDATION_ERROR', 'body is invalid: it is not valid JSON.', {
          issues: [{ path: 'body', reason: 'is not valid JSON' }],
        }),
      );
    }
    const parsed = airtableTriggerBodySchema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({
        path: formatPath(issue.path),
        reason: issue.code === 'unrecognized_keys' ? 'has unknown fields' : issue.message,
      }));
      const [first] = issues;
      return fail(
        c,
        new FaturadorError(
          'VALIDATION_ERROR',
          `${first?.path ?? 'body'} is invalid: ${first?.reason ?? 'bad trigger'}.`,
          {
            issues,
          },
        ),
      );
    }
    const answer = await triggerRecord(
      {
        requestId: c.get('requestId') ?? newId('req'),
        clientId: client.clientId,
        connectionId: client.connectionId ?? null,
        origin: { kind: 'airtable', ...parsed.data },
        wait,
      },
      deps,
      c.get('logger') ?? silent,
    );
    if (answer.kind === 'error') return fail(c, answer.error, answer.retryAfterSeconds);
    const requestId = (answer.body as { request_id?: string }).request_id;
    if (requestId) c.header('X-Request-Id', requestId);
    return c.json(answer.body as object, answer.status as ContentfulStatusCode);
  });
  return app;
}
