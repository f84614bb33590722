import { createHash, createHmac } from 'node:crypto';
import { safeEqual } from '@faturador/core';

/**
 * `pdf_url` points at the API, not at Moloni: Moloni's links are not meant to be stored. The API
 * link is signed and expires; following it fetches Moloni's PDF on demand.
 */
export interface PdfLinkSigner {
  url(requestId: string, now?: number): string;
  verify(
    requestId: string,
    expires: string | undefined,
    signature: string | undefined,
    now?: number,
  ): boolean;
}

export function createPdfLinkSigner(options: {
  publicUrl: string;
  key: Buffer;
  ttlSeconds: number;
}): PdfLinkSigner {
  const base = options.publicUrl.replace(/\/+$/, '');
  const sign = (requestId: string, expires: number) =>
    createHmac('sha256', options.key).update(`pdf\n${requestId}\n${expires}`).digest('base64url');
  return {
    url(requestId, now = Date.now()) {
      const expires = Math.floor(now / 1000) + options.ttlSeconds;
      return `${base}/api/v1/invoices/${requestId}/pdf?expires=${expires}&signature=${sign(requestId, expires)}`;
    },
    verify(requestId, expires, signature, now = Date.now()) {
      if (!expires || !signature || !/^\d{1,12}$/.test(expires)) return false;
      if (Number(expires) < Math.floor(now / 1000)) return false;
      return safeEqual(signature, sign(requestId, Number(expires)));
    },
  };
}

/** PDF links are signed with a key derived from the master key, never with the key itself. */
export function derivePdfLinkKey(masterKey: Buffer): Buffer {
  return createHash('sha256').update(masterKey).update('pdf-links').digest();
}
