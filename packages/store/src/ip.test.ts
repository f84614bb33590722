import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createIpMatcher,
  ipAllowed,
  normalizeIp,
  normalizeIpList,
  parseIpRange,
  resolveClientIp,
} from './ip.ts';

describe('normalizeIp', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:102:304', '1.2.3.4'],
    ['[2001:DB8::1]', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['::1.2.3.4', '::102:304'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeIp(input)).toBe(expected);
  });

  it.each(['', 'localhost', '1.2.3', '1.2.3.256', '2001:db8::g', '1.2.3.4/32'])('rejects %s', (input) => {
    expect(normalizeIp(input)).toBeNull();
  });

  it('round-trips every IPv6 address through its canonical text', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const once = normalizeIp(ip);
        expect(once).not.toBeNull();
        expect(normalizeIp(once ?? '')).toBe(once);
      }),
    );
  });
});

describe('IP ranges', () => {
  it('canonicalises entries to their network', () => {
    expect(
      normalizeIpList(['10.0.0.5/24', '10.0.0.0/24', '1.2.3.4/32', '2001:DB8::1/32', '::ffff:10.1.0.0/112']),
    ).toEqual(['10.0.0.0/24', '1.2.3.4', '2001:db8::/32', '10.1.0.0/16']);
  });

  it.each([
    '1.2.3.4/33',
    '2001:db8::/129',
    '1.2.3.4/',
    '1.2.3.4/a',
    'x/8',
    '1.2.3.4/8/8',
    '::ffff:1.2.3.4/64',
  ])('refuses %s', (entry) => {
    expect(parseIpRange(entry)).toBeNull();
    expect(() => normalizeIpList([entry])).toThrow(RangeError);
  });

  it('matches IPv4, IPv6, CIDRs and mapped addresses', () => {
    const matcher = createIpMatcher(['203.0.113.7', '10.0.0.0/8', '2001:db8:abcd::/48', '::1']);
    expect(matcher.has('203.0.113.7')).toBe(true);
    expect(matcher.has('::ffff:203.0.113.7')).toBe(true);
    expect(matcher.has('203.0.113.8')).toBe(false);
    expect(matcher.has('10.255.255.255')).toBe(true);
    expect(matcher.has('::ffff:10.1.2.3')).toBe(true);
    expect(matcher.has('11.0.0.0')).toBe(false);
    expect(matcher.has('2001:db8:abcd:ffff::1')).toBe(true);
    expect(matcher.has('2001:db8:abce::1')).toBe(false);
    expect(matcher.has('::1')).toBe(true);
    expect(matcher.has('not an ip')).toBe(false);
  });

  it('keeps the families apart: ::/0 is not every IPv4 address', () => {
    expect(createIpMatcher(['::/0']).has('1.2.3.4')).toBe(false);
    expect(createIpMatcher(['0.0.0.0/0']).has('2001:db8::1')).toBe(false);
    expect(createIpMatcher(['0.0.0.0/0']).has('::ffff:1.2.3.4')).toBe(true);
  });

  it('an address is inside its own /n for every n', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, prefix) => {
        expect(createIpMatcher([`${ip}/${prefix}`]).has(ip)).toBe(true);
      }),
    );
  });

  it('an empty allowlist allows anyone', () => {
    expect(ipAllowed([], '198.51.100.1')).toBe(true);
    expect(ipAllowed(['10.0.0.0/8'], '198.51.100.1')).toBe(false);
  });
});

describe('resolveClientIp', () => {
  const trustedProxies = ['10.0.0.0/8', '2001:db8:1::/64'];

  it('uses the socket when the peer is not a trusted proxy, whatever X-Forwarded-For says', () => {
    expect(resolveClientIp({ socketIp: '198.51.100.9', forwardedFor: '203.0.113.7', trustedProxies })).toBe(
      '198.51.100.9',
    );
    expect(
      resolveClientIp({ socketIp: '::ffff:198.51.100.9', forwardedFor: '10.0.0.1', trustedProxies: [] }),
    ).toBe('198.51.100.9');
  });

  it('behind trusted proxies takes the first untrusted hop from the right', () => {
    expect(
      resolveClientIp({
        socketIp: '::ffff:10.0.0.2',
        // The caller forged "203.0.113.7"; the proxy appended what it saw (198.51.100.9).
        forwardedFor: '203.0.113.7, 198.51.100.9, 10.0.0.3',
        trustedProxies,
      }),
    ).toBe('198.51.100.9');
  });

  it('handles IPv6 hops, ports and brackets', () => {
    expect(
      resolveClientIp({
        socketIp: '2001:db8:1::5',
        forwardedFor: '[2001:db8:9::1]:443, 10.0.0.3:8080',
        trustedProxies,
      }),
    ).toBe('2001:db8:9::1');
  });

  it('falls back to the socket without the header, and stops at garbage', () => {
    expect(resolveClientIp({ socketIp: '10.0.0.2', forwardedFor: undefined, trustedProxies })).toBe(
      '10.0.0.2',
    );
    expect(resolveClientIp({ socketIp: '10.0.0.2', forwardedFor: 'evil, 10.0.0.3', trustedProxies })).toBe(
      '10.0.0.3',
    );
    expect(
      resolveClientIp({ socketIp: '10.0.0.2', forwardedFor: '10.0.0.4, 10.0.0.3', trustedProxies }),
    ).toBe('10.0.0.4');
  });

  it('accepts a matcher built once', () => {
    const matcher = createIpMatcher(trustedProxies);
    expect(
      resolveClientIp({ socketIp: '10.0.0.2', forwardedFor: '198.51.100.9', trustedProxies: matcher }),
    ).toBe('198.51.100.9');
  });
});
