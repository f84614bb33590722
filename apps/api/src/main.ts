import { serve } from '@hono/node-server';
import { pino } from 'pino';
import { loadEnv } from './env.ts';
import { buildApi } from './server.ts';

const env = loadEnv();
const logger = pino({
  level: env.LOG_LEVEL,
  base: { service: 'api' },
  redact: {
    paths: [
      'req.headers["x-api-secret"]',
      'req.headers.authorization',
      '*.secret',
      '*.password',
      '*.access_token',
      '*.token',
    ],
    censor: '[redacted]',
  },
});
const publicUrl = env.PUBLIC_URL;
const api = await buildApi({
  redisUrl: env.REDIS_URL,
  masterKey: env.FATURADOR_MASTER_KEY,
  prefix: env.FATURADOR_PREFIX,
  publicUrl,
  syncBudgetMs: env.SYNC_BUDGET_MS,
  idempotencyTtlDays: env.IDEMPOTENCY_TTL_DAYS,
  bodyLimitBytes: env.BODY_LIMIT_BYTES,
  trustedProxies: env.TRUSTED_PROXIES,
  corsOrigins: env.CORS_ORIGINS,
  logger,
});

const server = serve({ fetch: api.app.fetch, hostname: env.HOST, port: env.PORT }, (info) => {
  logger.info({ url: publicUrl, port: info.port }, 'api listening');
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  // Never hang on the way out (Redis gone, a client holding a connection): nothing is lost by
  // exiting, since requests are in the ledger and their jobs in the queue.
  setTimeout(() => {
    logger.warn('shutdown did not finish in 10 s; exiting');
    process.exit(1);
  }, 10_000).unref();
  // Stop accepting, let in-flight requests finish (their jobs continue in the worker regardless).
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await api.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
