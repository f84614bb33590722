// `pnpm --filter @faturador/dev bench:index [N]`: claims N requests (1,000,000 by default) through
// the real claim script (ledger entry + index), moves a share of them through the ledger's states,
// then times filtered pages of the list. Prints figures; asserts nothing.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId, parseInvoiceRequest } from '@faturador/core';
import { createIdempotency, createLedger, createRequestIndex, type RequestFilter } from '@faturador/store';
import { SEED_EXAMPLE_BODY, startEmbeddedRedis } from '@faturador/testing';
import { Redis } from 'ioredis';
import { percentile } from './percentile.ts';

const N = Number(process.argv[2] ?? 1_000_000);
const CLIENTS = ['acme_erp', 'airtable_ops_prod', 'slack_bot', 'shop_web', 'backoffice_batch'];
const NAMES = ['Eduardo Costa', 'Ana Gonçalves', 'Bruno Gomes', 'Carla Sousa', 'Diogo Martins', 'Inês Rocha'];

const dataDir = mkdtempSync(join(tmpdir(), 'faturador-bench-index-'));
const server = await startEmbeddedRedis({ dataDir });
const redis = new Redis(server.url, { maxRetriesPerRequest: null });
const prefix = '{bench}';
const idempotency = createIdempotency({ redis, prefix, ttlSeconds: 30 * 86_400 });
const ledger = createLedger({ redis, prefix });
const index = createRequestIndex({ redis, prefix });

const base = parseInvoiceRequest(SEED_EXAMPLE_BODY);
if (!base.ok) throw base.error;
const template = base.value;
const failedIds: string[] = [];

try {
  const started = performance.now();
  const batch = 2000;
  for (let done = 0; done < N; done += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, N - done) }, async (_, j) => {
        const i = done + j;
        const requestId = newId('req');
        const reference = `B-${i}`;
        await idempotency.claim({
          requestId,
          clientId: CLIENTS[i % CLIENTS.length] as string,
          idempotencyKey: randomUUID(),
          fingerprint: String(i),
          reference,
          request: {
            ...template,
            reference,
            customer: {
              ...template.customer,
              name: `${NAMES[i % NAMES.length]} ${i}`,
              vatNumber: String(100_000_000 + (i % 50_000)),
            },
          },
          origin: { kind: 'api' },
          connectionId: 'con_bench000000000001',
        });
        // Most requests end issued, one in fifty failed, the newest few stay queued.
        if (i % 50 === 7) {
          await ledger.markFailed(
            requestId,
            { code: 'MOLONI_UNAVAILABLE', message: 'x', details: null },
            503,
          );
          failedIds.push(requestId);
        } else if (i < N - 1000) {
          await ledger.markIssued(requestId, {
            type: 'invoice_receipt',
            status: 'final',
            moloni_document_id: i + 1,
            number: `FR M/${i + 1}`,
            series: 'M',
            total_gross: 10,
            currency: 'EUR',
            pdf_url: null,
            created_at: new Date().toISOString(),
          });
        }
      }),
    );
    if ((done / batch) % 50 === 0) process.stdout.write(`\r${done} / ${N}`);
  }
  const fillSeconds = (performance.now() - started) / 1000;
  const memory = /used_memory_human:(\S+)/.exec(await redis.info('memory'))?.[1];
  console.log(`\rfilled ${N} requests in ${fillSeconds.toFixed(1)} s; Redis uses ${memory}`);

  const cases: Array<[string, RequestFilter]> = [
    ['everything, newest first', {}],
    ['one client', { clientId: 'acme_erp' }],
    ['one client, failed', { clientId: 'slack_bot', state: 'failed' }],
    ['failed, last 7 days', { state: 'failed', fromMs: Date.now() - 7 * 86_400_000 }],
    ['queued (rare) of one client', { state: 'queued', clientId: 'shop_web' }],
    ['reference', { reference: `B-${Math.floor(N / 2)}` }],
    ['NIF', { nif: '100012345' }],
    ['document number', { documentNumber: `FR M/${Math.floor(N / 3)}` }],
    ['name prefix "gonc"', { name: 'gonc' }],
    ['name prefix + client', { name: 'carla', clientId: 'acme_erp' }],
  ];
  for (const [label, filter] of cases) {
    const times: number[] = [];
    let count = 0;
    let cursor: string | null = null;
    for (let run = 0; run < 30; run++) {
      const t = performance.now();
      const page = await index.page(filter, { limit: 50, cursor });
      const entries = await ledger.getMany(page.ids);
      times.push(performance.now() - t);
      count = entries.length;
      // Half the runs walk on to the next page, as a reader would.
      cursor = run % 2 === 0 ? page.nextCursor : null;
    }
    times.sort((a, b) => a - b);
    console.log(
      `${label.padEnd(32)} ${String(count).padStart(3)} rows   p50 ${percentile(times, 50).toFixed(2).padStart(7)} ms   p95 ${percentile(times, 95).toFixed(2).padStart(7)} ms`,
    );
  }
} finally {
  redis.disconnect();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
