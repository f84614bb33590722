// Failures of the network and of a vendor's edge, injected per endpoint. The interesting one is
// `commitThenDrop`: the call is executed, the answer never arrives — what makes naive retries
// duplicate invoices. Each sandbox supplies what is its own (see FaultProfile).

export type FaultKind =
  /** Adds `ms` of delay, then answers normally (combines with any other fault). */
  | 'latency'
  /** Answers `status` (429, 500, 502, 503, 504) with a proxy-style HTML body; nothing is executed. */
  | 'status'
  /** Never answers; the request ends only when the client (or `close()`) destroys the socket. */
  | 'hang'
  /** Destroys the connection before executing anything. */
  | 'drop'
  /** Executes the call (state changes), then destroys the connection without a response. */
  | 'commitThenDrop'
  /** Executes the call, then never answers (a client timeout with the outcome committed). */
  | 'commitThenHang'
  /** Answers with `body` as the vendor refuses a call, and executes nothing (status per sandbox). */
  | 'refuse';

export interface FaultSpec {
  kind: FaultKind;
  /**
   * The sandbox's endpoint name (see its README), with its wildcards; omitted or `*` for every
   * API call. Case-insensitive.
   */
  endpoint?: string;
  /** How many matching calls it affects; omitted → every matching call until cleared. */
  times?: number;
  /** Lets this many matching calls through untouched before it starts. */
  skip?: number;
  /** For `latency`. */
  ms?: number;
  /** For `status`. */
  status?: number;
  /** For `refuse`: the JSON body. */
  body?: unknown;
}

export interface ActiveFault {
  readonly id: string;
  readonly kind: FaultKind;
  readonly endpoint: string;
  /** Delay for `latency` (0 otherwise). */
  readonly ms: number;
  /** HTTP status for `status` (0 otherwise). */
  readonly status: number;
  /** JSON body for `refuse` (undefined otherwise). */
  readonly body?: unknown;
  /** null = unlimited. */
  remaining: number | null;
  skip: number;
  hits: number;
}

export interface FaultPlan {
  latencyMs: number;
  fault: ActiveFault | undefined;
}

/** What differs between vendors: how endpoints are named, and what a refusal looks like. */
export interface FaultProfile {
  /** Whether a pattern other than `*` names `endpoint` (both already as given). */
  match(pattern: string, endpoint: string): boolean;
  /** The body a `refuse` fault answers with, from the spec's; throws FaultValidationError if unusable. */
  refusalBody(body: unknown): unknown;
}

const KINDS: readonly FaultKind[] = [
  'latency',
  'status',
  'hang',
  'drop',
  'commitThenDrop',
  'commitThenHang',
  'refuse',
];
const STATUSES = [429, 500, 502, 503, 504];

export class FaultValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultValidationError';
  }
}

function nonNegativeInteger(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new FaultValidationError(`${field} must be a non-negative integer`);
  }
  return value;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];
  private counter = 0;

  constructor(private readonly profile: FaultProfile) {}

  /** Adds a fault; validates it so that a typo in a test fails loudly instead of never matching. */
  add(spec: FaultSpec): ActiveFault {
    if (!KINDS.includes(spec.kind)) throw new FaultValidationError(`kind must be one of ${KINDS.join(', ')}`);
    const times = nonNegativeInteger(spec.times, 'times');
    const ms = nonNegativeInteger(spec.ms, 'ms') ?? 0;
    if (spec.kind === 'latency' && ms === 0) throw new FaultValidationError('latency needs ms > 0');
    const status = spec.status ?? 503;
    if (spec.kind === 'status' && !STATUSES.includes(status)) {
      throw new FaultValidationError(`status must be one of ${STATUSES.join(', ')}`);
    }
    const body = spec.kind === 'refuse' ? this.profile.refusalBody(spec.body) : undefined;
    if (spec.endpoint !== undefined && typeof spec.endpoint !== 'string') {
      throw new FaultValidationError('endpoint must be a string');
    }
    this.counter += 1;
    const fault: ActiveFault = {
      id: `fault_${this.counter}`,
      kind: spec.kind,
      endpoint: spec.endpoint || '*',
      ms: spec.kind === 'latency' ? ms : 0,
      status: spec.kind === 'status' ? status : 0,
      ...(spec.kind === 'refuse' ? { body } : {}),
      remaining: times ?? null,
      skip: nonNegativeInteger(spec.skip, 'skip') ?? 0,
      hits: 0,
    };
    this.faults.push(fault);
    return fault;
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((fault) => fault.id !== id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
  }

  list(): ActiveFault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  /**
   * Decides what happens to one call and consumes the faults used: every matching latency adds
   * up, and the first matching other fault applies.
   */
  take(endpoint: string): FaultPlan {
    let latencyMs = 0;
    let chosen: ActiveFault | undefined;
    for (const fault of this.faults) {
      if (fault.remaining === 0 || !this.matches(fault.endpoint, endpoint)) continue;
      if (fault.kind !== 'latency' && chosen) continue;
      if (fault.skip > 0) {
        fault.skip -= 1;
        continue;
      }
      if (fault.remaining !== null) fault.remaining -= 1;
      fault.hits += 1;
      if (fault.kind === 'latency') latencyMs += fault.ms;
      else chosen = fault;
    }
    this.faults = this.faults.filter((fault) => fault.remaining !== 0);
    return { latencyMs, fault: chosen };
  }

  private matches(pattern: string, endpoint: string): boolean {
    // PDF downloads are not API calls: only a fault that names them reaches them.
    if (pattern === '*') return !endpoint.startsWith('downloads/');
    return this.profile.match(pattern, endpoint);
  }
}
