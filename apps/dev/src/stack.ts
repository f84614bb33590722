import { randomBytes } from 'node:crypto';
import { type Api, buildApi } from '@faturador/api/server';
import { createRuntime, type Runtime } from '@faturador/issuing';
import { RETRY_AFTER_BACKOFF } from '@faturador/jobs';
import { type RunningMailSandbox, startMailSandbox } from '@faturador/mail-sandbox';
import { type RunningMoloniSandbox, startMoloniSandbox } from '@faturador/moloni-sandbox';
import { freePort } from '@faturador/testing';
import { createContractChecker } from '@faturador/testing/openapi-contract';
import { createSmtpMailer } from '@faturador/worker/mailer';
import { createWorkerMetrics, type WorkerMetrics } from '@faturador/worker/metrics';
import { startWorkers, type WorkerOptions, type Workers } from '@faturador/worker/workers';
import { serve } from '@hono/node-server';
import { pino } from 'pino';
import { request } from 'undici';
import {
  DEMO_CLIENT,
  DEMO_MAIL_FROM,
  type IssuedCredentials,
  issueSlackBotKey,
  seedDemoClient,
} from './demo.ts';

/** Re-exported for the tests: one definition of the seed's example and demo client. */
export { DEMO_CLIENT, SEED_EXAMPLE_BODY as SEED_BODY } from './demo.ts';

/** The workspace of the fake Slack server (its default team). */
export const FAKE_SLACK_TEAM = 'T0FAKE';

export interface StackOptions {
  redisUrl: string;
  prefix: string;
  syncBudgetMs?: number;
  /** Run the worker in this process (default), or not at all (the test runs its own). */
  worker?: boolean;
  /** Short retries by default, so that tests of transient failures do not wait minutes. */
  issueAttempts?: number;
  logLevel?: string;
  /** Where the API's and the in-process worker's JSON log lines go (default stdout). */
  logStream?: { write(line: string): void };
  /**
   * Deliverers of the in-process worker (none by default), or a function making them from the
   * worker's runtime (as the worker's own `buildDeliverers` does).
   */
  deliverers?:
    | WorkerOptions['deliverers']
    | ((runtime: Runtime) => Pick<WorkerOptions, 'deliverers' | 'notices' | 'actionDeliverers'>);
  /**
   * Check every answer of `/api/…` against the API's own `/openapi.json` (default on): a
   * mismatch makes the next `post`/`get` and `close` throw.
   */
  checkContract?: boolean;
}

