// `npm run bench -- [--latency 100] [--concurrency 1,16,64,256] [--docs N] [--workers 1]
//                    [--issue-concurrency N] [--json out.json] [--compare old.json]`
// The API, the worker(s) and the Moloni sandbox as separate processes (as in production) on an
// embedded Redis; the sandbox answers every call after a fixed latency (100 ms by default, and
// also 0 ms). For each latency and concurrency: throughput and p50/p95/p99 end to end through the
// API, the same through @faturador/moloni called directly, Moloni calls per document, sequential
// Moloni round trips per document (calls that start within half a latency of each other are one
// trip), token grants, and each process's peak RSS. Prints a table, writes it as JSON; with
// --compare, prints new/old ratios. Loopback only, bounded in count and time; asserts nothing.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { createSecretBox, nifCheckDigit, parseInvoiceRequest } from '@faturador/core';
import { createMoloniClient } from '@faturador/moloni';
import { DEFAULT_CREDENTIALS } from '@faturador/moloni-sandbox';
import { createRedis } from '@faturador/store';
import { freePort, startEmbeddedRedis } from '@faturador/testing';
import { request } from 'undici';
import { DEMO_CLIENT, seedDemoClient } from '../demo.ts';
import { devEnvironment } from '../env.ts';
import { SEED_BODY } from '../stack.ts';
import { percentile } from './percentile.ts';

const { values: flags } = parseArgs({
  options: {
    latency: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '1,16,64,256' },
    docs: { type: 'string' },
    workers: { type: 'string', default: '1' },
    'issue-concurrency': { type: 'string' },
    json: { type: 'string' },
    compare: { type: 'string' },
  },
});
const LATENCIES = [...new Set([Number(flags.latency), 0])];
const CONCURRENCIES = String(flags.concurrency).split(',').map(Number);
const WORKERS = Number(flags.workers);
/** Enough documents per run for stable percentiles, few enough to finish in minutes. */
const docsFor = (concurrency: number) => (flags.docs ? Number(flags.docs) : Math.max(24, concurrency * 3));
const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const MAIN = {
  api: join(ROOT, 'apps', 'api', 'src', 'main.ts'),
  worker: join(ROOT, 'apps', 'worker', 'src', 'main.ts'),
  sandbox: join(ROOT, 'packages', 'moloni-sandbox', 'src', 'main.ts'),
};

interface Run {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  callsPerDoc: number;
  tripsPerDoc: number | null;
}
interface Row {
  latencyMs: number;
  concurrency: number;
  docs: number;
  /** The workers' ISSUE_CONCURRENCY during this row. */
  issueConcurrency: number;
  api: Run;
  direct: Run;
}
/** New customer and product per document, one at a time: what a first invoice waits for. */
interface ColdRun {
  latencyMs: number;
  docs: number;
  api: Run;
  direct: Run;
}
interface Report {
  at: string;
  cold: ColdRun[];
  workers: number;
  rows: Row[];
  tokenGrants: number;
  peakRssMb: Record<string, number>;
}

