// `npm run chaos -- [requests] [runs] [seconds]`: a fault campaign against the whole stack on
// loopback. Per run: a fresh Redis, sandbox and API, two worker processes; clients send N requests
// (some references under two keys at once) and retry with the same key on anything but a final
// answer, while the sandbox injects random faults, workers are SIGKILLed and replaced, and Redis
// restarts once; the last 40 % of the run is calm. Then it counts, against what the sandbox holds:
//   duplicates — references with more than one closed document (must be 0)
//   lost       — a 201 whose document Moloni does not hold closed, or a closed document nobody got
//   unanswered — requests with no final answer within the run's time
// Bounded in count and time; prints figures, asserts nothing (exit code 1 on a duplicate or a loss).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultSpec } from '@faturador/moloni-sandbox';
import { startEmbeddedRedis } from '@faturador/testing';
import { devEnvironment } from './env.ts';
import { SEED_BODY, type Stack, startStack } from './stack.ts';

const REQUESTS = Number(process.argv[2] ?? 60);
const RUNS = Number(process.argv[3] ?? 2);
const RUN_SECONDS = Number(process.argv[4] ?? 90);
const CONCURRENCY = 8;
const workerMain = join(import.meta.dirname, '..', '..', 'worker', 'src', 'main.ts');

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const ENDPOINTS = [
  'invoiceReceipts/insert',
  'invoiceReceipts/insert',
  'invoiceReceipts/update',
  'invoiceReceipts/getAll',
  'documents/getOne',
  'customers/getByVat',
];

function randomFault(): FaultSpec {
  const endpoint = pick(ENDPOINTS);
  const kind = pick(['status', 'status', 'drop', 'commitThenDrop', 'commitThenDrop', 'latency'] as const);
  if (kind === 'status') return { kind, endpoint, status: pick([429, 502, 503, 504]), times: 1 };
  if (kind === 'latency') return { kind, endpoint, ms: 1_500, times: 1 };
  return { kind, endpoint, times: 1 };
}

interface Outcome {
  reference: string;
  status: number | null;
  code: string | null;
  documentId: number | null;
  tries: number;
  requestId: string | null;
}

/** One client: the same key until a final answer (201 or a 4xx), or the run's deadline. */
async function client(stack: Stack, reference: string, deadline: number): Promise<Outcome> {
  const headers = { 'idempotency-key': randomUUID() };
  const outcome: Outcome = {
    reference,
    status: null,
    code: null,
    documentId: null,
    tries: 0,
    requestId: null,
  };
  while (Date.now() < deadline) {
    outcome.tries++;
    const answer = await stack
      .post('/api/v1/invoices/', { ...SEED_BODY, reference }, headers)
      .catch(() => null);
    outcome.requestId = answer?.body?.request_id ?? outcome.requestId;
    if (answer && answer.status < 500) {
      outcome.status = answer.status;
      outcome.code = answer.body?.error?.code ?? null;
      outcome.documentId = answer.body?.document?.moloni_document_id ?? null;
      return outcome;
    }
    await sleep(250 + Math.random() * 750);
  }
  return outcome;
}