export interface Stack {
  url: string;
  api: Api;
  sandbox: RunningMoloniSandbox;
  /** The local SMTP server the in-process worker sends e-mails to (`mail.messages()`). */
  mail: RunningMailSandbox;
  workers: Workers | null;
  workerRuntime: Runtime | null;
  /** The in-process worker's metrics (what its /metrics serves). */
  workerMetrics: WorkerMetrics | null;
  masterKey: string;
  connectionId: string;
  /** The Slack bot's own client, bound to the fake Slack's workspace (`slack:T0FAKE`). */
  slackBot: IssuedCredentials;
  /** Headers that authenticate as `slackBot` (spread over a request's headers). */
  slackBotHeaders: Record<string, string>;
  env: Record<string, string>;
  /** Answers that did not match the OpenAPI spec, in the order they were sent. */
  contractViolations: string[];
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  /** POSTs to the API with the demo client's headers. */
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Record<string, string> }>;
  get(
    path: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Record<string, string> }>;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const logger = options.logStream
    ? pino({ level: options.logLevel ?? 'info' }, options.logStream)
    : pino({ level: options.logLevel ?? 'silent' });
  const masterKey = randomBytes(32).toString('hex');
  const sandbox = await startMoloniSandbox();
  const mail = await startMailSandbox();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const jobOptions = {
    issue: { attempts: options.issueAttempts ?? 3, backoff: { type: 'fixed', delay: 100 } },
    deliver: { attempts: 3, backoff: { type: RETRY_AFTER_BACKOFF, delay: 100 } },
  };
  const api = await buildApi({
    redisUrl: options.redisUrl,
    masterKey,
    prefix: options.prefix,
    publicUrl: url,
    syncBudgetMs: options.syncBudgetMs ?? 10_000,
    idempotencyTtlDays: 30,
    bodyLimitBytes: 64 * 1024,
    trustedProxies: [],
    logger,
    jobOptions,
  });
  const contractViolations: string[] = [];
  const fetch = options.checkContract === false ? api.app.fetch : await checkedFetch(api, contractViolations);
  const server = serve({ fetch, hostname: '127.0.0.1', port });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));

  const storeDeps = { redis: api.runtime.redis, prefix: options.prefix, secretBox: api.runtime.secretBox };
  const connectionId = await seedDemoClient(storeDeps, {
    baseUrl: sandbox.baseUrl,
    credentials: sandbox.sandbox.credentials,
  });
  const slackBot = await issueSlackBotKey(storeDeps, connectionId, FAKE_SLACK_TEAM);

  const stack: Stack = {
    url,
    api,
    sandbox,
    mail,
    workers: null,
    workerRuntime: null,
    workerMetrics: null,
    masterKey,
    connectionId,
    slackBot,
    slackBotHeaders: {
      'x-client-id': slackBot.clientId,
      'x-api-key': slackBot.apiKey,
      'x-api-secret': slackBot.apiSecret,
    },
    env: {
      REDIS_URL: options.redisUrl,
      FATURADOR_MASTER_KEY: masterKey,
      FATURADOR_PREFIX: options.prefix,
      SMTP_URL: mail.smtpUrl,
      MAIL_FROM: DEMO_MAIL_FROM,
    },
    contractViolations,
    async startWorker() {
      const metrics = createWorkerMetrics();
      const runtime = await createRuntime({
        redisUrl: options.redisUrl,
        masterKey,
        prefix: options.prefix,
        mode: 'worker',
        jobOptions,
        moloniLogger: metrics.moloniLogger(logger.child({ component: 'moloni' })),
      });
      metrics.watchQueues(runtime.queues);
      stack.workerMetrics = metrics;
      stack.workerRuntime = runtime;
      stack.workers = startWorkers({
        runtime,
        logger,
        issueConcurrency: 16,
        deliverConcurrency: 4,
        ...(typeof options.deliverers === 'function'
          ? options.deliverers(runtime)
          : { deliverers: options.deliverers ?? {} }),
        mailer: createSmtpMailer({ url: mail.smtpUrl, from: DEMO_MAIL_FROM }),
      });
      metrics.observe(stack.workers);
    },
    async stopWorker() {
      await stack.workers?.close(5_000);
      await stack.workerRuntime?.close();
      stack.workers = null;
      stack.workerRuntime = null;
    },
    async post(path, body, headers = {}) {
      const response = await request(`${url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-client-id': DEMO_CLIENT.clientId,
          'x-api-key': DEMO_CLIENT.apiKey,
          'x-api-secret': DEMO_CLIENT.apiSecret,
          ...headers,
        },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.body.text();
      throwOnViolations(contractViolations);
      return {
        status: response.statusCode,
        body: text ? JSON.parse(text) : null,
        headers: response.headers as Record<string, string>,
      };
    },
    async get(path, headers = {}) {
      const response = await request(`${url}${path}`, {
        headers: {
          'x-client-id': DEMO_CLIENT.clientId,
          'x-api-key': DEMO_CLIENT.apiKey,
          'x-api-secret': DEMO_CLIENT.apiSecret,
          ...headers,
        },
      });
      const type = String(response.headers['content-type'] ?? '');
      const body = type.includes('json')
        ? await response.body.json()
        : Buffer.from(await response.body.arrayBuffer());
      throwOnViolations(contractViolations);
      return { status: response.statusCode, body, headers: response.headers as Record<string, string> };
    },
    async close() {
      await stack.stopWorker();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await api.close();
      await sandbox.close();
      await mail.close();
      throwOnViolations(contractViolations);
    },
  };
  if (options.worker !== false) await stack.startWorker();
  return stack;
}

/**
 * The app's fetch, checking each answer of `/api/…` (not CORS preflights) against the spec the app
 * serves before handing it on, so that the test that received it sees the mismatch.
 */
async function checkedFetch(api: Api, violations: string[]): Promise<typeof api.app.fetch> {
  const checker = createContractChecker((await (await api.app.request('/openapi.json')).json()) as object);
  return async (request, ...rest) => {
    const response = await api.app.fetch(request, ...rest);
    const path = new URL(request.url).pathname;
    if (!path.startsWith('/api/') || request.method === 'OPTIONS') return response;
    const contentType = response.headers.get('content-type') ?? '';
    const body = contentType.includes('json') ? await response.clone().json() : null;
    try {
      checker.check({ method: request.method, path, status: response.status, contentType, body });
    } catch (error) {
      violations.push((error as Error).message);
    }
    return response;
  };
}

function throwOnViolations(violations: readonly string[]): void {
  if (violations.length > 0) {
    throw new Error(`Answers that do not match /openapi.json:\n${violations.join('\n')}`);
  }
}

/** Documents the sandbox holds, by our_reference. */
export function documentsWithReference(stack: Stack, reference: string): number {
  return [...stack.sandbox.sandbox.state.documents.values()].filter((d) => d.our_reference === reference)
    .length;
}
