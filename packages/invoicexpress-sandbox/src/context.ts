import type { SandboxClock } from '@faturador/sandbox-kit';
import type { Account, SandboxState } from './state.ts';

/** How the sandbox decides where the evidence is missing; each default is explained in the README. */
export interface Behaviour {
  /** How a finalized document's `status` reads: `final` (the documented answers) or `sent` (the filter's enum). */
  finalStatus: 'final' | 'sent';
  /** Accept `yyyy-mm-dd` besides `dd/mm/yyyy` (InvoiceXpress's own load test posts ISO dates). */
  acceptIsoDates: boolean;
  /** The list's `reference` filter: an exact match, or a substring match like `text`. */
  referenceFilter: 'exact' | 'contains';
  /** A repeated `proprietary_uid`: ignored (a new document), the same document back, or 409. */
  proprietaryUid: 'ignore' | 'same' | 'conflict';
  /** How many polls of `api/pdf/{id}.json` answer 202 before the URL. */
  pdfPendingPolls: number;
  /** Whether `GET /clients.json?fiscal_id=` filters (undocumented; one integration relies on it). */
  clientFiscalIdFilter: boolean;
  /**
   * What `PUT /clients/{id}.json` does with a contact field it does not name (undocumented): keep
   * it (`merge`), or blank it, the body being the whole new record (`replace`).
   */
  clientUpdate: 'merge' | 'replace';
  /** What that PUT answers (undocumented): the client record, or 200 with no body. */
  clientUpdateAnswer: 'client' | 'empty';
}

export const DEFAULT_BEHAVIOUR: Behaviour = {
  finalStatus: 'final',
  acceptIsoDates: false,
  referenceFilter: 'contains',
  proprietaryUid: 'ignore',
  pdfPendingPolls: 2,
  clientFiscalIdFilter: false,
  clientUpdate: 'merge',
  clientUpdateAnswer: 'client',
};

export interface CallContext {
  account: Account;
  state: SandboxState;
  behaviour: Behaviour;
  clock: SandboxClock;
  /** Origin for PDF links and permalinks. */
  origin: string;
  query: URLSearchParams;
  /** The parsed JSON body (an object), or null for none. */
  body: Record<string, unknown> | null;
  /** Path parameters (`id`, `type`). */
  params: Record<string, string>;
}

export interface Answer {
  status: number;
  /** JSON body; undefined for an empty one. */
  body?: unknown;
}

/** A refusal in InvoiceXpress's canonical shape: `{"errors":[{"error":"…"}]}`. */
export class IxError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
  ) {
    super(messages.join('; '));
  }

  toBody(): unknown {
    return { errors: this.messages.map((error) => ({ error })) };
  }
}

export const notFound = (): IxError => new IxError(404, ['Not found']);

export function wrapped(body: Record<string, unknown> | null, ...keys: string[]): Record<string, unknown> {
  for (const key of keys) {
    const value = body?.[key];
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  }
  throw new IxError(422, [`The request body must have a "${keys[0]}" object`]);
}

export function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const out = String(value).trim();
  return out === '' ? null : out;
}

export function numberOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const parsed = Number(value.trim());
  return Number.isFinite(parsed) ? parsed : null;
}

export function idParam(ctx: CallContext): number {
  const id = Number(ctx.params.id);
  if (!Number.isInteger(id)) throw notFound();
  return id;
}

export type Handler = (ctx: CallContext) => Answer;
