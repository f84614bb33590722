import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseCliEnv, redactRedisUrl, withLocalStack } from './env.ts';

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

describe('withLocalStack', () => {
  const key = 'ab'.repeat(32);
  function stackDir(file: Record<string, unknown> | string): string {
    const dir = mkdtempSync(join(tmpdir(), 'faturador-cli-stack-'));
    writeFileSync(join(dir, 'master.key'), key);
    writeFileSync(
      join(dir, 'stack.json'),
      typeof file === 'string' ? file : JSON.stringify({ master_key_file: join(dir, 'master.key'), ...file }),
    );
    return dir;
  }

  it('finds the running npm start: its Redis, prefix and master key file', () => {
    const dir = stackDir({ redis_url: 'redis://127.0.0.1:41234', prefix: '{dev}', api_url: 'http://x' });
    expect(parseCliEnv(withLocalStack({}, dir))).toMatchObject({
      REDIS_URL: 'redis://127.0.0.1:41234',
      FATURADOR_PREFIX: '{dev}',
      FATURADOR_MASTER_KEY: key,
    });
    // FATURADOR_DATA_DIR says where npm start keeps its data.
    expect(withLocalStack({ FATURADOR_DATA_DIR: dir }, '/nowhere').REDIS_URL).toBe('redis://127.0.0.1:41234');
  });

  it('lets variables that are set win, and without a stack says what is missing', () => {
    const dir = stackDir({ redis_url: 'redis://127.0.0.1:41234', prefix: '{dev}' });
    expect(withLocalStack({ REDIS_URL: 'redis://elsewhere:6379' }, dir)).toEqual({
      REDIS_URL: 'redis://elsewhere:6379',
    });
    expect(withLocalStack({ FATURADOR_PREFIX: '{mine}' }, dir).FATURADOR_PREFIX).toBe('{mine}');
    expect(() => parseCliEnv(withLocalStack({}, '/nowhere'))).toThrow(/no running `npm start` was found/);
    expect(withLocalStack({}, stackDir('not json'))).toEqual({});
  });
});
