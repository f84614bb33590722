import { describe, expect, it } from 'vitest';
import {
  displayProgress,
  type Progress,
  type RecordSnapshot,
  runIssue,
  summarize,
  writeInBatches,
} from './run.ts';
import type { TriggerResult } from './trigger-client.ts';

const statuses = { issued: 'Emitido', issuing: 'A emitir', draft: 'Rascunho', failed: 'Erro' };
const record = (id: string, fields: Partial<RecordSnapshot> = {}): RecordSnapshot => ({
  id,
  name: id,
  status: '',
  number: '',
  error: '',
  issuedAt: '',
  requestId: '',
  ...fields,
});
const issued = (number: string, status: 'final' | 'draft' = 'final'): TriggerResult => ({
  kind: 'issued',
  number,
  status,
  requestId: 'req_0000000000000001',
  issuedAt: '2026-05-18T15:07:21.000Z',
});
const limited = (retryAfterMs: number): TriggerResult => ({
  kind: 'failed',
  code: 'RATE_LIMITED',
  message: 'abrande',
  retryable: true,
  retryAfterMs,
});

describe('runIssue', () => {
  it('waits out rate limits for as many answers as they last, showing "waiting", never a failure', async () => {
    // Four 429s of 10 s (the backend's queue was full for a whole 30 s Airtable pause), then the document.
    const answers: TriggerResult[] = [limited(10_000), limited(10_000), limited(10_000), issued('FR M/1')];
    const slept: number[] = [];
    const seen: Progress['state'][] = [];
    const writes: unknown[] = [];
    const result = await runIssue([record('rec1')], {
      statuses,
      trigger: async () => answers.shift() ?? limited(1),
      write: async (batch) => {
        writes.push(...batch);
      },
      cells: (outcome) => ({ status: outcome.kind }),
      onProgress: (_, progress) => seen.push(progress.state),
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    expect(slept).toEqual([10_000, 10_000, 10_000]);
    expect(result.get('rec1')).toMatchObject({ state: 'issued', number: 'FR M/1' });
    expect(seen).not.toContain('failed');
    expect(seen.filter((state) => state === 'waiting')).toHaveLength(3);
    // Only "A emitir" was written: no error state for a limit that was waited out.
    expect(writes).toEqual([{ id: 'rec1', fields: { status: 'issuing' } }]);
  });

  it('gives up once the total wait is spent, and then the record fails', async () => {
    const slept: number[] = [];
    const always = await runIssue([record('rec2')], {
      statuses,
      maxRateLimitWaitMs: 70_000,
      trigger: async () => limited(60_000),
      write: async () => {},
      cells: () => ({}),
      onProgress: () => {},
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    expect(slept).toEqual([30_000, 30_000, 10_000]);
    expect(always.get('rec2')).toEqual({ state: 'failed', message: 'abrande', retryable: true });
  });

  it('a draft answer is a draft, not "Emitido"; no answer at all is stalled, and not written to the record', async () => {
    const writes: unknown[] = [];
    const result = await runIssue([record('d'), record('x')], {
      statuses,
      trigger: async (id) =>
        id === 'd' ? issued('', 'draft') : { kind: 'in-doubt', code: 'API_TIMEOUT', message: 'sem resposta' },
      write: async (batch) => {
        writes.push(...batch);
      },
      cells: (outcome) => ({ status: outcome.kind }),
      onProgress: () => {},
    });
    expect(result.get('d')).toEqual({ state: 'draft' });
    expect(result.get('x')).toEqual({ state: 'stalled', message: 'sem resposta' });
    expect(writes).toHaveLength(2); // the two "A emitir", nothing after
  });

  it('refuses a record that already has a document or a draft', async () => {
    const result = await runIssue([record('a', { number: 'FR M/3' }), record('b', { status: 'Rascunho' })], {
      statuses,
      trigger: async () => issued('FR M/9'),
      write: async () => {},
      cells: () => ({}),
      onProgress: () => {},
    });
    expect(result.get('a')).toEqual({ state: 'refused', message: 'Já faturado (FR M/3).' });
    expect(result.get('b')).toEqual({
      state: 'refused',
      message: 'Já tem um rascunho no Moloni (por finalizar).',
    });
  });

  it('goes through queued → issuing → result for each record, a few at a time', async () => {
    const seen: Array<[string, Progress['state']]> = [];
    let inFlight = 0;
    let peak = 0;
    await runIssue(
      ['a', 'b', 'c', 'd', 'e'].map((id) => record(id)),
      {
        statuses,
        concurrency: 2,
        trigger: async () => {
          inFlight += 1;
          peak = Math.max(peak, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 5));
          inFlight -= 1;
          return { kind: 'pending' };
        },
        write: async () => {},
        cells: () => ({}),
        onProgress: (id, progress) => seen.push([id, progress.state]),
      },
    );
    expect(peak).toBe(2);
    expect(seen.filter(([id]) => id === 'c').map(([, state]) => state)).toEqual([
      'queued',
      'issuing',
      'issuing',
    ]);
  });
});

describe('progress helpers', () => {
  it('a pending record settles from what the backend wrote to it, or times out', () => {
    const issuing: Progress = { state: 'issuing', since: 1_000 };
    expect(displayProgress(issuing, record('r', { number: 'FR M/3' }), statuses, 2_000)).toEqual({
      state: 'issued',
      number: 'FR M/3',
      issuedAt: null,
    });
    expect(displayProgress(issuing, record('r', { status: 'Rascunho' }), statuses, 2_000)).toEqual({
      state: 'draft',
    });
    expect(
      displayProgress(issuing, record('r', { status: 'Erro', error: 'O Moloni recusou' }), statuses, 2_000),
    ).toEqual({ state: 'failed', message: 'O Moloni recusou', retryable: true });
    expect(displayProgress(issuing, record('r', { status: 'A emitir' }), statuses, 2_000)).toBe(issuing);
    const late = displayProgress(issuing, record('r', { status: 'A emitir' }), statuses, 121_000, 120_000);
    expect(late).toMatchObject({ state: 'stalled' });
    expect(late?.state === 'stalled' && late.message).toMatch(
      /^Sem resultado no registo ao fim de 2 minutos/,
    );
  });

  it('summarizes and writes in batches of 50', async () => {
    expect(
      summarize([
        { state: 'issued', number: null },
        { state: 'failed', message: '', retryable: false },
        { state: 'waiting', until: 0 },
        { state: 'stalled', message: '' },
        undefined,
      ]),
    ).toMatchObject({ total: 4, issued: 1, issuing: 1, failed: 2 });
    const sizes: number[] = [];
    await writeInBatches(
      Array.from({ length: 120 }, (_, i) => ({ id: `r${i}`, fields: {} })),
      async (batch) => {
        sizes.push(batch.length);
      },
    );
    expect(sizes).toEqual([50, 50, 20]);
  });
});
