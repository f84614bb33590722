import { createSecretBox, parseMasterKey, type SecretBox } from '@faturador/core';
import { closeQueues, createQueues, type QueueDeps, type Queues } from '@faturador/jobs';
import type { MoloniLogger } from '@faturador/moloni';
import {
  assertNoEviction,
  createConnectionStore,
  createIdempotency,
  createLedger,
  createLifecycleStore,
  createMoloniCallLog,
  createRedis,
  createRequestIndex,
  type Idempotency,
  type Ledger,
  type LifecycleStore,
  type MoloniCallLog,
  type RedisMode,
  type RequestIndex,
} from '@faturador/store';
import type { Redis } from 'ioredis';
import { type CallTimeline, createCallTimeline } from './call-timeline.ts';
import { createMoloniRegistry, type MoloniRegistry } from './moloni-resolver.ts';
import { createOperations, type Operations } from './operations.ts';

export interface RuntimeConfig {
  redisUrl: string;
  masterKey: string;
  prefix: string;
  mode: RedisMode;
  idempotencyTtlSeconds?: number;
  jobOptions?: QueueDeps['jobOptions'];
  /** Where the Moloni clients log their calls (the service's logger); silent without one. */
  moloniLogger?: MoloniLogger;
}

/** The clients both the API and the worker build once at boot and pass around. */
export interface Runtime {
  redis: Redis;
  /** BullMQ needs a connection that waits out outages (maxRetriesPerRequest: null). */
  queueConnection: Redis;
  secretBox: SecretBox;
  masterKey: Buffer;
  prefix: string;
  ledger: Ledger;
  idempotency: Idempotency;
  /** Actions on issued documents (finalize, delete, credit notes, receipts). */
  actions: LifecycleStore;
  queues: Queues;
  moloni: MoloniRegistry;
  /** Each request's Moloni calls (endpoint, outcome, duration), kept next to its ledger entry. */
  moloniCalls: MoloniCallLog;
  /** What a job runs within so that its Moloni calls land on its request's timeline. */
  callTimeline: CallTimeline;
  /** The list of requests (over the ledger's index), retries and re-deliveries. */
  requestIndex: RequestIndex;
  operations: Operations;
  close(): Promise<void>;
}

export async function createRuntime(config: RuntimeConfig): Promise<Runtime> {
  const masterKey = parseMasterKey(config.masterKey);
  const secretBox = createSecretBox(masterKey);
  const redis = createRedis(config.redisUrl, config.mode);
  const queueConnection = createRedis(config.redisUrl, 'worker');
  // Refuse a Redis that could evict queue or idempotency keys before doing anything else.
  await assertNoEviction(queueConnection);
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  const { prefix } = config;
  const ledger = createLedger({ redis, prefix });
  const idempotency = createIdempotency({
    redis,
    prefix,
    ttlSeconds: config.idempotencyTtlSeconds ?? 30 * 86_400,
  });
  const actions = createLifecycleStore({
    redis,
    prefix,
    ttlSeconds: config.idempotencyTtlSeconds ?? 30 * 86_400,
  });
  const queues = createQueues({ connection: queueConnection, prefix, jobOptions: config.jobOptions });
  const connections = createConnectionStore({ redis, prefix, secretBox });
  const moloniCalls = createMoloniCallLog({ redis, prefix });
  const callTimeline = createCallTimeline(moloniCalls, (error) =>
    config.moloniLogger?.warn({ err: String(error) }, 'could not record a moloni call'),
  );
  const moloni = createMoloniRegistry({
    connections,
    redis: queueConnection,
    prefix,
    secretBox,
    onCall: callTimeline.observer,
    ...(config.moloniLogger ? { logger: config.moloniLogger } : {}),
  });
  const requestIndex = createRequestIndex({ redis, prefix });
  const operations = createOperations({ ledger, index: requestIndex, idempotency, queues });
  return {
    redis,
    queueConnection,
    requestIndex,
    operations,
    secretBox,
    masterKey,
    prefix,
    ledger,
    idempotency,
    actions,
    queues,
    moloni,
    moloniCalls,
    callTimeline,
    async close() {
      await moloni.close();
      await callTimeline.flush();
      await closeQueues(queues);
      redis.disconnect();
      queueConnection.disconnect();
    },
  };
}
