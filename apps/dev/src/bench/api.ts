// `npm run bench`: N documents through the API (HTTP → queue → worker → sandbox) at several
// concurrencies, and the same through @faturador/moloni directly, to show what the API and the
// queue add. Prints figures; asserts nothing.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseInvoiceRequest } from '@faturador/core';
import { startEmbeddedRedis } from '@faturador/testing';
import { SEED_BODY, startStack } from '../stack.ts';
import { percentile } from './percentile.ts';

const N = Number(process.argv[2] ?? 200);
const CONCURRENCIES = [1, 16, 64];

async function run(concurrency: number, total: number, one: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        await one(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    rps: total / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
  };
}

const fmt = (r: { rps: number; p50: number; p95: number; p99: number }) =>
  `${r.rps.toFixed(1).padStart(7)} doc/s   p50 ${r.p50.toFixed(1).padStart(6)} ms   p95 ${r.p95.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms`;

const dataDir = mkdtempSync(join(tmpdir(), 'faturador-bench-'));
const redis = await startEmbeddedRedis({ dataDir });
// The contract check of the tests is off: the benchmark measures the API, not the test harness.
const stack = await startStack({ redisUrl: redis.url, prefix: '{bench}', checkContract: false });
const moloniCalls = () => stack.sandbox.sandbox.stats.count();
try {
  // Warm-up: token, reference data, customer and product exist afterwards.
  await stack.post(
    '/api/v1/invoices/',
    { ...SEED_BODY, reference: 'WARM-API' },
    { 'idempotency-key': randomUUID() },
  );
  const moloni = await stack.api.runtime.moloni.resolve(stack.connectionId);
  process.stdout.write(
    `Faturador benchmark: ${N} documents per run, Moloni sandbox on loopback, 2 cores shared by everything\n\n`,
  );
  let round = 0;
  for (const concurrency of CONCURRENCIES) {
    round++;
    const callsBefore = moloniCalls();
    const api = await run(concurrency, N, async (i) => {
      const response = await stack.post(
        '/api/v1/invoices/',
        { ...SEED_BODY, reference: `API-${round}-${i}` },
        { 'idempotency-key': randomUUID() },
      );
      if (response.status !== 201)
        throw new Error(`API answered ${response.status}: ${JSON.stringify(response.body)}`);
    });
    const apiCalls = (moloniCalls() - callsBefore) / N;
    const directBefore = moloniCalls();
    const direct = await run(concurrency, N, async (i) => {
      const parsed = parseInvoiceRequest({ ...SEED_BODY, reference: `DIR-${round}-${i}` });
      if (!parsed.ok) throw parsed.error;
      await moloni.issueDocument({ request: parsed.value, ourReference: parsed.value.reference });
    });
    const directCalls = (moloniCalls() - directBefore) / N;
    process.stdout.write(`concurrency ${concurrency}\n`);
    process.stdout.write(`  through the API   ${fmt(api)}   ${apiCalls.toFixed(2)} Moloni calls/doc\n`);
    process.stdout.write(`  moloni directly   ${fmt(direct)}   ${directCalls.toFixed(2)} Moloni calls/doc\n`);
    process.stdout.write(
      `  overhead          ×${(direct.rps / api.rps).toFixed(2)} throughput, +${(api.p50 - direct.p50).toFixed(1)} ms p50\n\n`,
    );
  }
} finally {
  await stack.close();
  await redis.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
