import { isIP } from 'node:net';

/**
 * IP addresses and CIDR ranges, v4 and v6, as 32/128-bit BigInts. Written out rather than through
 * node:net BlockList because we also need canonical text (to store and show allowlists) and the
 * `::ffff:a.b.c.d` mapping in every notation, and the whole thing is small.
 */
export interface IpRange {
  family: 4 | 6;
  network: bigint;
  prefix: number;
}

interface ParsedIp {
  family: 4 | 6;
  value: bigint;
}

const MAPPED_V4 = 0xffffn;

function parseV4(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function parseV6(text: string): bigint {
  let head = text;
  let tail: bigint[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(head);
  if (dotted?.[1]) {
    const v4 = parseV4(dotted[1]);
    tail = [v4 >> 16n, v4 & 0xffffn];
    head = head.slice(0, -dotted[1].length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const [left = '', right] = head.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => BigInt(`0x${g}`)));
  const leftGroups = groups(left);
  const rightGroups = [...(right === undefined ? [] : groups(right)), ...tail];
  if (right === undefined) leftGroups.push(...rightGroups.splice(0));
  const zeros = 8 - leftGroups.length - rightGroups.length;
  const all = [...leftGroups, ...Array<bigint>(zeros).fill(0n), ...rightGroups];
  return all.reduce((acc, group) => (acc << 16n) | group, 0n);
}

/** Parses an address in any accepted notation; `::ffff:a.b.c.d` (and its hex form) becomes IPv4. */
function parseIp(raw: string): ParsedIp | null {
  let text = raw.trim().toLowerCase();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  // A zone index (fe80::1%eth0) names a local interface; it does not change who the peer is.
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  const family = isIP(text);
  if (family === 4) return { family: 4, value: parseV4(text) };
  if (family !== 6) return null;
  const value = parseV6(text);
  if (value >> 32n === MAPPED_V4) return { family: 4, value: value & 0xffffffffn };
  return { family: 6, value };
}

function formatV4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

function formatV6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => (value >> BigInt((7 - i) * 16)) & 0xffffn);
  // RFC 5952: compress the longest run (of two or more) of zero groups, the first one on ties.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0n) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0n) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function bits(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

/** Canonical text of an address (`::ffff:1.2.3.4` → `1.2.3.4`), or null when it is not one. */
export function normalizeIp(raw: string): string | null {
  const parsed = parseIp(raw);
  if (!parsed) return null;
  return parsed.family === 4 ? formatV4(parsed.value) : formatV6(parsed.value);
}

/** Parses `1.2.3.4`, `10.0.0.0/8`, `2001:db8::/32`, `::ffff:10.0.0.0/104`; null when invalid. */
export function parseIpRange(raw: string): IpRange | null {
  const [addressText = '', prefixText, extra] = raw.trim().split('/');
  if (extra !== undefined) return null;
  const address = parseIp(addressText);
  if (!address) return null;
  const written = isIP(addressText.trim().replace(/^\[|\]$/g, '')) === 6 ? 128 : 32;
  let prefix = written;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return null;
    prefix = Number(prefixText);
    if (prefix > written) return null;
  }
  // A mapped range written in IPv6 notation covers IPv4 addresses only from /96 on.
  if (address.family === 4 && written === 128) {
    if (prefix < 96) return null;
    prefix -= 96;
  }
  const host = BigInt(bits(address.family) - prefix);
  return { family: address.family, network: (address.value >> host) << host, prefix };
}

/** Canonical text of a range: the network address, with `/n` unless it is a single address. */
export function formatIpRange(range: IpRange): string {
  const address = range.family === 4 ? formatV4(range.network) : formatV6(range.network);
  return range.prefix === bits(range.family) ? address : `${address}/${range.prefix}`;
}

/** Validates and canonicalises a list of IPs/CIDRs; throws a RangeError naming the bad entry. */
export function normalizeIpList(entries: readonly string[]): string[] {
  const out = new Set<string>();
  for (const entry of entries) {
    const range = parseIpRange(entry);
    if (!range) throw new RangeError(`"${entry}" is not an IP address or CIDR range`);
    out.add(formatIpRange(range));
  }
  return [...out];
}

export interface IpMatcher {
  /** True when the address is in one of the ranges; false for anything that is not an address. */
  has(ip: string): boolean;
  readonly size: number;
}

export function createIpMatcher(entries: readonly string[]): IpMatcher {
  const ranges = entries.map((entry) => {
    const range = parseIpRange(entry);
    if (!range) throw new RangeError(`"${entry}" is not an IP address or CIDR range`);
    return range;
  });
  return {
    size: ranges.length,
    has(ip) {
      const parsed = parseIp(ip);
      if (!parsed) return false;
      return ranges.some((range) => {
        if (range.family !== parsed.family) return false;
        const host = BigInt(bits(range.family) - range.prefix);
        return parsed.value >> host === range.network >> host;
      });
    },
  };
}

/** An empty allowlist allows every address; otherwise the address must be inside one entry. */
export function ipAllowed(allowlist: readonly string[], ip: string): boolean {
  return allowlist.length === 0 || createIpMatcher(allowlist).has(ip);
}

export interface ResolveClientIpInput {
  /** The TCP peer, as the server saw it. */
  socketIp: string;
  /** The `X-Forwarded-For` header (several headers joined with commas), if any. */
  forwardedFor?: string | null | undefined;
  /** Proxies whose `X-Forwarded-For` we believe (IPs/CIDRs, or a matcher built once at boot). */
  trustedProxies: readonly string[] | IpMatcher;
}

/** `1.2.3.4:5678` and `[2001:db8::1]:443` (some proxies append ports) → the address alone. */
function stripPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed?.[1]) return bracketed[1];
  const v4WithPort = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(entry);
  return v4WithPort?.[1] ?? entry;
}

/**
 * The address of the caller. The socket peer, unless that peer is a trusted proxy: then
 * `X-Forwarded-For` is read from the right (each proxy appends the peer it saw), trusted hops are
 * skipped, and the first untrusted address is the caller. Anything left of it was written by the
 * caller and is ignored, so a forged header from an untrusted peer changes nothing.
 */
export function resolveClientIp(input: ResolveClientIpInput): string {
  const trusted =
    'has' in input.trustedProxies ? input.trustedProxies : createIpMatcher(input.trustedProxies);
  const socketIp = normalizeIp(input.socketIp) ?? input.socketIp;
  if (!trusted.has(socketIp) || !input.forwardedFor) return socketIp;
  let current = socketIp;
  const hops = input.forwardedFor.split(',').map((hop) => hop.trim());
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeIp(stripPort(hops[i] ?? ''));
    // A hop that is not an address was not written by a proxy we trust: stop at the last good one.
    if (!hop) return current;
    current = hop;
    if (!trusted.has(hop)) return hop;
  }
  return current;
}
