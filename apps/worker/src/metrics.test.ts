import { freePort } from '@faturador/testing';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createWorkerMetrics, serveMetrics } from './metrics.ts';

describe("the worker's /metrics", () => {
  it('serves Prometheus text on its own port, counting Moloni calls from the client log entries', async () => {
    const metrics = createWorkerMetrics();
    const logger = pino({ level: 'silent' });
    const moloni = metrics.moloniLogger(logger);
    moloni.debug({ provider: 'moloni', endpoint: 'customers/getBySearch', durationMs: 12 }, 'moloni call');
    moloni.warn(
      { provider: 'moloni', endpoint: 'invoiceReceipts/insert', durationMs: 30, code: 'MOLONI_TIMEOUT' },
      'moloni call failed',
    );
    moloni.info({ something: 'else' }, 'not a call');
    const port = await freePort();
    const server = serveMetrics(metrics.registry, port, '127.0.0.1', logger);
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    await new Promise((resolve) => server.once('listening', resolve));
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('faturador_moloni_calls_total{endpoint="customers/getBySearch",outcome="ok"} 1');
    expect(text).toContain(
      'faturador_moloni_calls_total{endpoint="invoiceReceipts/insert",outcome="MOLONI_TIMEOUT"} 1',
    );
    expect(text).toContain('# TYPE faturador_deliveries_total counter');
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  });
});
