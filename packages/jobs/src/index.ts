import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Gauge, type Registry } from 'prom-client';
import { z } from 'zod';

/**
 * The queues of Faturador. `issue` talks to Moloni; `deliver` takes results back to their origin;
 * `lifecycle` acts on issued documents (finalize, delete a draft, credit notes, receipts, e-mails).
 */
export const QUEUE_NAMES = { issue: 'issue', deliver: 'deliver', lifecycle: 'lifecycle' } as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

const requestIdSchema = z.string().regex(/^req_[0-9a-f]{16}$/);
const airtableOriginSchema = z.strictObject({
  kind: z.literal('airtable'),
  base_id: z.string(),
  table_id: z.string(),
  record_id: z.string(),
});

export const jobSchemas = {
  issue: z.strictObject({ requestId: z.string().regex(/^req_[0-9a-f]{16}$/), clientId: z.string().min(1) }),
  deliver: z.union([
    /** The request's result (or, with `progress`, that it is being issued) to where it came from. */
    z.strictObject({ requestId: requestIdSchema, progress: z.literal(true).optional() }),
    /** The outcome of an action on the request's document (a credit note, a receipt…) to the same place. */
    z.strictObject({ requestId: requestIdSchema, actionId: z.string().regex(/^act_[0-9a-f]{16}$/) }),
    /** A trigger refused before any request existed: the refusal goes to the record that asked. */
    z.strictObject({
      refusal: z.strictObject({
        clientId: z.string().min(1),
        origin: airtableOriginSchema,
        error: z.strictObject({ code: z.string(), message: z.string() }),
      }),
    }),
  ]),
  lifecycle: z.strictObject({ actionId: z.string().regex(/^act_[0-9a-f]{16}$/) }),
} as const satisfies Record<QueueName, z.ZodType>;

export type JobData<N extends QueueName> = z.output<(typeof jobSchemas)[N]>;

/**
 * The deliver queue's backoff: the wait a service asked for (Slack's Retry-After, Airtable's 30 s
 * after a 429), else exponential from `delay` with jitter. BullMQ runs it only for a type that is
 * not one of its own, so deliver jobs must name this one; the worker implements it.
 */
export const RETRY_AFTER_BACKOFF = 'retry-after';

/**
 * Retries with intent: transient failures back off exponentially with jitter; a business
 * rejection is thrown as UnrecoverableError by the worker and fails at once. Failed jobs are
 * kept: they are the audit trail.
 */
export const DEFAULT_JOB_OPTIONS: Record<QueueName, JobsOptions> = {
  issue: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 500, jitter: 0.5 },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: false,
  },
  deliver: {
    attempts: 12,
    backoff: { type: RETRY_AFTER_BACKOFF, delay: 1000 },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: false,
  },
  lifecycle: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 500, jitter: 0.5 },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: false,
  },
};

export type Queues = Record<QueueName, Queue>;

export interface QueueDeps {
  connection: Redis;
  /** Hash-tagged (`{fat}`) so that every key of a queue lands in one Redis Cluster slot. */
  prefix: string;
  /** Overrides of the default job options (tests shorten the retry backoff). */
  jobOptions?: Partial<Record<QueueName, JobsOptions>>;
}

export function createQueues({ connection, prefix, jobOptions = {} }: QueueDeps): Queues {
  const optionsOf = (name: QueueName) => ({ ...DEFAULT_JOB_OPTIONS[name], ...jobOptions[name] });
  return {
    issue: new Queue(QUEUE_NAMES.issue, { connection, prefix, defaultJobOptions: optionsOf('issue') }),
    deliver: new Queue(QUEUE_NAMES.deliver, {
      connection,
      prefix,
      defaultJobOptions: optionsOf('deliver'),
    }),
    lifecycle: new Queue(QUEUE_NAMES.lifecycle, {
      connection,
      prefix,
      defaultJobOptions: optionsOf('lifecycle'),
    }),
  };
}

/**
 * The only way to add a job. The jobId is required: BullMQ ignores an add whose jobId exists,
 * which is what makes "one request, one job" hold under concurrent retries.
 */
export async function enqueue<N extends QueueName>(
  queues: Queues,
  name: N,
  data: JobData<N>,
  options: { jobId: string } & Omit<JobsOptions, 'jobId'>,
): Promise<void> {
  const payload = jobSchemas[name].parse(data);
  await queues[name].add(name, payload, options);
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
}

/**
 * The queue-depth gauge of `/metrics` (the API's and the worker's): jobs of each queue by state,
 * read from BullMQ when scraped. `queues` may be absent until the runtime exists.
 */
export function registerQueueDepthGauge(registry: Registry, queues: () => Queues | null): void {
  new Gauge({
    name: 'faturador_queue_jobs',
    help: 'Jobs in each queue by state, read from BullMQ when scraped.',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      for (const [name, queue] of Object.entries(queues() ?? {})) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
        for (const [state, count] of Object.entries(counts)) this.set({ queue: name, state }, count);
      }
    },
  });
}
