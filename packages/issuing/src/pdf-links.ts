import { createHash, createHmac } from 'node:crypto';
import { safeEqual } from '@faturador/core';
import type { Redis } from 'ioredis';

/**
 * `pdf_url` points at the API, not at Moloni: Moloni's links are not meant to be stored. Following
 * the API's link fetches a fresh PDF from Moloni each time.
 *
 * The link is signed for one document (the request and Moloni's document id) and does not expire:
 * it is written to Airtable records and Slack threads, where people come back months later. It is
 * revoked by rotating the link key (`npm run cli -- pdf-links rotate`), which invalidates every link
 * handed out before; a deleted or replaced document makes its link fail on its own.
 */
export interface PdfLinkSigner {
  url(requestId: string, documentId: number): string;
  /** Whether the link's query is this API's, for this request's document; see `PdfLinkCheck`. */
  verify(requestId: string, query: PdfLinkQuery, now?: number): Promise<PdfLinkCheck>;
  /** Reads the current key generation now (a rotation elsewhere reaches this process). */
  refresh(): Promise<void>;
  close(): void;
}

export interface PdfLinkQuery {
  document?: string | undefined;
  /** The key generation that signed the link. */
  g?: string | undefined;
  signature?: string | undefined;
  /** Links made before document-bound links existed expire; they work until then. */
  expires?: string | undefined;
}

export type PdfLinkCheck =
  /** Signed for this request; `documentId` is the document it was signed for (null: any, old link). */
  | { ok: true; documentId: number | null }
  /** Tampered, cut, signed by another key, expired (old links) or revoked by a rotation. */
  | { ok: false; reason: 'invalid' | 'revoked' | 'expired' };

const generationKey = (prefix: string) => `${prefix}:pdf-links:generation`;

/** Invalidates every PDF link handed out so far; returns the new generation. */
export async function rotatePdfLinkKey(redis: Redis, prefix: string): Promise<number> {
  const key = generationKey(prefix);
  // Generation 1 is implicit: the first rotation makes it 2.
  await redis.setnx(key, '1');
  return redis.incr(key);
}

export function createPdfLinkSigner(options: {
  publicUrl: string;
  masterKey: Buffer;
  /** Where the current key generation is kept (shared by every API and worker process). */
  redis?: Pick<Redis, 'get'>;
  prefix?: string;
  /** How often a process re-reads the generation for the links it makes (verification always reads it). */
  refreshMs?: number;
}): PdfLinkSigner {
  const base = options.publicUrl.replace(/\/+$/, '');
  let generation = 1;
  const keyOf = (g: number) => derivePdfLinkKey(options.masterKey, g);
  const sign = (g: number, requestId: string, documentId: number) =>
    createHmac('sha256', keyOf(g)).update(`pdf\n${requestId}\n${documentId}`).digest('base64url');
  // The links of before: request id and expiry, with the generation-less key.
  const legacyKey = createHash('sha256').update(options.masterKey).update('pdf-links').digest();
  const signLegacy = (requestId: string, expires: number) =>
    createHmac('sha256', legacyKey).update(`pdf\n${requestId}\n${expires}`).digest('base64url');

  async function current(): Promise<number> {
    if (!options.redis || options.prefix === undefined) return generation;
    const stored = await options.redis.get(generationKey(options.prefix));
    generation = stored ? Number(stored) : 1;
    return generation;
  }
  const timer = options.redis
    ? setInterval(() => void current().catch(() => {}), options.refreshMs ?? 1_000)
    : null;
  timer?.unref();
  void current().catch(() => {});

  return {
    url(requestId, documentId) {
      const g = generation;
      return `${base}/api/v1/invoices/${requestId}/pdf?document=${documentId}&g=${g}&signature=${sign(g, requestId, documentId)}`;
    },
    async verify(requestId, query, now = Date.now()) {
      const { signature } = query;
      if (!signature) return { ok: false, reason: 'invalid' };
      if (query.expires !== undefined) {
        if (!/^\d{1,12}$/.test(query.expires)) return { ok: false, reason: 'invalid' };
        if (!safeEqual(signature, signLegacy(requestId, Number(query.expires))))
          return { ok: false, reason: 'invalid' };
        return Number(query.expires) < Math.floor(now / 1000)
          ? { ok: false, reason: 'expired' }
          : { ok: true, documentId: null };
      }
      if (!query.document || !/^\d{1,15}$/.test(query.document) || !query.g || !/^\d{1,9}$/.test(query.g)) {
        return { ok: false, reason: 'invalid' };
      }
      const g = Number(query.g);
      const documentId = Number(query.document);
      if (!safeEqual(signature, sign(g, requestId, documentId))) return { ok: false, reason: 'invalid' };
      return g === (await current()) ? { ok: true, documentId } : { ok: false, reason: 'revoked' };
    },
    refresh: async () => void (await current()),
    close: () => {
      if (timer) clearInterval(timer);
    },
  };
}

/** PDF links are signed with keys derived from the master key, never with the key itself. */
export function derivePdfLinkKey(masterKey: Buffer, generation: number): Buffer {
  return createHash('sha256').update(masterKey).update(`pdf-links\n${generation}`).digest();
}
