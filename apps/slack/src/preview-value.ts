import { createHmac, timingSafeEqual } from 'node:crypto';
import { BUTTON_VALUE_MAX } from '@faturador/slack-web';
import { z } from 'zod';
import type { DraftInvoice } from './quick.ts';

/**
 * What the Emitir and Cancelar buttons of a `/fatura` preview carry. Slack hands a button's value
 * back untouched, but anyone able to send the bot a signed interaction could forge one, so the
 * value is signed by the bot: who asked, where, the key and the body cannot be changed on the way.
 */
export interface PreviewTicket {
  /** The key the invoice is issued with, derived from the command that made the preview. */
  idempotencyKey: string;
  teamId: string;
  channel: string;
  /** The requester: the only person whose click counts. */
  userId: string;
  /** When the preview was made (ms since the epoch). */
  createdAt: number;
  /** The canonical body without its reference; null when it did not fit in the value. */
  draft: DraftInvoice | null;
}

const wireSchema = z.object({
  k: z.string().min(1).max(128),
  t: z.string().min(1),
  c: z.string().min(1),
  u: z.string().min(1),
  at: z.number().int().nonnegative(),
  b: z.record(z.string(), z.unknown()).optional(),
});

export interface PreviewSigner {
  /**
   * `<signature>.<json>`, within Slack's button value limit: the draft is left out when it would
   * not fit (`withDraft` false), and must then be kept by the bot.
   */
  encode(ticket: PreviewTicket): { value: string; withDraft: boolean };
  /** The ticket when the value is one this bot signed, else null. */
  decode(value: string): PreviewTicket | null;
}

const SIGNATURE_LENGTH = 43; // base64url of a SHA-256 digest

/**
 * `secret` is the bot's own (its Slack signing secret); a key derived from it, rather than the
 * secret itself, signs the values, so a value's signature is never a valid Slack signature.
 */
export function createPreviewSigner(secret: string): PreviewSigner {
  const key = createHmac('sha256', secret).update('faturador:slack-preview:v1').digest();
  const sign = (json: string) => createHmac('sha256', key).update(json).digest('base64url');
  const signed = (wire: z.input<typeof wireSchema>) => {
    const json = JSON.stringify(wire);
    return `${sign(json)}.${json}`;
  };
  return {
    encode(ticket) {
      const base = {
        k: ticket.idempotencyKey,
        t: ticket.teamId,
        c: ticket.channel,
        u: ticket.userId,
        at: ticket.createdAt,
      };
      const full = ticket.draft ? signed({ ...base, b: ticket.draft }) : null;
      return full && full.length <= BUTTON_VALUE_MAX
        ? { value: full, withDraft: true }
        : { value: signed(base), withDraft: false };
    },
    decode(value) {
      const signature = value.slice(0, SIGNATURE_LENGTH);
      const json = value.slice(SIGNATURE_LENGTH + 1);
      if (value.charAt(SIGNATURE_LENGTH) !== '.') return null;
      const expected = Buffer.from(sign(json));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      const parsed = wireSchema.safeParse(parseJson(json));
      if (!parsed.success) return null;
      const wire = parsed.data;
      return {
        idempotencyKey: wire.k,
        teamId: wire.t,
        channel: wire.c,
        userId: wire.u,
        createdAt: wire.at,
        draft: (wire.b as DraftInvoice | undefined) ?? null,
      };
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
