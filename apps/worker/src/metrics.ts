import { createServer, type Server } from 'node:http';
import type { Runtime } from '@faturador/issuing';
import { registerQueueDepthGauge } from '@faturador/jobs';
import type { MoloniLogger } from '@faturador/moloni';
import type { Logger } from 'pino';
import { Counter, Histogram, Registry } from 'prom-client';
import type { Workers } from './workers.ts';

/** The worker's Prometheus metrics: Moloni calls, issuance latency, deliveries, queue depth. */
export function createWorkerMetrics() {
  const registry = new Registry();
  let queues: Runtime['queues'] | null = null;
  const moloniCalls = new Counter({
    name: 'faturador_moloni_calls_total',
    help: 'Calls to Moloni by endpoint and outcome (ok, or the error code).',
    labelNames: ['endpoint', 'outcome'] as const,
    registers: [registry],
  });
  const moloniSeconds = new Histogram({
    name: 'faturador_moloni_call_seconds',
    help: 'Duration of calls to Moloni.',
    labelNames: ['endpoint'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [registry],
  });
  const issuance = new Histogram({
    name: 'faturador_issuance_seconds',
    help: 'From the request being queued to its final outcome (issued or failed).',
    labelNames: ['outcome'] as const,
    buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'faturador_deliveries_total',
    help: 'Deliver jobs by outcome (delivered, retried, failed).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  registerQueueDepthGauge(registry, () => queues);

  return {
    registry,
    /** The queues whose depth is reported (the runtime is built after the Moloni logger below). */
    watchQueues(watched: Runtime['queues']): void {
      queues = watched;
    },
    /**
     * The Moloni clients' logger: their per-call entries (endpoint, duration, code) go to the
     * service's log and are counted.
     */
    moloniLogger(base: Logger): MoloniLogger {
      const log = base.child({ component: 'moloni' });
      const count = (entry: object) => {
        const call = entry as { provider?: string; endpoint?: string; durationMs?: number; code?: string };
        if (call.provider !== 'moloni' || !call.endpoint || call.durationMs === undefined) return;
        moloniCalls.inc({ endpoint: call.endpoint, outcome: call.code ?? 'ok' });
        moloniSeconds.observe({ endpoint: call.endpoint }, call.durationMs / 1000);
      };
      return {
        debug: (obj, msg) => {
          count(obj);
          log.debug(obj, msg);
        },
        info: (obj, msg) => log.info(obj, msg),
        warn: (obj, msg) => {
          count(obj);
          log.warn(obj, msg);
        },
        error: (obj, msg) => log.error(obj, msg),
      };
    },
    observe(workers: Pick<Workers, 'issue' | 'deliver'>): void {
      workers.issue.on('completed', (job) =>
        issuance.observe({ outcome: 'issued' }, (Date.now() - job.timestamp) / 1000),
      );
      workers.issue.on('failed', (job) => {
        if (job && job.attemptsMade >= (job.opts.attempts ?? 1))
          issuance.observe({ outcome: 'failed' }, (Date.now() - job.timestamp) / 1000);
      });
      // An unrecoverable failure (a refused destination) ends the job whatever attempts are left.
      workers.issue.on('failed', (job, error) => {
        if (job && error.name === 'UnrecoverableError' && job.attemptsMade < (job.opts.attempts ?? 1))
          issuance.observe({ outcome: 'failed' }, (Date.now() - job.timestamp) / 1000);
      });
      workers.deliver.on('completed', () => deliveries.inc({ outcome: 'delivered' }));
      workers.deliver.on('failed', (job, error) => {
        const final =
          !job || error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
        deliveries.inc({ outcome: final ? 'failed' : 'retried' });
      });
    },
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

/** `GET /metrics` on its own port: the worker has no HTTP server otherwise. */
export function serveMetrics(registry: Registry, port: number, host: string, logger: Logger): Server {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
      (error: unknown) => {
        logger.warn({ err: error }, 'metrics failed');
        res.writeHead(500).end();
      },
    );
  });
  // Metrics are not worth a crash: a taken port is logged and the worker goes on without them.
  server.on('error', (error) => logger.error({ err: error, port }, 'metrics listener failed'));
  server.listen(port, host, () => logger.info({ port }, 'metrics listening'));
  return server;
}
