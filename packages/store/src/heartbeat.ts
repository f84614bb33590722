import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { workerHeartbeatKey } from './ledger.ts';

export interface Heartbeat {
  readonly workerId: string;
  stop(): void;
}

/**
 * A worker process says it is alive: a key that expires `ttlMs` after the process stops renewing
 * it. Another run waits for this worker's unanswered insert only while the key exists, so a worker
 * that died mid-insert holds nobody up for longer than `ttlMs`.
 */
export function startHeartbeat(redis: Redis, prefix: string, ttlMs: number): Heartbeat {
  const workerId = randomBytes(8).toString('hex');
  const key = workerHeartbeatKey(prefix, workerId);
  const beat = () => {
    // A failed beat (Redis restarting) is repeated on the next tick; the key outlives a few.
    redis.set(key, '1', 'PX', ttlMs).catch(() => undefined);
  };
  beat();
  const timer = setInterval(beat, Math.max(250, Math.floor(ttlMs / 8)));
  timer.unref();
  return { workerId, stop: () => clearInterval(timer) };
}