/** A body whose customer (a valid NIF never used before) and product Moloni does not know yet. */
let coldSerial = 0;
function coldBody(reference: string) {
  const firstEight = `5${String(10_000_000 + process.pid * 1000 + coldSerial++).slice(-7)}`;
  const nif = `${firstEight}${nifCheckDigit(firstEight)}`;
  return {
    ...SEED_BODY,
    reference,
    customer: { ...SEED_BODY.customer, name: `Cliente ${nif}`, vat_number: nif },
    items: [{ ...SEED_BODY.items[0], product: `Produto ${reference}` }],
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function start(name: string, main: string, env: Record<string, string>): ChildProcess {
  // `node --import tsx` is one process: its RSS is the service's own, not a wrapper's.
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...devEnvironment(), ...env, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.once('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`${name} exited (${code ?? signal})\n`);
  });
  return child;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up`);
    await sleep(100);
  }
}

/** VmHWM: the most memory the process ever held resident. */
function peakRssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

let stopping = false;
const dataDir = mkdtempSync(join(tmpdir(), 'faturador-bench-'));
const redis = await startEmbeddedRedis({ dataDir });
const masterKey = randomBytes(32).toString('hex');
const prefix = '{bench}';
const [sandboxPort, apiPort] = [await freePort(), await freePort()];
const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
const apiUrl = `http://127.0.0.1:${apiPort}`;
// Each run's workers are sized for its load, as an operator would (ISSUE_CONCURRENCY = max(16, c)),
// unless the run fixes it: a worker with far more slots than jobs spends CPU polling for them.
const fixedIssueConcurrency = flags['issue-concurrency'] ? Number(flags['issue-concurrency']) : null;
const issueConcurrencyFor = (concurrency: number) => fixedIssueConcurrency ?? Math.max(16, concurrency);
const workerPeakRssMb: Record<string, number> = {};
let workersSizedFor = 0;
const env = { REDIS_URL: redis.url, FATURADOR_MASTER_KEY: masterKey, FATURADOR_PREFIX: prefix };
const children: Record<string, ChildProcess> = {};

async function sandbox(path: string, method = 'GET', body?: unknown): Promise<any> {
  const response = await request(`${sandboxUrl}${path}`, {
    method: method as 'GET',
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await response.body.text();
  return text ? JSON.parse(text) : null;
}

async function timed(concurrency: number, total: number, one: (i: number) => Promise<void>) {
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

/** Round trips one after another: calls starting within half a latency of a trip's first are one. */
function tripsOf(
  calls: Array<{ at: number; endpoint: string }>,
  latencyMs: number,
  docs: number,
): number | null {
  if (latencyMs === 0 || calls.length === 0) return null;
  const starts = calls.map((call) => call.at).sort((a, b) => a - b);
  let trips = 0;
  let tripStart = Number.NEGATIVE_INFINITY;
  for (const at of starts) {
    if (at - tripStart >= latencyMs / 2) {
      trips++;
      tripStart = at;
    }
  }
  return trips / docs;
}

/** One measured run: the sandbox's counters are reset first, so its calls are this run's only. */
async function measure(
  concurrency: number,
  latencyMs: number,
  docs: number,
  one: (i: number) => Promise<void>,
): Promise<Run> {
  await sandbox('/_sandbox/stats', 'DELETE');
  const result = await timed(concurrency, docs, one);
  const stats = await sandbox('/_sandbox/stats');
  // Round trips are counted one document at a time only (at c = 1 nothing overlaps them).
  const trips = concurrency === 1 ? tripsOf(stats.calls, latencyMs, docs) : null;
  return { ...result, callsPerDoc: stats.total / docs, tripsPerDoc: trips };
}

try {
  children.sandbox = start('sandbox', MAIN.sandbox, { MOLONI_SANDBOX_PORT: String(sandboxPort) });
  await until(async () => (await request(`${sandboxUrl}/_sandbox/stats`)).statusCode === 200, 'the sandbox');
  const store = createRedis(redis.url, 'worker');
  const storeDeps = { redis: store, prefix, secretBox: createSecretBox(Buffer.from(masterKey, 'hex')) };
  const connectionId = await seedDemoClient(storeDeps, {
    baseUrl: `${sandboxUrl}/v1/`,
    credentials: DEFAULT_CREDENTIALS,
  });
  children.api = start('api', MAIN.api, { ...env, PORT: String(apiPort) });
  const startWorkers = (slots: number) => {
    for (let i = 0; i < WORKERS; i++) {
      children[`worker${WORKERS > 1 ? i + 1 : ''}`] = start('worker', MAIN.worker, {
        ...env,
        METRICS_PORT: '0',
        ISSUE_CONCURRENCY: String(slots),
      });
    }
    workersSizedFor = slots;
  };
  startWorkers(issueConcurrencyFor(CONCURRENCIES[0] ?? 1));
  await until(async () => (await request(`${apiUrl}/readyz`)).statusCode === 200, 'the API and worker');

  const headers = {
    'content-type': 'application/json',
    'x-client-id': DEMO_CLIENT.clientId,
    'x-api-key': DEMO_CLIENT.apiKey,
    'x-api-secret': DEMO_CLIENT.apiSecret,
  };
  const viaApi =
    (reference: string, payload: object = { ...SEED_BODY, reference }) =>
    async () => {
      const response = await request(`${apiUrl}/api/v1/invoices/`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': randomUUID() },
        body: JSON.stringify(payload),
      });
      const body = (await response.body.json()) as { error?: unknown };
      if (response.statusCode !== 201)
        throw new Error(`API answered ${response.statusCode}: ${JSON.stringify(body)}`);
    };
  const moloni = createMoloniClient({
    baseUrl: `${sandboxUrl}/v1/`,
    credentials: DEFAULT_CREDENTIALS,
    connectionId,
    redis: store,
    prefix,
    secretBox: storeDeps.secretBox,
  });
  const direct =
    (reference: string, body: object = { ...SEED_BODY, reference }) =>
    async () => {
      const parsed = parseInvoiceRequest(body);
      if (!parsed.ok) throw parsed.error;
      await moloni.issueDocument({ request: parsed.value, ourReference: reference });
    };
  /** Replaces the workers by ones with `slots` jobs at once; their peak RSS is kept. */
  const sizeWorkers = async (slots: number) => {
    if (slots === workersSizedFor) return;
    for (const name of Object.keys(children).filter((key) => key.startsWith('worker'))) {
      const child = children[name] as ChildProcess;
      workerPeakRssMb[name] = Math.max(workerPeakRssMb[name] ?? 0, peakRssMb(child.pid));
      child.removeAllListeners('exit');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      delete children[name];
    }
    startWorkers(slots);
    // One document through the API: the new workers take jobs before the run is timed.
    await viaApi(`SIZE-${slots}-${randomUUID()}`)();
  };
  // Warm-up: token, reference data, the customer and the product exist, every cache is filled.
  for (let i = 0; i < 3; i++) {
    await viaApi(`WARM-API-${i}`)();
    await direct(`WARM-DIR-${i}`)();
  }
  const grantsBefore = Object.values(
    (await sandbox('/_sandbox/stats')).grants as Record<string, number>,
  ).reduce((a, b) => a + b, 0);

  const rows: Row[] = [];
  const cold: ColdRun[] = [];
  process.stdout.write(
    `Faturador benchmark: API, ${WORKERS} worker process(es) (ISSUE_CONCURRENCY ${fixedIssueConcurrency ?? 'max(16, c)'}) and the Moloni sandbox as separate processes, 2 cores shared by all\n\n`,
  );
  for (const latencyMs of LATENCIES) {
    await sandbox('/_sandbox/faults', 'DELETE');
    if (latencyMs > 0) await sandbox('/_sandbox/faults', 'POST', { kind: 'latency', ms: latencyMs });
    for (const concurrency of CONCURRENCIES) {
      const docs = docsFor(concurrency);
      const tag = `${latencyMs}-${concurrency}`;
      await sizeWorkers(issueConcurrencyFor(concurrency));
      const api = await measure(concurrency, latencyMs, docs, (i) => viaApi(`API-${tag}-${i}`)());
      const dir = await measure(concurrency, latencyMs, docs, (i) => direct(`DIR-${tag}-${i}`)());
      rows.push({ latencyMs, concurrency, docs, issueConcurrency: workersSizedFor, api, direct: dir });
      process.stdout.write(`${line(rows.at(-1) as Row)}\n`);
    }
    if (latencyMs > 0) {
      await sizeWorkers(issueConcurrencyFor(1));
      // Cold: each document brings a customer and a product Moloni has never seen.
      const docs = 8;
      const api = await measure(1, latencyMs, docs, (i) =>
        viaApi(`COLD-API-${i}`, coldBody(`COLD-API-${i}`))(),
      );
      const dir = await measure(1, latencyMs, docs, (i) =>
        direct(`COLD-DIR-${i}`, coldBody(`COLD-DIR-${i}`))(),
      );
      cold.push({ latencyMs, docs, api, direct: dir });
      process.stdout.write(
        `${line({ latencyMs, concurrency: 1, docs, issueConcurrency: workersSizedFor, api, direct: dir }).replace('ms/call', 'ms/call cold')}\n`,
      );
    }
    process.stdout.write('\n');
  }
  const stats = await sandbox('/_sandbox/stats');
  const grants = Object.values(stats.grants as Record<string, number>).reduce((a, b) => a + b, 0);
  const report: Report = {
    at: new Date().toISOString(),
    workers: WORKERS,
    rows,
    cold,
    tokenGrants: grants - grantsBefore,
    peakRssMb: {
      ...Object.fromEntries(
        Object.entries(children).map(([name, child]) => [
          name,
          Math.max(workerPeakRssMb[name] ?? 0, peakRssMb(child.pid)),
        ]),
      ),
      bench: peakRssMb(process.pid),
    },
  };
  process.stdout.write(
    `token grants during the runs: ${report.tokenGrants}\npeak RSS (MB): ${Object.entries(report.peakRssMb)
      .map(([name, mb]) => `${name} ${mb}`)
      .join(', ')}\n`,
  );
  const out = flags.json ?? join(ROOT, '.data', 'bench', `bench-${report.at.replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`written to ${out}\n`);
  if (flags.compare) compare(JSON.parse(readFileSync(flags.compare, 'utf8')) as Report, report);
  await moloni.close();
  store.disconnect();
} finally {
  stopping = true;
  for (const child of Object.values(children)) child.kill('SIGTERM');
  await sleep(500);
  await redis.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);

function line(row: Row): string {
  const f = (run: Run) =>
    `${run.rps.toFixed(1).padStart(7)}/s p50 ${run.p50.toFixed(0).padStart(5)} p95 ${run.p95.toFixed(0).padStart(5)} p99 ${run.p99.toFixed(0).padStart(5)} ms ${run.callsPerDoc.toFixed(2)} calls${run.tripsPerDoc === null ? '' : ` ${run.tripsPerDoc.toFixed(2)} trips`}`;
  return [
    `${String(row.latencyMs).padStart(3)} ms/call  c=${String(row.concurrency).padEnd(3)} n=${String(row.docs).padEnd(4)} worker slots ${row.issueConcurrency}`,
    `  API    ${f(row.api)}`,
    `  direct ${f(row.direct)}`,
    `  API/direct: throughput ×${(row.api.rps / row.direct.rps).toFixed(2)}, p50 +${(row.api.p50 - row.direct.p50).toFixed(1)} ms`,
  ].join('\n');
}

function compare(old: Report, now: Report): void {
  process.stdout.write(`\nnew / old (${old.at} → ${now.at})\n`);
  for (const row of now.rows) {
    const before = old.rows.find((r) => r.latencyMs === row.latencyMs && r.concurrency === row.concurrency);
    if (!before) continue;
    const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : `×${(a / b).toFixed(2)}`);
    process.stdout.write(
      `${String(row.latencyMs).padStart(3)} ms c=${String(row.concurrency).padEnd(3)}  API throughput ${ratio(row.api.rps, before.api.rps)}  p50 ${ratio(row.api.p50, before.api.p50)}  p99 ${ratio(row.api.p99, before.api.p99)}  calls/doc ${ratio(row.api.callsPerDoc, before.api.callsPerDoc)}\n`,
    );
  }
}
