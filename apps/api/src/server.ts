import {
  createActionSubmitter,
  createIntegrations,
  createResultWaiter,
  createRuntime,
  createSubmitter,
  type Runtime,
  type RuntimeConfig,
} from '@faturador/issuing';
import { createAuthenticator, createRedis } from '@faturador/store';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import { createApp } from './app.ts';
import type { AppEnv } from './context.ts';
import { authenticate } from './middleware/auth.ts';
import { registerDocumentActionRoutes } from './routes/document-actions/index.ts';
import { airtableTriggerRoutes } from './routes/record-triggers/index.ts';

export interface ApiConfig {
  redisUrl: string;
  masterKey: string;
  prefix: string;
  publicUrl: string;
  syncBudgetMs: number;
  idempotencyTtlDays: number;
  bodyLimitBytes: number;
  trustedProxies: readonly string[];
  pdfLinkTtlSeconds: number;
  logger: Logger;
  jobOptions?: RuntimeConfig['jobOptions'];
  /** Browser origins allowed on the record-trigger endpoint; the Airtable extension's by default. */
  corsOrigins?: readonly string[];
  mount?: Array<
    (app: OpenAPIHono<AppEnv>, runtime: Runtime, submitter: ReturnType<typeof createSubmitter>) => void
  >;
}

export interface Api {
  app: OpenAPIHono<AppEnv>;
  runtime: Runtime;
  close(): Promise<void>;
}

/** Builds every client once and the app on top of them; used by main.ts and by the tests. */
export async function buildApi(config: ApiConfig): Promise<Api> {
  const runtime = await createRuntime({
    redisUrl: config.redisUrl,
    masterKey: config.masterKey,
    prefix: config.prefix,
    mode: 'request',
    idempotencyTtlSeconds: config.idempotencyTtlDays * 86_400,
    jobOptions: config.jobOptions,
    logger: config.logger.child({ component: 'moloni' }),
  });
  const subscriber = createRedis(config.redisUrl, 'worker');
  const waiter = await createResultWaiter({ subscriber, ledger: runtime.ledger, prefix: config.prefix });
  const { pdfLinks, airtableSettings, airtable } = createIntegrations(runtime, {
    publicUrl: config.publicUrl,
    pdfLinkTtlSeconds: config.pdfLinkTtlSeconds,
  });
  const submitter = createSubmitter({
    ledger: runtime.ledger,
    idempotency: runtime.idempotency,
    queues: runtime.queues,
    waiter,
    pdfLinks,
    publicUrl: config.publicUrl,
    syncBudgetMs: config.syncBudgetMs,
  });
  const authenticator = createAuthenticator({
    redis: runtime.redis,
    prefix: config.prefix,
    secretBox: runtime.secretBox,
    onRejected: (reason, context) => config.logger.warn({ reason, ...context }, 'authentication refused'),
  });
  const app = createApp({
    logger: config.logger,
    redis: runtime.redis,
    authenticator,
    submitter,
    ledger: runtime.ledger,
    pdfLinks,
    pdfOf: async (connectionId, documentId) =>
      (await runtime.moloni.resolve(connectionId)).downloadPdf(documentId),
    trustedProxies: config.trustedProxies,
    bodyLimitBytes: config.bodyLimitBytes,
    publicUrl: config.publicUrl,
    mount: [
      (app: OpenAPIHono<AppEnv>) =>
        registerDocumentActionRoutes(app, {
          authenticator,
          actions: createActionSubmitter({
            ledger: runtime.ledger,
            actions: runtime.actions,
            queues: runtime.queues,
            syncBudgetMs: config.syncBudgetMs,
          }),
        }),
      (app: OpenAPIHono<AppEnv>) => {
        app.route(
          '/',
          airtableTriggerRoutes({
            settings: airtableSettings,
            airtable,
            submit: (input) => submitter.submit(input),
            authenticate: authenticate(authenticator, 'record-triggers:write'),
            ...(config.corsOrigins?.length ? { corsOrigins: config.corsOrigins } : {}),
          }),
        );
      },
      ...(config.mount ?? []).map((mount) => (app: OpenAPIHono<AppEnv>) => mount(app, runtime, submitter)),
    ],
    isReady: async () => (await runtime.queues.issue.getWorkers()).length > 0,
  });
  return {
    app,
    runtime,
    async close() {
      await waiter.close();
      await runtime.close();
    },
  };
}