async function campaign(run: number): Promise<boolean> {
  const dataDir = mkdtempSync(join(tmpdir(), 'faturador-chaos-'));
  const redis = await startEmbeddedRedis({ dataDir });
  const stack = await startStack({
    redisUrl: redis.url,
    prefix: '{chaos}',
    worker: false,
    syncBudgetMs: 3_000,
    issueAttempts: 8,
  });
  const workers = new Set<ChildProcess>();
  const spawnWorker = () => {
    const child = spawn(process.execPath, ['--import', 'tsx', workerMain], {
      env: { ...devEnvironment(), ...stack.env, LOG_LEVEL: 'silent' },
      stdio: 'ignore',
    });
    workers.add(child);
    child.once('exit', () => workers.delete(child));
  };
  spawnWorker();
  spawnWorker();
  const started = Date.now();
  const deadline = started + RUN_SECONDS * 1000;
  const events = { faults: 0, kills: 0, redisRestarts: 0 };
  // Chaos for the first 60 % of the run; the rest is calm, so a request still unanswered at the
  // end is one the stack could not settle, not one that was still being hit.
  const calmFrom = started + RUN_SECONDS * 600;
  let chaos = true;

  const troublemaker = (async () => {
    const restartAt = started + 4_000;
    let nextKill = started + 2_000 + Math.random() * 3_000;
    while (chaos && Date.now() < calmFrom) {
      await sleep(100 + Math.random() * 150);
      if (!chaos) break;
      stack.sandbox.sandbox.faults.add(randomFault());
      events.faults++;
      if (Date.now() > nextKill && workers.size > 0) {
        // A worker dies mid-whatever; a new one starts (the dead one's jobs come back by lock expiry).
        pick([...workers]).kill('SIGKILL');
        events.kills++;
        spawnWorker();
        nextKill = Date.now() + 5_000 + Math.random() * 5_000;
      }
      if (events.redisRestarts === 0 && Date.now() > restartAt) {
        events.redisRestarts++;
        await redis.restart();
      }
    }
    stack.sandbox.sandbox.faults.clear();
  })();

  // Every fifth reference is sent by two clients at once, under two keys.
  const references = Array.from({ length: REQUESTS }, (_, i) => `CHAOS-${run}-${i}`);
  const jobs = references.flatMap((reference, i) => (i % 5 === 0 ? [reference, reference] : [reference]));
  const outcomes: Outcome[] = [];
  const pace = (RUN_SECONDS * 500 * CONCURRENCY) / jobs.length;
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < jobs.length) {
        const reference = jobs[next++] as string;
        outcomes.push(await client(stack, reference, deadline));
        // Paced over the first half of the run, so that faults, kills and the restart land among them.
        await sleep(pace * (0.5 + Math.random()));
      }
    }),
  );
  chaos = false;
  await troublemaker;
  stack.sandbox.sandbox.faults.clear();

  const documents = [...stack.sandbox.sandbox.state.documents.values()];
  let duplicates = 0;
  let lost = 0;
  let drafts = 0;
  for (const reference of references) {
    const mine = documents.filter((document) => document.our_reference === reference);
    const closed = mine.filter((document) => document.status === 1);
    drafts += mine.length - closed.length;
    if (closed.length > 1) duplicates++;
    const answered = outcomes.filter((o) => o.reference === reference && o.status === 201);
    const held = new Set(closed.map((document) => document.document_id));
    if (answered.some((o) => o.documentId === null || !held.has(o.documentId))) lost++;
    // A closed document no client was told about, while every client got a final answer.
    const allFinal = outcomes.filter((o) => o.reference === reference).every((o) => o.status !== null);
    if (closed.length > 0 && answered.length === 0 && allFinal) lost++;
  }
  const unanswered = outcomes.filter((o) => o.status === null).length;
  const byAnswer = new Map<string, number>();
  for (const o of outcomes) {
    const label = o.status === null ? 'none' : `${o.status}${o.code ? ` ${o.code}` : ''}`;
    byAnswer.set(label, (byAnswer.get(label) ?? 0) + 1);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `run ${run}: ${outcomes.length} requests for ${references.length} references in ${seconds} s — ` +
      `duplicates ${duplicates}, lost ${lost}, unanswered ${unanswered}` +
      ` | faults ${events.faults}, worker kills ${events.kills}, Redis restarts ${events.redisRestarts}` +
      ` | drafts left ${drafts} | answers ${[...byAnswer].map(([k, v]) => `${k}: ${v}`).join(', ')}` +
      ` | tries ${outcomes.reduce((sum, o) => sum + o.tries, 0)}\n`,
  );

  // Where each unanswered request stood when the run ended, for whoever investigates.
  for (const o of outcomes.filter((item) => item.status === null)) {
    const entry = o.requestId ? await stack.api.runtime.ledger.get(o.requestId) : null;
    process.stdout.write(
      `  unanswered ${o.reference} (${o.requestId ?? 'no request id'}): ledger ${entry?.state ?? '-'}` +
        `${entry?.error ? ` ${entry.error.code}` : ''}, Moloni write ${entry?.moloniWrite ?? '-'}, ${o.tries} tries\n`,
    );
  }

  for (const child of workers) child.kill('SIGKILL');
  await stack.close();
  await redis.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return duplicates === 0 && lost === 0;
}

process.stdout.write(
  `Faturador fault campaign: ${RUNS} run(s) of ${REQUESTS} references, ≤ ${RUN_SECONDS} s each, loopback only\n`,
);
let clean = true;
for (let run = 1; run <= RUNS; run++) clean = (await campaign(run)) && clean;
process.exit(clean ? 0 : 1);
