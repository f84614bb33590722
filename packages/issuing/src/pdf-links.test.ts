import { createHash, createHmac, randomBytes } from 'node:crypto';
import { randomPrefix, testRedis } from '@faturador/testing';
import { describe, expect, it } from 'vitest';
import { createPdfLinkSigner, rotatePdfLinkKey } from './pdf-links.ts';

const REQ = 'req_4ad9b2ec1d9f3a71';
const queryOf = (url: string) => Object.fromEntries(new URL(url).searchParams);

describe('PDF links', () => {
  it('are bound to one document and keep working years later', async () => {
    const signer = createPdfLinkSigner({ publicUrl: 'https://billing.example/', masterKey: randomBytes(32) });
    const url = signer.url(REQ, 974989624);
    expect(url).toMatch(
      /^https:\/\/billing\.example\/api\/v1\/invoices\/req_4ad9b2ec1d9f3a71\/pdf\?document=974989624&g=1&signature=/,
    );
    const tenYears = Date.now() + 10 * 365 * 86_400_000;
    expect(await signer.verify(REQ, queryOf(url), tenYears)).toEqual({ ok: true, documentId: 974989624 });
    // Another document, another request, a cut signature: refused.
    expect(await signer.verify(REQ, { ...queryOf(url), document: '974989625' })).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(await signer.verify('req_4ad9b2ec1d9f3a72', queryOf(url))).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(
      await signer.verify(REQ, { ...queryOf(url), signature: queryOf(url).signature?.slice(0, 10) }),
    ).toEqual({
      ok: false,
      reason: 'invalid',
    });
    signer.close();
  });

  it('are revoked, all at once, by rotating the key; new links work', async () => {
    const redis = testRedis();
    const prefix = randomPrefix();
    const masterKey = randomBytes(32);
    const signer = createPdfLinkSigner({ publicUrl: 'https://billing.example', masterKey, redis, prefix });
    await signer.refresh();
    const before = signer.url(REQ, 1);
    expect(await rotatePdfLinkKey(redis, prefix)).toBe(2);
    // Verification reads the generation at once; the signer's own links follow at its next refresh.
    expect(await signer.verify(REQ, queryOf(before))).toEqual({ ok: false, reason: 'revoked' });
    await signer.refresh();
    const after = signer.url(REQ, 1);
    expect(queryOf(after).g).toBe('2');
    expect(await signer.verify(REQ, queryOf(after))).toEqual({ ok: true, documentId: 1 });
    // Another process with the same master key agrees.
    const other = createPdfLinkSigner({ publicUrl: 'https://billing.example', masterKey, redis, prefix });
    expect(await other.verify(REQ, queryOf(after))).toEqual({ ok: true, documentId: 1 });
    signer.close();
    other.close();
  });

  it('still open the expiring links handed out before, until they expire', async () => {
    const masterKey = randomBytes(32);
    const signer = createPdfLinkSigner({ publicUrl: 'https://billing.example', masterKey });
    const expires = Math.floor(Date.now() / 1000) + 3600;
    const legacyKey = createHash('sha256').update(masterKey).update('pdf-links').digest();
    const signature = createHmac('sha256', legacyKey).update(`pdf\n${REQ}\n${expires}`).digest('base64url');
    const query = { expires: String(expires), signature };
    expect(await signer.verify(REQ, query)).toEqual({ ok: true, documentId: null });
    expect(await signer.verify(REQ, query, (expires + 1) * 1000)).toEqual({ ok: false, reason: 'expired' });
    signer.close();
  });
});
