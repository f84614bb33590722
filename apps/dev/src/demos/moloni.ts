// `pnpm --filter @faturador/dev demo:moloni`: issues the seed contract's example invoice-receipt
// against a local Moloni sandbox, with a private Redis holding the shared token, and reports how
// many Moloni calls an issuance takes with cold and with warm caches.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecretBox, formatEuros, type InvoiceRequest, parseInvoiceRequest } from '@faturador/core';
import type { CallStats } from '@faturador/moloni';
import { createMoloniClient } from '@faturador/moloni';
import { DEFAULT_CREDENTIALS, startMoloniSandbox } from '@faturador/moloni-sandbox';
import { SEED_EXAMPLE_BODY, startEmbeddedRedis } from '@faturador/testing';
import { Redis } from 'ioredis';

function parse(payload: unknown): InvoiceRequest {
  const parsed = parseInvoiceRequest(payload);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

function printCalls(label: string, stats: CallStats): void {
  console.log(`\n${label}: ${stats.total} Moloni calls`);
  for (const [endpoint, count] of Object.entries(stats.byEndpoint)) {
    console.log(`  ${String(count).padStart(2)} × ${endpoint}`);
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'faturador-moloni-demo-'));
  const embeddedRedis = await startEmbeddedRedis({ dataDir });
  const sandbox = await startMoloniSandbox();
  const redis = new Redis(embeddedRedis.url, { maxRetriesPerRequest: null });
  const client = createMoloniClient({
    baseUrl: sandbox.baseUrl,
    credentials: DEFAULT_CREDENTIALS,
    connectionId: 'con_demo',
    redis,
    prefix: '{demo}',
    secretBox: createSecretBox(randomBytes(32)),
  });
  try {
    console.log(`Moloni sandbox at ${sandbox.baseUrl}, Redis at ${embeddedRedis.url}`);
    const request = parse(SEED_EXAMPLE_BODY);
    const issued = await client.issueDocument(
      { request, ourReference: request.reference },
      { onDraftInserted: async (id) => console.log(`draft inserted: document_id ${id}`) },
    );
    const cold = client.stats();

    console.log(`\n${issued.number}  (document_id ${issued.documentId}, ${issued.status})`);
    console.log(`  before VAT  ${formatEuros(issued.totals.beforeVatCents)} EUR`);
    console.log(`  VAT 23%     ${formatEuros(issued.totals.vatCents)} EUR`);
    console.log(`  total       ${formatEuros(issued.totals.totalCents)} EUR`);
    const { state } = sandbox.sandbox;
    const paid = state.documents.get(issued.documentId)?.payments ?? [];
    const methods = paid.map((payment) => state.paymentMethods.get(payment.payment_method_id)?.name);
    console.log(`  paid with   ${methods.join(', ') || "Moloni's default"}`);

    const url = await client.getPdfLink(issued.documentId);
    const bytes = await client.downloadPdf(issued.documentId);
    const isPdf = Buffer.from(bytes.subarray(0, 4)).toString() === '%PDF';
    console.log(`  PDF         ${url} (landing page)`);
    console.log(`              downloaded ${bytes.length} bytes, starts with %PDF: ${isPdf}`);
    if (!isPdf) throw new Error('the PDF download did not give a PDF');

    client.resetStats();
    const second = await client.issueDocument({
      request: parse({ ...SEED_EXAMPLE_BODY, reference: 'TI-2026-05-18-0008' }),
      ourReference: 'TI-2026-05-18-0008',
    });
    const warm = client.stats();
    console.log(`\nsecond document: ${second.number}, ${formatEuros(second.totalGrossCents)} EUR`);

    printCalls('Issuance with cold caches (first ever: login, settings, new customer and product)', cold);
    printCalls('Issuance with warm caches (token, settings, customer and product known)', warm);
  } finally {
    await client.close();
    redis.disconnect();
    await sandbox.close();
    await embeddedRedis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
