import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RequestState } from './ledger.ts';
import { evalScript } from './lua.ts';

/**
 * The index of requests, so that a list of them stays fast at millions of entries: never a SCAN.
 *
 * - `rx:all`, `rx:client:<id>`, `rx:state:<state>`, `rx:origin:<kind>`, `rx:type:<document type>`:
 *   sorted sets of request ids scored by the creation time (ms)
 * - `rx:ref:<sha>`, `rx:nif:<nif>`, `rx:number:<document number>`: exact lookups, same scores
 * - `rx:names`: one member `<word>|<request id>` per word of the customer's name (score 0), so a
 *   name prefix is a ZRANGEBYLEX
 *
 * Every set is written in the same Redis script as the ledger change it reflects (the claim, each
 * change of state), so the index never disagrees with the ledger.
 */
export const REQUEST_STATES: readonly RequestState[] = ['queued', 'issuing', 'issued', 'failed'];

const hashOf = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

/** Lowercase ASCII words: "José Gonçalves, Lda." → ["jose", "goncalves", "lda"]. */
export function nameWords(name: string): string[] {
  const words = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.slice(0, 40));
  return [...new Set(words)].slice(0, 12);
}

/** Document numbers compare without case or extra spaces: "fr  m/1" is "FR M/1". */
export function normalizeDocumentNumber(number: string): string {
  return number.trim().replace(/\s+/g, ' ').toUpperCase();
}

export function requestIndexKeys(prefix: string) {
  const base = `${prefix}:rx`;
  return {
    all: `${base}:all`,
    client: (clientId: string) => `${base}:client:${clientId}`,
    state: (state: RequestState) => `${base}:state:${state}`,
    origin: (kind: string) => `${base}:origin:${kind}`,
    documentType: (type: string) => `${base}:type:${type}`,
    reference: (reference: string) => `${base}:ref:${hashOf(reference)}`,
    nif: (nif: string) => `${base}:nif:${nif}`,
    number: (number: string) => `${base}:number:${hashOf(normalizeDocumentNumber(number))}`,
    names: `${base}:names`,
    /** Requests an operator should look at, by reason (score: when they became so). */
    attention: (reason: AttentionReason) => `${base}:attention:${reason}`,
  };
}

/**
 * Why a request needs attention beyond its state: a draft Moloni totalled differently
 * (TOTAL_MISMATCH), or a result its destination never got (delivery failed or refused).
 */
export const ATTENTION_REASONS = ['total_mismatch', 'delivery'] as const;
export type AttentionReason = (typeof ATTENTION_REASONS)[number];

/** What a new request is indexed under; written by the claim script together with its entry. */
export interface IndexedFields {
  requestId: string;
  clientId: string;
  origin: string;
  documentType: string;
  reference: string;
  nif: string;
  customerName: string;
}

/** The sets a new request joins (its state set is `queued`) and its name-index members. */
export function newEntryIndex(prefix: string, fields: IndexedFields): { sets: string[]; names: string[] } {
  const keys = requestIndexKeys(prefix);
  return {
    sets: [
      keys.all,
      keys.client(fields.clientId),
      keys.state('queued'),
      keys.origin(fields.origin),
      keys.documentType(fields.documentType),
      keys.reference(fields.reference),
      keys.nif(fields.nif),
    ],
    names: nameWords(fields.customerName).map((word) => `${word}|${fields.requestId}`),
  };
}

export interface RequestFilter {
  clientId?: string;
  state?: RequestState;
  origin?: string;
  documentType?: string;
  /** Inclusive bounds on the creation time, ms since the epoch. */
  fromMs?: number;
  toMs?: number;
  reference?: string;
  nif?: string;
  documentNumber?: string;
  /** A prefix of a word of the customer's name (at least 2 letters). */
  name?: string;
}

export interface PageRequest {
  limit: number;
  cursor?: string | null;
}

export interface IdPage {
  ids: string[];
  /** Null when nothing older matches. */
  nextCursor: string | null;
  /** A name search looks at the first NAME_MATCH_CAP matching names only. */
  truncated: boolean;
}

export const NAME_MATCH_CAP = 5000;
/** Entries a page may examine: a page of a sparse intersection ends early, with a cursor to go on. */
const SCAN_BUDGET = 20_000;

// KEYS: the sets to intersect. ARGV: max score, cursor member ('' = none), min score, limit, budget.
// Walks the smallest set from newest to oldest and keeps the ids present in every other set.
const PAGE = `
local driver, size = 1, -1
for i = 1, #KEYS do
  local n = redis.call('ZCARD', KEYS[i])
  if size < 0 or n < size then driver, size = i, n end
end
local maxScore, cursorMember, minScore = ARGV[1], ARGV[2], ARGV[3]
local limit, budget = tonumber(ARGV[4]), tonumber(ARGV[5])
local ids, examined, offset = {}, 0, 0
local lastScore, lastMember = nil, nil
local cursorScore = tonumber(maxScore)
while #ids < limit and examined < budget do
  local batch = redis.call('ZRANGE', KEYS[driver], maxScore, minScore, 'BYSCORE', 'REV', 'LIMIT', offset, 200, 'WITHSCORES')
  if #batch == 0 then return {ids, '', ''} end
  offset = offset + 200
  for j = 1, #batch, 2 do
    local member, score = batch[j], batch[j + 1]
    local seen = cursorMember ~= '' and tonumber(score) == cursorScore and member >= cursorMember
    if not seen then
      examined = examined + 1
      lastScore, lastMember = score, member
      local keep = true
      for i = 1, #KEYS do
        if i ~= driver and not redis.call('ZSCORE', KEYS[i], member) then keep = false break end
      end
      if keep then ids[#ids + 1] = member end
      if #ids >= limit or examined >= budget then break end
    end
  end
end
return {ids, lastScore or '', lastMember or ''}
`;

