import { type Queues, registerQueueDepthGauge } from '@faturador/jobs';
import type { MiddlewareHandler } from 'hono';
import { Counter, Histogram, Registry } from 'prom-client';
import type { AppEnv } from './context.ts';

/** Paths without their ids, so that a label never grows with the number of requests. */
export function routeLabel(path: string): string {
  if (path.startsWith('/admin')) return '/admin';
  return (
    path
      .replace(/\/(req|doc|con)_[0-9a-f]+/g, '/:id')
      .replace(/\/+$/, '')
      .split('/')
      .slice(0, 6)
      .join('/') || '/'
  );
}

/** The API's Prometheus metrics: requests by route, status and error code; answer times; queue depth. */
export function createApiMetrics(queues: Queues) {
  const registry = new Registry();
  const requests = new Counter({
    name: 'faturador_http_requests_total',
    help: 'HTTP requests by method, route, status and error code (empty when it succeeded).',
    labelNames: ['method', 'route', 'status', 'code'] as const,
    registers: [registry],
  });
  const answers = new Histogram({
    name: 'faturador_invoice_answer_seconds',
    help: 'Time to answer POST /api/v1/invoices (issued, failed, or 504 still issuing), by status.',
    labelNames: ['status'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 15],
    registers: [registry],
  });
  registerQueueDepthGauge(registry, () => queues);

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    let code = '';
    if (status >= 400 && (c.res.headers.get('content-type') ?? '').includes('json')) {
      const body = (await c.res
        .clone()
        .json()
        .catch(() => null)) as { error?: { code?: unknown } } | null;
      code = typeof body?.error?.code === 'string' ? body.error.code : '';
    }
    const route = status === 404 && !code ? 'unmatched' : routeLabel(c.req.path);
    requests.inc({ method: c.req.method, route, status: String(status), code });
    if (c.req.method === 'POST' && route === '/api/v1/invoices')
      answers.observe({ status: String(status) }, (performance.now() - started) / 1000);
  };

  return { registry, middleware };
}
