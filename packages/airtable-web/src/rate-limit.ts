import type { Redis } from 'ioredis';

/**
 * Airtable allows 5 requests per second per base, and 50 per second per token across all its
 * bases, across every process that uses them, and answers a 429 that must be waited out for 30 s.
 * A limiter hands out send times per key (a base id, or `token:<fingerprint>`): `reserve` says
 * how long this request must wait for its slot.
 */
export interface AirtableRateLimiter {
  /**
   * Milliseconds to wait before sending (0 = now), already reserved; null when that is over
   * `maxWaitMs`. `intervalMs` overrides the limiter's spacing for this key (a token's is shorter).
   */
  reserve(key: string, maxWaitMs: number, intervalMs?: number): Promise<number | null>;
  /** After a 429: nothing is sent to this base for `ms`. */
  pause(baseId: string, ms: number): Promise<void>;
}

export interface RateLimitOptions {
  /**
   * Spacing between two requests to one base. 1000/5 = 200 ms would meet the limit exactly; the
   * margin absorbs network jitter that brings two requests closer on Airtable's side.
   */
  intervalMs?: number;
}

export const DEFAULT_INTERVAL_MS = 220;
/** 1000/50 = 20 ms would meet the per-token limit exactly; the same margin as a base's. */
export const DEFAULT_TOKEN_INTERVAL_MS = 22;

/** One process only (tests, a single api+worker process). */
export function createMemoryRateLimiter(options: RateLimitOptions = {}): AirtableRateLimiter {
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const next = new Map<string, number>();
  const pausedUntil = new Map<string, number>();
  return {
    async reserve(baseId, maxWaitMs, spacing = intervalMs) {
      const now = Date.now();
      const slot = Math.max(now, next.get(baseId) ?? 0, pausedUntil.get(baseId) ?? 0);
      if (slot - now > maxWaitMs) return null;
      next.set(baseId, slot + spacing);
      return slot - now;
    },
    async pause(baseId, ms) {
      pausedUntil.set(baseId, Math.max(pausedUntil.get(baseId) ?? 0, Date.now() + ms));
    },
  };
}

// Slots are handed out atomically with Redis's clock, so every api and worker process shares them.
const RESERVE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local nextSlot = tonumber(redis.call('GET', KEYS[1]) or '0')
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
local slot = math.max(now, nextSlot, paused)
if slot - now > tonumber(ARGV[2]) then return -1 end
redis.call('SET', KEYS[1], slot + tonumber(ARGV[1]), 'PX', slot - now + tonumber(ARGV[1]) + 1000)
return slot - now
`;

const PAUSE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > paused then redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 1000) end
return untilMs
`;

/** Shared by every process on one Redis: the right default once api and worker run apart. */
export function createRedisRateLimiter(
  deps: { redis: Redis; prefix: string },
  options: RateLimitOptions = {},
): AirtableRateLimiter {
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const keys = (baseId: string): [string, string] => [
    `${deps.prefix}:airtable:rate:${baseId}:next`,
    `${deps.prefix}:airtable:rate:${baseId}:paused`,
  ];
  return {
    async reserve(baseId, maxWaitMs, spacing = intervalMs) {
      const [next, paused] = keys(baseId);
      const wait = Number(
        await deps.redis.eval(RESERVE, 2, next, paused, String(spacing), String(maxWaitMs)),
      );
      return wait < 0 ? null : wait;
    },
    async pause(baseId, ms) {
      const [, paused] = keys(baseId);
      await deps.redis.eval(PAUSE, 1, paused, String(ms));
    },
  };
}