// KEYS[1]: rx:names, KEYS[2]: rx:all, KEYS[3..]: sets to intersect.
// ARGV: prefix, cap, max score, cursor member, min score, limit.
const NAME_PAGE = `
local matches = redis.call('ZRANGE', KEYS[1], '[' .. ARGV[1] .. '', '(' .. ARGV[1] .. '~', 'BYLEX', 'LIMIT', 0, tonumber(ARGV[2]))
local truncated = #matches >= tonumber(ARGV[2]) and 1 or 0
local seen, found = {}, {}
local maxScore, cursorMember, minScore, limit = tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
for _, value in ipairs(matches) do
  local id = string.match(value, '|(.+)$')
  if id and not seen[id] then
    seen[id] = true
    local score = redis.call('ZSCORE', KEYS[2], id)
    if score then
      score = tonumber(score)
      local inRange = score <= maxScore and score >= minScore
      if inRange and cursorMember ~= '' and score == maxScore and id >= cursorMember then inRange = false end
      local keep = inRange
      for i = 3, #KEYS do
        if keep and not redis.call('ZSCORE', KEYS[i], id) then keep = false end
      end
      if keep then found[#found + 1] = {score, id} end
    end
  end
end
table.sort(found, function(a, b) if a[1] == b[1] then return a[2] > b[2] end return a[1] > b[1] end)
local ids, last = {}, nil
for i = 1, math.min(limit, #found) do ids[i] = found[i][2] last = found[i] end
if #found <= limit or not last then return {ids, '', '', truncated} end
return {ids, string.format('%d', last[1]), last[2], truncated}
`;

export class InvalidCursorError extends Error {}

function encodeCursor(score: string, member: string): string | null {
  if (!score || !member) return null;
  return Buffer.from(`${score}:${member}`).toString('base64url');
}

function decodeCursor(cursor: string | null | undefined): { score: number; member: string } | null {
  if (!cursor) return null;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(\d{1,16}):([A-Za-z0-9_]{1,64})$/.exec(decoded);
  if (!match) throw new InvalidCursorError('cursor is not one this list returned');
  return { score: Number(match[1]), member: match[2] ?? '' };
}

export function createRequestIndex({ redis, prefix }: { redis: Redis; prefix: string }) {
  const keys = requestIndexKeys(prefix);

  function setsOf(filter: RequestFilter): string[] {
    const sets: string[] = [];
    if (filter.clientId) sets.push(keys.client(filter.clientId));
    if (filter.state) sets.push(keys.state(filter.state));
    if (filter.origin) sets.push(keys.origin(filter.origin));
    if (filter.documentType) sets.push(keys.documentType(filter.documentType));
    if (filter.reference) sets.push(keys.reference(filter.reference));
    if (filter.nif) sets.push(keys.nif(filter.nif));
    if (filter.documentNumber) sets.push(keys.number(filter.documentNumber));
    return sets;
  }

  return {
    /** One page of request ids matching every filter, newest first. */
    async page(filter: RequestFilter, page: PageRequest): Promise<IdPage> {
      const cursor = decodeCursor(page.cursor);
      const max = cursor ? String(cursor.score) : filter.toMs !== undefined ? String(filter.toMs) : '+inf';
      const min = filter.fromMs !== undefined ? String(filter.fromMs) : '-inf';
      const limit = Math.max(1, Math.min(page.limit, 500));
      const sets = setsOf(filter);
      const word = filter.name ? (nameWords(filter.name).sort((a, b) => b.length - a.length)[0] ?? '') : '';
      if (filter.name !== undefined) {
        if (word.length < 2) return { ids: [], nextCursor: null, truncated: false };
        const [ids, score, member, truncated] = (await evalScript(
          redis,
          NAME_PAGE,
          2 + sets.length,
          keys.names,
          keys.all,
          ...sets,
          word,
          NAME_MATCH_CAP,
          max === '+inf' ? String(Number.MAX_SAFE_INTEGER) : max,
          cursor?.member ?? '',
          min === '-inf' ? '0' : min,
          limit,
        )) as [string[], string, string, number];
        return { ids, nextCursor: encodeCursor(score, member), truncated: truncated === 1 };
      }
      const [ids, score, member] = (await evalScript(
        redis,
        PAGE,
        sets.length || 1,
        ...(sets.length ? sets : [keys.all]),
        max,
        cursor?.member ?? '',
        min,
        limit,
        SCAN_BUDGET,
      )) as [string[], string, string];
      return { ids, nextCursor: encodeCursor(score, member), truncated: false };
    },

    /** How many requests need attention for a reason, and the newest of them. */
    async attention(reason: AttentionReason, limit: number): Promise<{ count: number; ids: string[] }> {
      const [count, ids] = ((await redis
        .multi()
        .zcard(keys.attention(reason))
        .zrevrange(keys.attention(reason), 0, Math.max(0, limit - 1))
        .exec()) ?? []) as Array<[Error | null, unknown]>;
      return { count: Number(count?.[1] ?? 0), ids: (ids?.[1] as string[] | undefined) ?? [] };
    },

    /** How many requests of each state were created in [fromMs, toMs]. */
    async countByState(fromMs: number, toMs: number): Promise<Record<RequestState, number>> {
      const pipeline = redis.pipeline();
      for (const state of REQUEST_STATES) pipeline.zcount(keys.state(state), fromMs, toMs);
      const replies = (await pipeline.exec()) ?? [];
      return Object.fromEntries(
        REQUEST_STATES.map((state, i) => [state, Number(replies[i]?.[1] ?? 0)]),
      ) as Record<RequestState, number>;
    },
  };
}

export type RequestIndex = ReturnType<typeof createRequestIndex>;
