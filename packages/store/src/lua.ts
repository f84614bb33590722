import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

const shas = new Map<string, string>();

/**
 * Runs a Lua script by its SHA1 (EVALSHA), sending the source only when the server does not know
 * it yet (NOSCRIPT: a restarted Redis, a failover, another Cluster node). EVAL with the source
 * every time would send and hash kilobytes per call on the hot path of every document.
 */
export async function evalScript(
  redis: Redis,
  source: string,
  numKeys: number,
  ...args: Array<string | number>
): Promise<unknown> {
  let sha = shas.get(source);
  if (!sha) {
    sha = createHash('sha1').update(source).digest('hex');
    shas.set(source, sha);
  }
  try {
    return await redis.evalsha(sha, numKeys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return await redis.eval(source, numKeys, ...args);
  }
}
