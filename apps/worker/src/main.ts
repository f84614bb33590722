import { createRuntime } from '@faturador/issuing';
import { pino } from 'pino';
import { buildDeliverers } from './deliverers.ts';
import { loadEnv } from './env.ts';
import { createSmtpMailer } from './mailer.ts';
import { createWorkerMetrics, serveMetrics } from './metrics.ts';
import { startWorkers } from './workers.ts';

const env = loadEnv();
const logger = pino({
  level: env.LOG_LEVEL,
  base: { service: 'worker' },
  redact: {
    paths: ['*.password', '*.client_secret', '*.access_token', '*.refresh_token', '*.token', '*.pat'],
    censor: '[redacted]',
  },
});

const metrics = createWorkerMetrics();
const runtime = await createRuntime({
  redisUrl: env.REDIS_URL,
  masterKey: env.FATURADOR_MASTER_KEY,
  prefix: env.FATURADOR_PREFIX,
  mode: 'worker',
  // The Moloni clients log through the worker's logger, and their calls are counted.
  moloniLogger: metrics.moloniLogger(logger),
});
metrics.watchQueues(runtime.queues);
const workers = startWorkers({
  runtime,
  logger,
  issueConcurrency: env.ISSUE_CONCURRENCY,
  deliverConcurrency: env.DELIVER_CONCURRENCY,
  ...buildDeliverers(env, runtime),
  mailer: env.SMTP_URL && env.MAIL_FROM ? createSmtpMailer({ url: env.SMTP_URL, from: env.MAIL_FROM }) : null,
  lockDurationMs: env.LOCK_DURATION_MS,
  stalledIntervalMs: env.STALLED_INTERVAL_MS,
  maxStalledCount: env.MAX_STALLED_COUNT,
});
metrics.observe(workers);
const metricsServer =
  env.METRICS_PORT > 0 ? serveMetrics(metrics.registry, env.METRICS_PORT, env.METRICS_HOST, logger) : null;
logger.info({ issueConcurrency: env.ISSUE_CONCURRENCY, prefix: env.FATURADOR_PREFIX }, 'worker started');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  // A job cut short is stalled and re-run by another worker (it reconciles first): exiting is safe.
  setTimeout(() => {
    logger.warn('shutdown did not finish in time; exiting');
    process.exit(1);
  }, env.SHUTDOWN_GRACE_MS + 10_000).unref();
  metricsServer?.close();
  await workers.close(env.SHUTDOWN_GRACE_MS);
  await runtime.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
