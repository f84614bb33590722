import { createClock, type SandboxClock, type SandboxEnv } from '@faturador/sandbox-kit';
import { Hono } from 'hono';
import { type ApiParts, mountApi, type RateLimit } from './api.ts';
import { type Behaviour, DEFAULT_BEHAVIOUR } from './context.ts';
import { mountControl } from './control.ts';
import { FaultInjector } from './faults.ts';
import { stateFile } from './persistence.ts';
import { type AccountSeed, DEFAULT_ACCOUNT, SandboxState } from './state.ts';
import { CallStats } from './stats.ts';
import { htmlResponse } from './transport.ts';

export const DEFAULT_RATE_LIMIT: RateLimit = { limit: 780, windowMs: 60_000, retryAfter: true };

export interface InvoiceXpressSandboxOptions {
  /** The seeded accounts (subdomain and API key); default: one, DEFAULT_ACCOUNT. */
  accounts?: AccountSeed[];
  /** Where the evidence is missing, which case to model (see Behaviour and the README). */
  behaviour?: Partial<Behaviour>;
  /** Per account; default 780 requests a minute with Retry-After. */
  rateLimit?: Partial<RateLimit>;
  /** An unknown subdomain: a 404 page (default) or a redirect to the vendor's home page. */
  unknownAccount?: 'not_found' | 'redirect';
  clock?: SandboxClock;
  /** Origin for PDF links and permalinks; default: the origin the caller used. */
  publicUrl?: string;
  /** A JSON file that keeps the accounts across restarts. Default: in memory only. */
  stateFile?: string;
}

export interface InvoiceXpressSandbox {
  readonly app: Hono<SandboxEnv>;
  readonly state: SandboxState;
  readonly faults: FaultInjector;
  readonly stats: CallStats;
  readonly clock: SandboxClock;
  /** Live: changing a field changes how the next call is answered. */
  readonly behaviour: Behaviour;
  readonly rateLimit: RateLimit;
  readonly accounts: readonly AccountSeed[];
  /** Back to the seed: data, faults, stats and behaviour (the clock is kept). */
  reset(): void;
  readonly restored: boolean;
}

export function createInvoiceXpressSandbox(options: InvoiceXpressSandboxOptions = {}): InvoiceXpressSandbox {
  const accounts = options.accounts ?? [DEFAULT_ACCOUNT];
  const clock = options.clock ?? createClock();
  const state = new SandboxState(accounts);
  const behaviour: Behaviour = { ...DEFAULT_BEHAVIOUR, ...options.behaviour };
  const rateLimit: RateLimit = { ...DEFAULT_RATE_LIMIT, ...options.rateLimit };
  const faults = new FaultInjector();
  const stats = new CallStats();
  const file = options.stateFile === undefined ? undefined : stateFile(options.stateFile, state);
  const restored = file?.load() ?? false;
  const save = () => file?.save();
  const reset = () => {
    state.reset();
    faults.clear();
    stats.reset();
    Object.assign(behaviour, DEFAULT_BEHAVIOUR, options.behaviour);
    save();
  };

  const app = new Hono<SandboxEnv>();
  mountControl(app, { faults, stats, clock, state, behaviour, reset });
  const parts: ApiParts = {
    state,
    faults,
    clock,
    stats,
    behaviour,
    rateLimit,
    unknownAccount: options.unknownAccount ?? 'not_found',
    publicUrl: options.publicUrl?.replace(/\/+$/, ''),
    onChange: save,
  };
  mountApi(app, parts);
  app.notFound(() => htmlResponse('<html><body><h1>404</h1></body></html>', 404));
  app.onError((error) => {
    console.error('[invoicexpress-sandbox]', error);
    return htmlResponse(
      "<html><body><h1>We're sorry, but something went wrong (500)</h1></body></html>",
      500,
    );
  });
  return { app, state, faults, stats, clock, behaviour, rateLimit, accounts, reset, restored };
}
