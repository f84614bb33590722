import { createClock, jsonResponse, type SandboxClock, type SandboxEnv } from '@faturador/sandbox-kit';
import { Hono } from 'hono';
import { mountApi } from './api.ts';
import { DEFAULT_CREDENTIALS, DEFAULT_LIFETIMES, type SandboxCredentials, TokenStore } from './auth.ts';
import { mountControl } from './control.ts';
import { FaultInjector } from './faults.ts';
import { stateFile } from './persistence.ts';
import { type CalcMethod, DEFAULT_COMPANY_ID, DEFAULT_DOCUMENT_SET_ID } from './seed.ts';
import { SandboxState } from './state.ts';
import { CallStats, type StatsSnapshot } from './stats.ts';

export interface MoloniSandboxOptions {
  /** Seeded OAuth client and user; each field defaults to DEFAULT_CREDENTIALS. */
  credentials?: Partial<SandboxCredentials>;
  /** Shared clock (token lifetimes); default: real time, adjustable. */
  clock?: SandboxClock;
  /** `expires_in` of access tokens, seconds (default 3600). */
  accessTokenTtlSeconds?: number;
  /** Refresh token lifetime, seconds (default 14 days). */
  refreshTokenTtlSeconds?: number;
  /** company_id of the seeded company (default 240211). */
  companyId?: number;
  /** Whether companies/getAll lists Moloni's demo company (id 5) too, as real accounts may (default true). */
  demoCompany?: boolean;
  /** Name of the default series (default `M`, so documents read `FR M/1`). */
  documentSetName?: string;
  /**
   * Documents of this total or more need an identified buyer (error 16). Off by default: Moloni
   * dropped the rule on 2019-06-24 under Decreto-Lei n.º 28/2019; set 1000 to model the old one.
   */
  anonymousBuyerLimit?: number | null;
  /**
   * The seeded company's calculation method: `document` (Moloni's default for new companies) or
   * `line`. Changed at run time with `POST /_sandbox/calc-method`.
   */
  calcMethod?: CalcMethod;
  /** Origin for PDF links, e.g. `http://localhost:8765`; default: the origin the caller used. */
  publicUrl?: string;
  /**
   * A JSON file that keeps the account (data and tokens) across restarts: loaded at start when it
   * exists, rewritten after every call that changes something. Default: in memory only.
   */
  stateFile?: string;
}

export interface MoloniSandbox {
  /** The Hono app: serve it, or call `app.request()` in-process. */
  readonly app: Hono<SandboxEnv>;
  readonly state: SandboxState;
  readonly tokens: TokenStore;
  readonly faults: FaultInjector;
  readonly clock: SandboxClock;
  readonly stats: CallStats;
  readonly credentials: SandboxCredentials;
  readonly companyId: number;
  /** The default series (`active_by_default`). */
  readonly documentSetId: number;
  /** Calls per endpoint plus successful grants by type. */
  snapshot(): StatsSnapshot;
  /** Back to the seed: data, tokens, faults and stats (the clock is kept). */
  reset(): void;
  /** Whether the state came from `stateFile` rather than the seed. */
  readonly restored: boolean;
}

export function createMoloniSandbox(options: MoloniSandboxOptions = {}): MoloniSandbox {
  const credentials: SandboxCredentials = { ...DEFAULT_CREDENTIALS, ...options.credentials };
  const clock = options.clock ?? createClock();
  const companyId = options.companyId ?? DEFAULT_COMPANY_ID;
  const state = new SandboxState({
    companyId,
    documentSetName: options.documentSetName ?? 'M',
    demoCompany: options.demoCompany ?? true,
    calcMethod: options.calcMethod ?? 'document',
  });
  const tokens = new TokenStore(credentials, clock, {
    accessTokenSeconds: options.accessTokenTtlSeconds ?? DEFAULT_LIFETIMES.accessTokenSeconds,
    refreshTokenSeconds: options.refreshTokenTtlSeconds ?? DEFAULT_LIFETIMES.refreshTokenSeconds,
  });
  const faults = new FaultInjector();
  const stats = new CallStats();
  const file = options.stateFile === undefined ? undefined : stateFile(options.stateFile, state, tokens);
  const restored = file?.load() ?? false;
  const save = () => file?.save();
  const reset = () => {
    state.reset();
    tokens.revokeAll();
    faults.clear();
    stats.reset();
    save();
  };

  // Moloni's URLs end in `/` (`…/v1/invoiceReceipts/insert/`); non-strict routing accepts both.
  const app = new Hono<SandboxEnv>({ strict: false });
  mountApi(app, {
    state,
    tokens,
    faults,
    clock,
    stats,
    behaviour: { anonymousBuyerLimit: options.anonymousBuyerLimit ?? null },
    publicUrl: options.publicUrl?.replace(/\/+$/, ''),
    onChange: save,
  });
  const snapshot = () => stats.snapshot(tokens.grants);
  mountControl(app, { faults, stats: { snapshot, reset: () => stats.reset() }, clock, reset, state });
  app.notFound(() => jsonResponse({ error: 'not_found', error_description: 'No such route' }, 404));
  app.onError((error) => {
    console.error('[moloni-sandbox]', error);
    return new Response('<html><body><h1>500 Internal Server Error</h1></body></html>', {
      status: 500,
      headers: { 'content-type': 'text/html' },
    });
  });

  return {
    app,
    state,
    tokens,
    faults,
    clock,
    stats,
    credentials,
    companyId,
    documentSetId: DEFAULT_DOCUMENT_SET_ID,
    snapshot,
    reset,
    restored,
  };
}
