import { randomPrefix, testRedis } from '@faturador/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closeQueues,
  createQueues,
  DEFAULT_JOB_OPTIONS,
  enqueue,
  type Queues,
  RETRY_AFTER_BACKOFF,
} from './index.ts';

let queues: Queues | undefined;
afterEach(async () => {
  if (queues) await closeQueues(queues);
  queues = undefined;
});

function setup(jobOptions?: Parameters<typeof createQueues>[0]['jobOptions']): Queues {
  queues = createQueues({
    connection: testRedis(),
    prefix: randomPrefix(),
    ...(jobOptions ? { jobOptions } : {}),
  });
  return queues;
}

describe('the queue contract', () => {
  it('adds one job per jobId, however often the same job is enqueued', async () => {
    const q = setup();
    const data = { requestId: 'req_0123456789abcdef', clientId: 'acme' };
    await Promise.all(Array.from({ length: 10 }, () => enqueue(q, 'issue', data, { jobId: data.requestId })));
    expect(await q.issue.getJobCountByTypes('waiting', 'delayed', 'active')).toBe(1);
    const job = await q.issue.getJob(data.requestId);
    expect(job?.data).toEqual(data);
  });

  it('refuses a payload outside its schema, and adds nothing', async () => {
    const q = setup();
    await expect(
      enqueue(q, 'issue', { requestId: 'not-a-request', clientId: 'acme' }, { jobId: 'x1' }),
    ).rejects.toThrow();
    await expect(
      enqueue(q, 'deliver', { requestId: 'req_0123456789abcdef', extra: 1 } as never, { jobId: 'x2' }),
    ).rejects.toThrow();
    expect(await q.issue.getJobCountByTypes('waiting', 'delayed')).toBe(0);
    expect(await q.deliver.getJobCountByTypes('waiting', 'delayed')).toBe(0);
  });

  it('gives issue jobs bounded exponential retries and deliver jobs the Retry-After backoff, kept as an audit trail', async () => {
    const q = setup({ issue: { attempts: 3 } });
    await enqueue(
      q,
      'issue',
      { requestId: 'req_0123456789abcdef', clientId: 'acme' },
      { jobId: 'req_0123456789abcdef' },
    );
    await enqueue(
      q,
      'deliver',
      { requestId: 'req_0123456789abcdef' },
      { jobId: 'req_0123456789abcdef.deliver.1' },
    );
    const issue = await q.issue.getJob('req_0123456789abcdef');
    const deliver = await q.deliver.getJob('req_0123456789abcdef.deliver.1');
    // An override changes only what it names.
    expect(issue?.opts).toMatchObject({
      attempts: 3,
      backoff: DEFAULT_JOB_OPTIONS.issue.backoff,
      removeOnFail: false,
    });
    expect(deliver?.opts).toMatchObject({
      attempts: 12,
      backoff: { type: RETRY_AFTER_BACKOFF },
      removeOnFail: false,
    });
  });
});
