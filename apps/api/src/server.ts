import { FaturadorError } from '@faturador/core';
import {
  checkConnectionOf,
  createActionSubmitter,
  createIntegrations,
  createRecordTrigger,
  createRelatedReader,
  createResultWaiter,
  createRuntime,
  createSubmitter,
  type Runtime,
  type RuntimeConfig,
} from '@faturador/issuing';
import {
  createAdminStore,
  createApiClientStore,
  createAuthenticator,
  createConnectionStore,
  createRedis,
} from '@faturador/store';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import { type AdminDeps, createAdminApp } from './admin/index.tsx';
import { createApp } from './app.ts';
import type { AppEnv } from './context.ts';
import { createApiMetrics } from './metrics.ts';
import { authenticate } from './middleware/auth.ts';
import { registerAirtableBaseRoutes } from './routes/airtable-bases/index.ts';
import { registerDocumentActionRoutes } from './routes/document-actions/index.ts';
import { airtableTriggerRoutes, DEFAULT_TRIGGER_ORIGINS } from './routes/record-triggers/index.ts';

export interface ApiConfig {
  redisUrl: string;
  masterKey: string;
  prefix: string;
  publicUrl: string;
  syncBudgetMs: number;
  idempotencyTtlDays: number;
  bodyLimitBytes: number;
  trustedProxies: readonly string[];
  logger: Logger;
  jobOptions?: RuntimeConfig['jobOptions'];
  /** Browser origins allowed on the record-trigger endpoint and on finalize, credit notes and receipts; the Airtable extension's by default. */
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
  // CORS_ORIGINS adds to the extension's own frames (as .env.example says), never replaces them.
  const browserOrigins = config.corsOrigins?.length
    ? [...DEFAULT_TRIGGER_ORIGINS, ...config.corsOrigins]
    : undefined;
  const runtime = await createRuntime({
    redisUrl: config.redisUrl,
    masterKey: config.masterKey,
    prefix: config.prefix,
    mode: 'request',
    idempotencyTtlSeconds: config.idempotencyTtlDays * 86_400,
    jobOptions: config.jobOptions,
    moloniLogger: config.logger.child({ component: 'moloni' }),
  });
  const subscriber = createRedis(config.redisUrl, 'worker');
  const waiter = await createResultWaiter({ subscriber, ledger: runtime.ledger, prefix: config.prefix });
  const { pdfLinks, airtableSettings, airtable } = createIntegrations(runtime, {
    publicUrl: config.publicUrl,
  });
  const submitter = createSubmitter({
    ledger: runtime.ledger,
    idempotency: runtime.idempotency,
    queues: runtime.queues,
    waiter,
    syncBudgetMs: config.syncBudgetMs,
  });
  const authenticator = createAuthenticator({
    redis: runtime.redis,
    prefix: config.prefix,
    secretBox: runtime.secretBox,
    onRejected: (reason, context) => config.logger.warn({ reason, ...context }, 'authentication refused'),
  });
  const actions = createActionSubmitter({
    ledger: runtime.ledger,
    actions: runtime.actions,
    queues: runtime.queues,
    syncBudgetMs: config.syncBudgetMs,
  });
  const app = createApp({
    logger: config.logger,
    redis: runtime.redis,
    authenticator,
    submitter,
    ledger: runtime.ledger,
    operations: runtime.operations,
    pdfLinks,
    related: createRelatedReader(runtime.actions),
    pdfOf: async (connectionId, documentId) =>
      (await runtime.moloni.resolve(connectionId)).downloadPdf(documentId),
    trustedProxies: config.trustedProxies,
    bodyLimitBytes: config.bodyLimitBytes,
    publicUrl: config.publicUrl,
    mount: [
      (app: OpenAPIHono<AppEnv>) =>
        registerDocumentActionRoutes(app, {
          authenticator,
          actions,
          ...(browserOrigins ? { corsOrigins: browserOrigins } : {}),
          publicUrl: config.publicUrl,
        }),
      (app: OpenAPIHono<AppEnv>) => {
        app.route(
          '/',
          airtableTriggerRoutes({
            trigger: createRecordTrigger({
              settings: airtableSettings,
              airtable,
              submitter,
              ledger: runtime.ledger,
              queues: runtime.queues,
            }),
            pdfLinks,
            publicUrl: config.publicUrl,
            authenticate: authenticate(authenticator, 'record-triggers:write'),
            ...(browserOrigins ? { corsOrigins: browserOrigins } : {}),
          }),
        );
      },
      (app: OpenAPIHono<AppEnv>) =>
        registerAirtableBaseRoutes(app, {
          authenticator,
          settings: airtableSettings,
          ...(browserOrigins ? { corsOrigins: browserOrigins } : {}),
        }),
      (app: OpenAPIHono<AppEnv>) =>
        mountAdmin(app, runtime, { pdfLinks, actions, airtableBases: airtableSettings }),
      ...(config.mount ?? []).map((mount) => (app: OpenAPIHono<AppEnv>) => mount(app, runtime, submitter)),
    ],
    metrics: createApiMetrics(runtime.queues),
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

/** The backoffice at /admin/, on the same runtime as the API (one service layer for both). */
function mountAdmin(
  app: OpenAPIHono<AppEnv>,
  runtime: Runtime,
  shared: Pick<AdminDeps, 'pdfLinks' | 'actions' | 'airtableBases'>,
): void {
  const storeDeps = { redis: runtime.redis, prefix: runtime.prefix, secretBox: runtime.secretBox };
  const connections = createConnectionStore(storeDeps);
  const admin = createAdminApp({
    admins: createAdminStore({ redis: runtime.redis, prefix: runtime.prefix }),
    ledger: runtime.ledger,
    moloniCalls: runtime.moloniCalls,
    index: runtime.requestIndex,
    operations: runtime.operations,
    ...shared,
    lifecycle: runtime.actions,
    queues: runtime.queues,
    clients: createApiClientStore(storeDeps),
    connections,
    async checkConnection(connectionId) {
      const connection = await connections.getConnection(connectionId);
      if (!connection) throw new FaturadorError('NOT_FOUND', `No connection ${connectionId}.`);
      return checkConnectionOf(connection, {
        redis: runtime.queueConnection,
        prefix: runtime.prefix,
        secretBox: runtime.secretBox,
      });
    },
  });
  app.route('/admin', admin);
}
