import { DEFAULT_JOB_OPTIONS, RETRY_AFTER_BACKOFF } from '@faturador/jobs';
import { describe, expect, it } from 'vitest';
import { deliveryBackoff } from './workers.ts';

const withRetryAfter = (ms: number) => Object.assign(new Error('ratelimited'), { retryAfterMs: ms });
const job = (delay: number) => ({ opts: { backoff: { type: RETRY_AFTER_BACKOFF, delay } } }) as never;

describe('the deliver backoff', () => {
  it("waits what the service asked for (Slack's Retry-After, Airtable's 30 s)", () => {
    expect(deliveryBackoff(1, RETRY_AFTER_BACKOFF, withRetryAfter(30_000), job(1000))).toBe(30_000);
    expect(deliveryBackoff(5, RETRY_AFTER_BACKOFF, withRetryAfter(1_000), job(1000))).toBe(1_000);
  });

  it("otherwise backs off exponentially from the job's delay, with jitter, up to 5 minutes", () => {
    for (let i = 0; i < 50; i++) {
      const first = deliveryBackoff(1, RETRY_AFTER_BACKOFF, new Error('socket hang up'), job(1000));
      expect(first).toBeGreaterThanOrEqual(500);
      expect(first).toBeLessThanOrEqual(1000);
      const fourth = deliveryBackoff(4, RETRY_AFTER_BACKOFF, new Error('503'), job(1000));
      expect(fourth).toBeGreaterThanOrEqual(4000);
      expect(fourth).toBeLessThanOrEqual(8000);
      expect(deliveryBackoff(30, RETRY_AFTER_BACKOFF, new Error('503'), job(1000))).toBeLessThanOrEqual(
        300_000,
      );
    }
  });

  it('is what deliver jobs use by default: BullMQ only calls it for a type that is not its own', () => {
    const backoff = DEFAULT_JOB_OPTIONS.deliver.backoff;
    expect(typeof backoff === 'object' && backoff.type).toBe(RETRY_AFTER_BACKOFF);
    expect(['fixed', 'exponential']).not.toContain(RETRY_AFTER_BACKOFF);
  });
});
