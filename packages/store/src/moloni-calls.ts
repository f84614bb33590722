import type { Redis } from 'ioredis';
import { ledgerKey } from './ledger.ts';

/** One Moloni call made for a request, as its timeline shows it. */
export interface RecordedMoloniCall {
  at: string;
  endpoint: string;
  ok: boolean;
  /** The error code the call failed with (null when it succeeded). */
  code: string | null;
  /** Moloni's HTTP status (null when no answer came). */
  status: number | null;
  durationMs: number;
  /** The job's attempt (1 = first run of the issue or lifecycle job). */
  attempt: number;
  /** The client's own try of this call (reads are retried within one attempt). */
  try: number;
  /** Which job made it: the issue itself or an action on its document (with the action's id). */
  job: 'issue' | 'lifecycle';
  actionId?: string;
}

export interface MoloniCallLogDeps {
  redis: Redis;
  prefix: string;
  /** Calls kept per request (the newest); older ones are dropped. */
  maxPerRequest?: number;
}

export const MAX_CALLS_PER_REQUEST = 200;

/** Next to the ledger entry, so it lives and goes with it: `<prefix>:ledger:<id>:moloni-calls`. */
export function moloniCallsKey(prefix: string, requestId: string): string {
  return `${ledgerKey(prefix, requestId)}:moloni-calls`;
}

/**
 * The Moloni calls made for each request, oldest first, bounded to the newest `maxPerRequest`.
 * The list takes the TTL of the ledger entry when it has one (entries are kept forever today).
 */
export function createMoloniCallLog({
  redis,
  prefix,
  maxPerRequest = MAX_CALLS_PER_REQUEST,
}: MoloniCallLogDeps) {
  return {
    /** Appends calls (one or a job's batch) in one round trip. */
    async record(requestId: string, ...calls: RecordedMoloniCall[]): Promise<void> {
      if (calls.length === 0) return;
      const key = moloniCallsKey(prefix, requestId);
      const [, , ttl] = ((await redis
        .multi()
        .rpush(key, ...calls.map((call) => JSON.stringify(call)))
        .ltrim(key, -maxPerRequest, -1)
        .pttl(ledgerKey(prefix, requestId))
        .exec()) ?? []) as Array<[Error | null, unknown]>;
      const remaining = Number(ttl?.[1]);
      if (remaining > 0) await redis.pexpire(key, remaining);
    },
    async list(requestId: string): Promise<RecordedMoloniCall[]> {
      const raw = await redis.lrange(moloniCallsKey(prefix, requestId), 0, -1);
      return raw.map((item) => JSON.parse(item) as RecordedMoloniCall);
    },
  };
}

export type MoloniCallLog = ReturnType<typeof createMoloniCallLog>;
