import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bodySha256Hex, canonicalRequest, signedHeaders, signRequest } from './signing.ts';

const base = {
  method: 'post',
  path: '/api/v1/invoices/',
  timestamp: 1_779_000_000,
  nonce: 'n0nce_abcdefghijk',
  body: '{"reference":"TI-1"}',
  secret: 'as_demo_5baf4f0f613949f0863b83de8f4c4f90',
};

describe('signRequest', () => {
  it('is hex HMAC-SHA256 of METHOD, path, timestamp, nonce and the body hash, one per line', () => {
    const canonical = `POST\n/api/v1/invoices/\n1779000000\nn0nce_abcdefghijk\n${bodySha256Hex(base.body)}`;
    expect(canonicalRequest(base)).toBe(canonical);
    expect(signRequest(base)).toBe(createHmac('sha256', base.secret).update(canonical).digest('hex'));
    expect(signRequest(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes bytes and the same text identically', () => {
    expect(signRequest({ ...base, body: new TextEncoder().encode(base.body) })).toBe(signRequest(base));
  });

  it('changes with every signed part', () => {
    const reference = signRequest(base);
    for (const change of [
      { method: 'PUT' },
      { path: '/api/v1/invoices' },
      { timestamp: 1_779_000_001 },
      { nonce: 'n0nce_abcdefghijl' },
      { body: '{"reference":"TI-2"}' },
      { secret: 'as_demo_5baf4f0f613949f0863b83de8f4c4f91' },
    ]) {
      expect(signRequest({ ...base, ...change })).not.toBe(reference);
    }
  });

  it('builds all headers of a signed request', () => {
    const headers = signedHeaders({
      ...base,
      clientId: 'acme',
      keyId: 'ak_0123456789abcdef',
      nonce: undefined,
    });
    expect(headers['X-Nonce']).toMatch(/^[0-9a-f]{32}$/);
    expect(headers['X-Signature']).toBe(signRequest({ ...base, nonce: headers['X-Nonce'] ?? '' }));
    expect(headers).toMatchObject({
      'X-Client-Id': 'acme',
      'X-Api-Key': 'ak_0123456789abcdef',
      'X-Timestamp': '1779000000',
    });
  });
});
