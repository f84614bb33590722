import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, parseMasterKey, safeEqual } from './crypto.ts';

describe('secret box', () => {
  const box = createSecretBox(randomBytes(32));

  it('round-trips and never contains the plaintext', () => {
    const sealed = box.seal('as_demo_5baf4f0f613949f0863b83de8f4c4f90', 'api-secret');
    expect(sealed).not.toContain('5baf4f0f');
    expect(box.open(sealed, 'api-secret')).toBe('as_demo_5baf4f0f613949f0863b83de8f4c4f90');
    expect(box.seal('x', 'p')).not.toBe(box.seal('x', 'p'));
  });

  it('refuses another purpose, another key and tampering', () => {
    const sealed = box.seal('secret', 'moloni-password');
    expect(() => box.open(sealed, 'api-secret')).toThrow();
    expect(() => createSecretBox(randomBytes(32)).open(sealed, 'moloni-password')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('other').toString('base64url');
    expect(() => box.open(parts.join('.'), 'moloni-password')).toThrow();
  });

  it('parses hex and base64 master keys of 32 bytes only', () => {
    expect(parseMasterKey('ab'.repeat(32))).toHaveLength(32);
    expect(parseMasterKey(randomBytes(32).toString('base64'))).toHaveLength(32);
    expect(() => parseMasterKey('short')).toThrow(RangeError);
  });

  it('compares strings in constant time', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});
