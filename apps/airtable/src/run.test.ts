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

const statuses = { issued: 'Emitido', issuing: 'A emitir', failed: 'Erro' };
const record = (id: string, fields: Partial<RecordSnapshot> = {}): RecordSnapshot => ({
  id,
  name: id,
  status: '',
  number: '',
  error: '',
  ...fields,
});

describe('runIssue', () => {
  it('waits out a rate limit (Retry-After) and tries again, a bounded number of times', async () => {
    const answers: TriggerResult[] = [
      { kind: 'failed', code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 30_000 },
      { kind: 'issued', number: 'FR M/1' },
    ];
    const slept: number[] = [];
    const result = await runIssue([record('rec1')], {
      statuses,
      trigger: async () => answers.shift() ?? { kind: 'failed', code: 'X', message: 'x' },
      write: async () => {},
      cells: () => ({}),
      onProgress: () => {},
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    expect(slept).toEqual([30_000]);
    expect(result.get('rec1')).toEqual({ state: 'issued', number: 'FR M/1' });

    const always = await runIssue([record('rec2')], {
      statuses,
      trigger: async () => ({
        kind: 'failed',
        code: 'RATE_LIMITED',
        message: 'slow down',
        retryAfterMs: 60_000,
      }),
      write: async () => {},
      cells: () => ({}),
      onProgress: () => {},
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    expect(slept).toEqual([30_000, 30_000, 30_000]);
    expect(always.get('rec2')).toEqual({ state: 'failed', message: 'slow down' });
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
  it('a pending record settles from what the backend wrote to it', () => {
    const issuing: Progress = { state: 'issuing' };
    expect(displayProgress(issuing, record('r', { number: 'FR M/3' }), statuses)).toEqual({
      state: 'issued',
      number: 'FR M/3',
    });
    expect(
      displayProgress(issuing, record('r', { status: 'Erro', error: 'O Moloni recusou' }), statuses),
    ).toEqual({
      state: 'failed',
      message: 'O Moloni recusou',
    });
    expect(displayProgress(issuing, record('r', { status: 'A emitir' }), statuses)).toBe(issuing);
  });

  it('summarizes and writes in batches of 50', async () => {
    expect(
      summarize([{ state: 'issued', number: null }, { state: 'failed', message: '' }, undefined]),
    ).toMatchObject({
      total: 2,
      issued: 1,
      failed: 1,
    });
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
