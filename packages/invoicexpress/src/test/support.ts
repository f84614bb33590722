import { FaturadorError } from '@faturador/core';
import {
  DEFAULT_ACCOUNT,
  type RunningInvoiceXpressSandbox,
  type StartOptions,
  startInvoiceXpressSandbox,
} from '@faturador/invoicexpress-sandbox';
import { expect, onTestFinished } from 'vitest';
import { InvoiceXpressClient, type InvoiceXpressClientOptions } from '../client.ts';
import { createMemoryLimiter } from '../limiter.ts';
import type { IxDocumentInput } from '../types.ts';

export const ACCOUNT = DEFAULT_ACCOUNT;

export interface Harness {
  running: RunningInvoiceXpressSandbox;
  client(options?: Partial<InvoiceXpressClientOptions>): InvoiceXpressClient;
  /** Documents the sandbox holds for the default account. */
  documents(): number;
}

/** A sandbox over real HTTP and clients pointed at it, all closed when the test ends. */
export async function harness(options: StartOptions = {}): Promise<Harness> {
  const running = await startInvoiceXpressSandbox(options);
  onTestFinished(() => running.close());
  return {
    running,
    client(overrides = {}) {
      const client = new InvoiceXpressClient({
        account: ACCOUNT.name,
        apiKey: ACCOUNT.apiKey,
        baseUrl: running.baseUrlTemplate,
        limiter: createMemoryLimiter({ perSecond: 1000 }),
        retry: { baseDelayMs: 10, rateLimitDelayMs: 50 },
        ...overrides,
      });
      onTestFinished(() => client.close());
      return client;
    },
    documents: () => running.sandbox.state.accounts.get(ACCOUNT.name)?.documents.size ?? 0,
  };
}

export function booking(overrides: Partial<IxDocumentInput> = {}): IxDocumentInput {
  return {
    date: '2026-03-05',
    due_date: '2026-03-05',
    reference: 'BK-7781',
    client: { name: 'Marta Sousa', code: 'guest-7781', fiscal_id: '123456789', country: 'Portugal' },
    items: [
      {
        name: 'ALOJAMENTO',
        description: 'Alojamento Casa Azul: check-in 01/03/2026 – check-out 05/03/2026',
        unit_price: '188.6792',
        quantity: 1,
        unit: 'service',
        tax: { name: 'IVA6' },
      },
    ],
    ...overrides,
  };
}

/** The FaturadorError a promise rejects with. */
export async function failure(promise: Promise<unknown>): Promise<FaturadorError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(FaturadorError);
  return error as FaturadorError;
}
