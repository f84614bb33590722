// `npm run bench:slack [N]`: N signed /fatura commands at several concurrencies through the whole
// stack (bot → API → BullMQ → worker → Moloni sandbox → deliver → fake Slack), all in one process
// on this machine. Measures what Slack cares about (the ack, due within 3 s) and what people see
// (the parent turning ✅). Prints figures; asserts nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newTriggerId, sendSigned, slashCommandBody } from '@faturador/slack';
import { startEmbeddedRedis } from '@faturador/testing';
import { startSlackFullStack } from '../slack/full-stack.ts';
import { percentile } from './percentile.ts';

const N = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 100);
const CONCURRENCIES = [1, 16, 64];
const CHANNEL = 'C0BENCH001';

const dataDir = mkdtempSync(join(tmpdir(), 'faturador-slack-bench-'));
const redis = await startEmbeddedRedis({ dataDir });
const full = await startSlackFullStack({ redisUrl: redis.url, prefix: '{slackbench}' });
const { stack, dev } = full;
const slack = dev.fakeSlack;

// One poller for every waiting command: a parent is recognised by its requester, unique per command.
const waiting = new Map<string, () => void>();
const poller = setInterval(() => {
  for (const message of slack.messages) {
    if (message.thread_ts || !message.text.startsWith('✅')) continue;
    const user = /<@(U\w+)>/.exec(message.text)?.[1];
    const done = user ? waiting.get(user) : undefined;
    if (user && done) {
      waiting.delete(user);
      done();
    }
  }
}, 5);

let serial = 0;
async function fatura(): Promise<{ ackMs: number; doneMs: number }> {
  const user = `U0B${String(++serial).padStart(6, '0')}`;
  const finished = new Promise<void>((resolve) => waiting.set(user, resolve));
  const started = performance.now();
  const response = await sendSigned(
    dev.botUrl,
    slashCommandBody({
      text: '509999999 10.00 mensalidade TheInventors',
      channel: CHANNEL,
      user,
      team: slack.teamId,
      responseUrl: slack.responseUrl(user),
      triggerId: newTriggerId(),
    }),
    { signingSecret: dev.signingSecret },
  );
  await response.text();
  const ackMs = performance.now() - started;
  if (response.status !== 200) throw new Error(`the bot answered ${response.status}`);
  await finished;
  return { ackMs, doneMs: performance.now() - started };
}

async function run(concurrency: number) {
  const acks: number[] = [];
  const dones: number[] = [];
  const callsBefore = slack.calls.length;
  const moloniBefore = stack.sandbox.sandbox.stats.count();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < N) {
        next++;
        const { ackMs, doneMs } = await fatura();
        acks.push(ackMs);
        dones.push(doneMs);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  acks.sort((a, b) => a - b);
  dones.sort((a, b) => a - b);
  return {
    perSecond: N / seconds,
    ack: { p50: percentile(acks, 50), p99: percentile(acks, 99), max: acks.at(-1) ?? Number.NaN },
    done: { p50: percentile(dones, 50), p95: percentile(dones, 95), p99: percentile(dones, 99) },
    slackCalls: (slack.calls.length - callsBefore) / N,
    moloniCalls: (stack.sandbox.sandbox.stats.count() - moloniBefore) / N,
  };
}

const ms = (value: number) => `${value.toFixed(0).padStart(5)} ms`;
try {
  await fatura(); // warm-up: token, reference data, customer and product exist afterwards
  process.stdout.write(
    `Slack benchmark: ${N} /fatura commands per run, bot + API + worker + Moloni sandbox + fake Slack in one process, 2 cores\n\n`,
  );
  process.stdout.write(
    'concurrency   commands/s   ack p50 / p99 / max (Slack wants < 3000 ms)   ✅ in thread p50 / p95 / p99   Slack calls/cmd   Moloni calls/cmd\n',
  );
  for (const concurrency of CONCURRENCIES) {
    const r = await run(concurrency);
    process.stdout.write(
      `${String(concurrency).padStart(11)}   ${r.perSecond.toFixed(1).padStart(10)}   ${ms(r.ack.p50)} / ${ms(r.ack.p99)} / ${ms(r.ack.max)}                ${ms(r.done.p50)} / ${ms(r.done.p95)} / ${ms(r.done.p99)}   ${r.slackCalls.toFixed(1).padStart(15)}   ${r.moloniCalls.toFixed(1).padStart(16)}\n`,
    );
  }
} finally {
  clearInterval(poller);
  await full.close();
  await redis.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
