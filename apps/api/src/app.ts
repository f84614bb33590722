import { FaturadorError } from '@faturador/core';
import type { Operations, PdfLinkSigner, Submitter } from '@faturador/issuing';
import type { Authenticator, Ledger } from '@faturador/store';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { AppEnv } from './context.ts';
import { onError, sendError } from './errors.ts';
import { requestContext } from './middleware/request-context.ts';
import { createOpenApiApp } from './openapi.ts';
import { registerDocs } from './routes/docs.ts';
import { registerHealth } from './routes/health.ts';
import { type InvoiceRouteDeps, registerInvoiceRoutes } from './routes/invoices/index.ts';
import { registerListRoute } from './routes/invoices/list.ts';

export interface AppDeps {
  logger: Logger;
  redis: Redis;
  authenticator: Authenticator;
  submitter: Submitter;
  ledger: Ledger;
  operations: Operations;
  pdfLinks: PdfLinkSigner;
  /** The PDF file of a final document, from the Moloni account that issued it. */
  pdfOf: (connectionId: string | null, documentId: number) => Promise<Uint8Array<ArrayBuffer>>;
  /** What `GET /api/v1/invoices/{id}` adds after issuing: credit notes, receipts, e-mails, open amount. */
  related?: InvoiceRouteDeps['related'];
  trustedProxies: readonly string[];
  bodyLimitBytes: number;
  /** Where callers reach the API: the spec's `servers`. */
  publicUrl: string;
  /** Extra route modules (the record triggers) mounted on the same app and middleware. */
  mount?: Array<(app: OpenAPIHono<AppEnv>) => void>;
  /** `GET /metrics` (Prometheus text) when given. */
  metrics?: { registry: Registry; middleware: MiddlewareHandler<AppEnv> };
  /** Whether the worker side answers; /readyz reports it. */
  isReady?: () => Promise<boolean>;
}

/** The one factory of the API: `main.ts` and the tests both build the app through it. */
export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const app = createOpenApiApp();
  app.use('*', requestContext(deps.logger, deps.trustedProxies));
  if (deps.metrics) {
    const { registry, middleware } = deps.metrics;
    app.use('*', middleware);
    app.get('/metrics', async (c) =>
      c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType }),
    );
  }
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: deps.bodyLimitBytes,
      onError: (c) =>
        sendError(
          c,
          new FaturadorError('PAYLOAD_TOO_LARGE', `The body is larger than ${deps.bodyLimitBytes} bytes.`),
        ),
    }),
  );
  registerHealth(app, deps);
  registerListRoute(app, deps);
  registerInvoiceRoutes(app, deps);
  for (const mount of deps.mount ?? []) mount(app);
  registerDocs(app, { publicUrl: deps.publicUrl });
  app.notFound((c) =>
    sendError(c, new FaturadorError('NOT_FOUND', `No route ${c.req.method} ${c.req.path}.`)),
  );
  app.onError(onError);
  return app;
}
