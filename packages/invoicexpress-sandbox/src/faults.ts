// Failures of the network and of InvoiceXpress's edge, injected per endpoint — the same kinds as
// the Moloni sandbox. `commitThenDrop` is the one that matters: the document is created, the
// answer never arrives, and a client that simply retries makes a second one.

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
  /**
   * Answers 422 with `body` (default: a canonical error list) and executes nothing: the sporadic
   * validation refusals integrations report under load.
   */
  | 'refuse';

export interface FaultSpec {
  kind: FaultKind;
  /**
   * `<resource>/<action>` as listed in the README (`invoices/create`, `pdf/get`,
   * `clients/find-by-code`), with `*` as a wildcard (`invoice_receipts/*`, or a leading star for every type's `create`); omitted or
   * `*` for every API call. Case-insensitive.
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
  readonly ms: number;
  readonly status: number;
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

function matches(pattern: string, endpoint: string): boolean {
  // PDF downloads are not API calls: only a fault that names them reaches them.
  if (pattern === '*') return !endpoint.startsWith('downloads/');
  const source = pattern
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(endpoint.toLowerCase());
}

export const DEFAULT_REFUSAL = { errors: [{ error: 'Ocorreu um erro. Por favor tente novamente.' }] };

export class FaultInjector {
  private faults: ActiveFault[] = [];
  private counter = 0;

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
      ...(spec.kind === 'refuse' ? { body: spec.body ?? DEFAULT_REFUSAL } : {}),
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

  /** Every matching latency adds up; the first matching other fault applies. */
  take(endpoint: string): FaultPlan {
    let latencyMs = 0;
    let chosen: ActiveFault | undefined;
    for (const fault of this.faults) {
      if (fault.remaining === 0 || !matches(fault.endpoint, endpoint)) continue;
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
}

const REASONS: Record<number, string> = {
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** What a proxy in front of the application answers: HTML, not JSON. */
export function proxyErrorPage(status: number): string {
  const title = `${status} ${REASONS[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
}
