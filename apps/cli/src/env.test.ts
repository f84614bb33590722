import { describe, expect, it } from 'vitest';
import { ConfigError, parseCliEnv, redactRedisUrl } from './env.ts';

const key = 'ab'.repeat(32);

describe('CLI env', () => {
  it('parses and defaults the prefix', () => {
    expect(
      parseCliEnv({ REDIS_URL: 'redis://127.0.0.1:6379', FATURADOR_MASTER_KEY: key, OTHER: 'x' }),
    ).toEqual({
      REDIS_URL: 'redis://127.0.0.1:6379',
      FATURADOR_MASTER_KEY: key,
      FATURADOR_PREFIX: '{fat}',
    });
  });

  it('lists every problem without echoing values', () => {
    let error: unknown;
    try {
      parseCliEnv({
        REDIS_URL: 'http://x',
        FATURADOR_MASTER_KEY: 'not-the-key-123',
        FATURADOR_PREFIX: 'fat',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('REDIS_URL must start with redis://');
    expect(message).toContain('FATURADOR_MASTER_KEY must be 64 hex characters');
    expect(message).toContain('FATURADOR_PREFIX must be a hash tag');
    expect(message).not.toContain('not-the-key-123');
    expect(() => parseCliEnv({})).toThrow(/REDIS_URL is required[\s\S]*FATURADOR_MASTER_KEY is required/);
  });

  it('redacts the Redis password', () => {
    expect(redactRedisUrl('redis://default:hunter2@redis.internal:6379/0')).toBe(
      'redis://default:***@redis.internal:6379/0',
    );
  });
});
