import type { MoloniCall } from '@faturador/moloni';
import { createMoloniCallLog } from '@faturador/store';
import { randomPrefix, testRedis } from '@faturador/testing';
import { describe, expect, it } from 'vitest';
import { createCallTimeline } from './call-timeline.ts';

const call = (endpoint: string, durationMs = 1): MoloniCall => ({
  endpoint,
  kind: 'read',
  ok: true,
  code: null,
  status: 200,
  durationMs,
  try: 1,
  at: new Date().toISOString(),
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the call timeline', () => {
  it("writes a job's calls together when it ends, in order, under its request and attempt", async () => {
    const log = createMoloniCallLog({ redis: testRedis(), prefix: randomPrefix() });
    const timeline = createCallTimeline(log);
    const seenDuring: number[] = [];
    await timeline.within({ requestId: 'req_1', attempt: 2, job: 'issue' }, async () => {
      timeline.observer(call('invoiceReceipts/insert'));
      timeline.observer(call('documents/getOne'));
      await timeline.flush();
      seenDuring.push((await log.list('req_1')).length);
    });
    // A call outside any job is nobody's.
    timeline.observer(call('customers/getByVat'));
    await timeline.flush();
    expect(seenDuring).toEqual([0]);
    expect((await log.list('req_1')).map((c) => [c.endpoint, c.attempt, c.job])).toEqual([
      ['invoiceReceipts/insert', 2, 'issue'],
      ['documents/getOne', 2, 'issue'],
    ]);
  });

  it('writes what a long job has made so far without waiting for its end', async () => {
    const log = createMoloniCallLog({ redis: testRedis(), prefix: randomPrefix() });
    const timeline = createCallTimeline(log, () => {}, 50);
    let midway = -1;
    await timeline.within(
      { requestId: 'req_2', attempt: 1, job: 'lifecycle', actionId: 'act_1' },
      async () => {
        timeline.observer(call('invoiceReceipts/insert'));
        await sleep(150);
        await timeline.flush();
        midway = (await log.list('req_2')).length;
        timeline.observer(call('documents/getOne'));
      },
    );
    await timeline.flush();
    expect(midway).toBe(1);
    const calls = await log.list('req_2');
    expect(calls.map((c) => c.endpoint)).toEqual(['invoiceReceipts/insert', 'documents/getOne']);
    expect(calls.every((c) => c.actionId === 'act_1')).toBe(true);
  });

  it('keeps the calls of a job that failed', async () => {
    const log = createMoloniCallLog({ redis: testRedis(), prefix: randomPrefix() });
    const timeline = createCallTimeline(log);
    await expect(
      timeline.within({ requestId: 'req_3', attempt: 1, job: 'issue' }, async () => {
        timeline.observer({
          ...call('invoiceReceipts/insert'),
          ok: false,
          code: 'MOLONI_TIMEOUT',
          status: null,
        });
        throw new Error('the job failed');
      }),
    ).rejects.toThrow('the job failed');
    await timeline.flush();
    expect(await log.list('req_3')).toMatchObject([
      { endpoint: 'invoiceReceipts/insert', code: 'MOLONI_TIMEOUT' },
    ]);
  });
});
