import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startMoloniSandbox } from './server.ts';
import { customerAndProduct, documentBody, sandbox } from './test/http.ts';

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'moloni-sandbox-state-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'moloni-sandbox.json');
}

describe('a sandbox with a state file', () => {
  it('keeps documents, numbering, PDF links and tokens across a restart', async () => {
    const file = tempFile();
    const first = await sandbox({ stateFile: file });
    expect(first.running.sandbox.restored).toBe(false);
    const ids = await customerAndProduct(first);
    const issued = (await first.call('invoiceReceipts/insert', documentBody(ids, { status: 1 }))).body;
    const link = (await first.call('documents/getPDFLink', { document_id: issued.document_id })).body.url;
    await first.running.close();

    const second = await startMoloniSandbox({ stateFile: file });
    onTestFinished(() => second.close());
    expect(second.sandbox.restored).toBe(true);
    const call = async (endpoint: string, body: Record<string, unknown>) => {
      const response = await fetch(`${second.baseUrl}${endpoint}/?access_token=${first.token}&json=true`, {
        method: 'POST',
        body: JSON.stringify({ company_id: first.companyId, ...body }),
      });
      return response.json();
    };
    // The token of the first run still works; the document and its link are still there.
    expect(await call('documents/getOne', { document_id: issued.document_id })).toMatchObject({
      number: 1,
      status: 1,
      our_reference: 'TI-2026-05-18-0007',
    });
    const query = new URL(link).search.slice(1);
    const pdf = await fetch(`${second.origin}/downloads/index.php?action=getDownload&${query}`);
    expect(pdf.status).toBe(200);
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 4)
        .toString(),
    ).toBe('%PDF');
    // Numbering and ids go on where they were.
    const next = (await call('invoiceReceipts/insert', documentBody(ids, { status: 1 }))) as {
      document_id: number;
    };
    expect(next.document_id).toBeGreaterThan(issued.document_id);
    expect(await call('documents/getOne', { document_id: next.document_id })).toMatchObject({ number: 2 });
    expect(JSON.parse(readFileSync(file, 'utf8')).state.documents).toHaveLength(2);
  });

  it('starts from the seed without a file, and refuses a file of another version', async () => {
    const file = tempFile();
    const fresh = await startMoloniSandbox({ stateFile: file });
    expect(fresh.sandbox.restored).toBe(false);
    await fresh.close();
    writeFileSync(file, JSON.stringify({ version: 99 }));
    await expect(startMoloniSandbox({ stateFile: file })).rejects.toThrow(/version 99/);
  });
});
