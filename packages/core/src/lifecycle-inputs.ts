// The bodies of the lifecycle calls, validated once (the API and the worker read the same shapes).

import { z } from 'zod';
import { formatPath, validationError } from './invoice-request.ts';

const money = z.number().positive().multipleOf(0.01);

export const creditBodySchema = z.strictObject({
  reason: z.string().trim().min(1, 'is required: say why the document is cancelled').max(255).meta({
    description: 'Why the document is cancelled; printed on the credit note.',
    example: 'Erro no NIF do cliente',
  }),
  items: z
    .array(
      z.strictObject({
        line: z
          .number()
          .int()
          .min(1)
          .meta({ description: 'The line of the original document, from 1.', example: 1 }),
        quantity: z
          .number()
          .positive()
          .optional()
          .meta({ description: 'Units to credit; default: all that remain uncredited.', example: 1 }),
        gross_price: money.optional().meta({
          description: 'Gross unit price (VAT included) to credit; default: the price sold at.',
          example: 10,
        }),
      }),
    )
    .min(1)
    .optional()
    .meta({ description: 'The lines to credit; without it, everything not yet credited.' }),
});

export const receiptBodySchema = z.strictObject({
  amount: money
    .optional()
    .meta({ description: 'The amount paid, in euros; default: the whole open amount.', example: 4 }),
  payment_method: z
    .string()
    .trim()
    .min(1)
    .max(60)
    .optional()
    .meta({ description: "A Moloni payment method's name; default: cash.", example: 'Numerário' }),
  date: z.iso
    .date()
    .optional()
    .meta({ description: 'The payment date; default: today.', example: '2026-05-20' }),
});

export const emailBodySchema = z.strictObject({
  to: z.email('must be an e-mail address').max(254).optional().meta({
    description: "Where to send the PDF; default: the customer's e-mail given when the request was issued.",
    example: 'financeiro@cliente.pt',
  }),
});

export interface EmailInput {
  to?: string;
}

export function parseEmailInput(body: unknown): EmailInput {
  const data = parse(emailBodySchema, body);
  return data.to === undefined ? {} : { to: data.to };
}

export interface CreditInput {
  reason: string;
  items?: Array<{ line: number; quantity?: number; grossPriceCents?: number }>;
}

export interface ReceiptInput {
  amountCents?: number;
  paymentMethod?: string;
  date?: string;
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  throw validationError(
    parsed.error.issues.map((issue) => ({
      path: formatPath(issue.path as PropertyKey[]) || 'body',
      reason: issue.message,
    })),
  );
}

export function parseCreditInput(body: unknown): CreditInput {
  const data = parse(creditBodySchema, body);
  return {
    reason: data.reason,
    ...(data.items
      ? {
          items: data.items.map((item) => ({
            line: item.line,
            ...(item.quantity === undefined ? {} : { quantity: item.quantity }),
            ...(item.gross_price === undefined
              ? {}
              : { grossPriceCents: Math.round(item.gross_price * 100) }),
          })),
        }
      : {}),
  };
}

export function parseReceiptInput(body: unknown): ReceiptInput {
  const data = parse(receiptBodySchema, body);
  return {
    ...(data.amount === undefined ? {} : { amountCents: Math.round(data.amount * 100) }),
    ...(data.payment_method === undefined ? {} : { paymentMethod: data.payment_method }),
    ...(data.date === undefined ? {} : { date: data.date }),
  };
}
