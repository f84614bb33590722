// Shared setup of the client's tests: a real sandbox over HTTP, the run's real Redis with a random
// prefix, and clients wired like production ones.
import { randomBytes } from 'node:crypto';
import {
  createSecretBox,
  type InvoiceRequest,
  type InvoiceRequestBody,
  parseInvoiceRequest,
  type SecretBox,
} from '@faturador/core';
import {
  DEFAULT_CREDENTIALS,
  type FaultSpec,
  type RunningMoloniSandbox,
  type StartOptions,
  startMoloniSandbox,
} from '@faturador/moloni-sandbox';
import { randomPrefix, SEED_EXAMPLE_BODY, testRedis } from '@faturador/testing';
import type { Redis } from 'ioredis';
import { onTestFinished } from 'vitest';
import { createMoloniClient, type MoloniClient, type MoloniClientOptions } from '../client.ts';

export const CREDENTIALS = DEFAULT_CREDENTIALS;

export interface Harness {
  running: RunningMoloniSandbox;
  redis: Redis;
  prefix: string;
  secretBox: SecretBox;
  /** A client of the sandbox; each call builds a new one (a new "process") sharing Redis. */
  client(overrides?: Partial<MoloniClientOptions>): MoloniClient;
  fault(spec: FaultSpec): void;
  /** Successful grants by type, from the sandbox. */
  grants(): Record<string, number>;
  /** Sandbox calls to one endpoint. */
  calls(endpoint: string): number;
}

export async function harness(options: StartOptions = {}): Promise<Harness> {
  const running = await startMoloniSandbox(options);
  onTestFinished(() => running.close());
  const redis = testRedis();
  const prefix = randomPrefix();
  const secretBox = createSecretBox(randomBytes(32));
  return {
    running,
    redis,
    prefix,
    secretBox,
    client(overrides = {}) {
      const client = createMoloniClient({
        baseUrl: running.baseUrl,
        credentials: CREDENTIALS,
        connectionId: 'con_test',
        redis,
        prefix,
        secretBox,
        ...overrides,
        // Short waits keep the tests fast; a test may still set any of these.
        retry: { baseDelayMs: 10, rateLimitDelayMs: 50, ...overrides.retry },
      });
      onTestFinished(() => client.close());
      return client;
    },
    fault(spec) {
      running.sandbox.faults.add(spec);
    },
    grants: () => running.sandbox.snapshot().grants,
    calls: (endpoint) => running.sandbox.stats.count(endpoint),
  };
}

let counter = 0;

/** A validated request (as the API layer would hand it over) from a seed-style body. */
export function invoiceRequest(overrides: Partial<InvoiceRequestBody> = {}): InvoiceRequest {
  counter += 1;
  const parsed = parseInvoiceRequest({
    ...SEED_EXAMPLE_BODY,
    reference: `TI-TEST-${counter}`,
    ...overrides,
  });
  if (!parsed.ok) throw new Error(`invalid test request: ${parsed.error.message}`);
  return parsed.value;
}

/** Adds a customer straight into the sandbox's state (to set up shared NIFs, say). */
export function documentsOf(running: RunningMoloniSandbox) {
  return [...running.sandbox.state.documents.values()];
}
