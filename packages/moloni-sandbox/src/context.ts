import type { SandboxClock } from '@faturador/sandbox-kit';
import { ErrorList, reject } from './errors.ts';
import { isBlank, isIsoDate, type Params, toInteger, toNumber, toText } from './params.ts';
import type { SandboxState } from './state.ts';
import type { Company } from './types.ts';

export interface Behaviour {
  /** Document total from which anonymous buyers are refused (error 16). */
  /** null: no limit (Moloni since 2019-06-24). */
  anonymousBuyerLimit: number | null;
}

/** What one API call sees. Handlers return the JSON body or throw a Moloni error. */
export interface CallContext {
  readonly params: Params;
  readonly state: SandboxState;
  readonly clock: SandboxClock;
  /** `http://host:port` of the sandbox as the caller reached it; used for PDF links. */
  readonly origin: string;
  readonly behaviour: Behaviour;
}

export type Handler = (ctx: CallContext) => unknown;

/** `class/method` (e.g. `customers/insert`) → handler. */
export type HandlerMap = Record<string, Handler>;

/** Every company-scoped call carries `company_id` in its body (reference §1). */
export function requireCompany(ctx: CallContext): Company {
  const raw = ctx.params.company_id;
  if (isBlank(raw)) reject(1, 'company_id');
  const id = toInteger(raw);
  const company = id === undefined ? undefined : ctx.state.companies.get(id);
  if (!company) reject(2, 'company_id');
  return company;
}

/** Field checks that add Moloni's error codes to a list and return the coerced value. */
export class FieldReader {
  constructor(
    readonly params: Params,
    readonly errors: ErrorList = new ErrorList(),
    /** Prefix for nested records, e.g. `products[0]` → `products[0][qty]`. */
    readonly prefix = '',
  ) {}

  name(field: string): string {
    return this.prefix ? `${this.prefix}[${field}]` : field;
  }

  has(field: string): boolean {
    return !isBlank(this.params[field]);
  }

  text(field: string, options: { required?: boolean; max?: number } = {}): string {
    const raw = this.params[field];
    if (isBlank(raw)) {
      if (options.required) this.errors.add(1, this.name(field));
      return '';
    }
    const value = toText(raw);
    if (value === undefined) {
      this.errors.add(5, this.name(field));
      return '';
    }
    if (options.required && value.trim() === '') this.errors.add(1, this.name(field));
    else if (options.max !== undefined && value.length > options.max) this.errors.add(17, this.name(field));
    return value;
  }

  /** An id that must point at an existing record; blank or 0 means "none" unless required. */
  id(field: string, exists: (id: number) => boolean, options: { required?: boolean } = {}): number {
    const raw = this.params[field];
    if (isBlank(raw) || (!options.required && toNumber(raw) === 0)) {
      if (options.required) this.errors.add(1, this.name(field));
      return 0;
    }
    const id = toInteger(raw);
    if (id === undefined || id <= 0 || !exists(id)) {
      this.errors.add(2, this.name(field));
      return 0;
    }
    return id;
  }

  number(
    field: string,
    options: { required?: boolean; min?: number; max?: number; above?: number; fallback?: number } = {},
  ): number {
    const raw = this.params[field];
    if (isBlank(raw)) {
      if (options.required) this.errors.add(1, this.name(field));
      return options.fallback ?? 0;
    }
    const value = toNumber(raw);
    const bad =
      value === undefined ||
      (options.min !== undefined && value < options.min) ||
      (options.max !== undefined && value > options.max) ||
      (options.above !== undefined && value <= options.above);
    if (bad || value === undefined) {
      // Params as in `2 language_id 1 0` (is-integer, greater-than); only the "> n" form is emitted.
      this.errors.add(2, this.name(field), options.above === undefined ? [] : ['0', String(options.above)]);
      return options.fallback ?? 0;
    }
    return value;
  }

  flag(field: string): 0 | 1 {
    const raw = this.params[field];
    if (isBlank(raw)) return 0;
    const value = toInteger(raw);
    if (value !== 0 && value !== 1) {
      this.errors.add(5, this.name(field), ['[0,1]']);
      return 0;
    }
    return value;
  }

  date(field: string, options: { required?: boolean } = {}): string {
    const raw = this.params[field];
    if (isBlank(raw)) {
      if (options.required) this.errors.add(1, this.name(field));
      return '';
    }
    const value = toText(raw) ?? '';
    if (!isIsoDate(value)) {
      this.errors.add(9, this.name(field));
      return '';
    }
    return value;
  }

  email(field: string): string {
    const value = this.text(field, { max: 250 });
    if (value !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) this.errors.add(3, this.name(field));
    return value;
  }
}
