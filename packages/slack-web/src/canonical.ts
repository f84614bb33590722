import type { InvoiceRequest, InvoiceRequestBody, SlackOrigin } from '@faturador/core';
import { originSchema } from '@faturador/core';
import { z } from 'zod';

/**
 * The body the bot sends, written from a validated request with every default spelled out.
 * `canonicalInvoiceBody(parse(canonicalInvoiceBody(r)))` equals `canonicalInvoiceBody(r)`, so the
 * worker can rebuild, from the ledger, the exact body the bot sent: a retry button made by the
 * worker re-sends the same Idempotency-Key with the same body and can never be a conflict.
 */
export function canonicalInvoiceBody(request: InvoiceRequest): InvoiceRequestBody {
  const { customer } = request;
  return dropUndefined({
    reference: request.reference,
    customer: dropUndefined({
      name: customer.name,
      vat_number: customer.finalConsumer ? undefined : customer.vatNumber,
      email: customer.email,
      address: customer.address,
      city: customer.city,
      zip_code: customer.zipCode,
      country: customer.country,
    }),
    items: request.lines.map((line) =>
      dropUndefined({
        product: line.product,
        description: line.description,
        quantity: line.quantity,
        gross_price: line.unitGrossCents / 100,
        vat_rate: line.vatRate,
        exemption_reason: line.exemptionReason,
      }),
    ),
    document_type: request.documentType,
    status: request.status,
    fiscal_zone: request.fiscalZone,
    date: request.date,
    due_date: request.dueDate,
    series: request.series,
    payment_method: request.paymentMethod,
    notes: request.notes,
  });
}

function dropUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** What a "Tentar novamente" button carries: everything needed to re-send the same request. */
export interface RetryPayload {
  idempotencyKey: string;
  /** Absent when it would not fit in a button value (2000 characters). */
  body: InvoiceRequestBody | null;
  origin: SlackOrigin;
  requestId: string | null;
}

/** Slack's limit on a button's `value`. */
export const BUTTON_VALUE_MAX = 2000;

const wireSchema = z.object({
  v: z.literal(1),
  k: z.string().min(1).max(128),
  b: z.record(z.string(), z.unknown()).optional(),
  o: originSchema,
  r: z.string().max(64).optional(),
});

/** Compact JSON (short keys) so that bodies of a few lines fit; the body is dropped if too long. */
export function encodeRetryValue(payload: RetryPayload): string {
  const base = { v: 1, k: payload.idempotencyKey, o: payload.origin, r: payload.requestId ?? undefined };
  const full = JSON.stringify({ ...base, b: payload.body ?? undefined });
  if (full.length <= BUTTON_VALUE_MAX) return full;
  return JSON.stringify(base);
}

export function decodeRetryValue(value: string): RetryPayload | null {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return null;
  }
  const parsed = wireSchema.safeParse(json);
  if (!parsed.success || parsed.data.o.kind !== 'slack') return null;
  return {
    idempotencyKey: parsed.data.k,
    body: (parsed.data.b as InvoiceRequestBody | undefined) ?? null,
    origin: parsed.data.o,
    requestId: parsed.data.r ?? null,
  };
}
