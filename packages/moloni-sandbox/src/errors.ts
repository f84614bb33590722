// Two error families, as in the reference (§1 "Errors"): auth errors are HTTP 400 with an OAuth
// body; data errors are HTTP 200 with an array, one entry per failing field, in field order.

export class MoloniAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
    this.name = 'MoloniAuthError';
  }

  toBody(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

/** One failing field: `"1 name"`, `"2 language_id 1 0"`, `"12 date >= 2026-05-18"`. */
export interface FieldError {
  readonly code: number;
  readonly field: string;
  readonly params: readonly string[];
}

export function errorString(error: FieldError): string {
  return [String(error.code), error.field, ...error.params].join(' ');
}

const DESCRIPTIONS: Record<number, (field: string, params: readonly string[]) => string> = {
  1: (f) => `The field ${f} is required.`,
  2: (f) => `The field ${f} has an invalid numeric value or does not reference an existing record.`,
  3: (f) => `The field ${f} must be a valid e-mail address.`,
  4: (f) => `The value of ${f} is already in use and must be unique.`,
  5: (f, p) =>
    `The field ${f} has a value that is not allowed${p.length > 0 ? ` (allowed: ${p.join(' ')})` : ''}.`,
  6: (f) => `The field ${f} must be a valid URL.`,
  7: (f) => `The field ${f} must be a valid postal code (NNNN-NNN for Portugal).`,
  8: (f) => `The field ${f} is not a valid Portuguese VAT number.`,
  9: (f) => `The field ${f} must be a date in the YYYY-MM-DD format.`,
  10: (f) => `The field ${f} references a document that cannot be associated.`,
  11: (f) => `The document cannot be communicated to the Tax Authority (${f}).`,
  12: (f, p) => `The date ${f} must be ${p.join(' ')}.`,
  13: (f) => `The field ${f} must be a valid phone number.`,
  14: (f) => `In ${f}, VAT must come after the other taxes and be cumulative.`,
  15: (f) => `Only one VAT tax is allowed per line (${f}).`,
  16: (f) =>
    `CIVA art. 36 nº 15: the customer (${f}) must be identified on documents of this amount (name, address, postal code and VAT number).`,
  17: (f) => `The field ${f} exceeds the maximum length.`,
};

/** Sandbox-only explanations for errors whose code alone is ambiguous. */
export interface FieldErrorWithReason extends FieldError {
  readonly reason?: string;
}

export function errorDescription(error: FieldErrorWithReason): string {
  if (error.reason) return error.reason;
  const describe = DESCRIPTIONS[error.code];
  return describe ? describe(error.field, error.params) : `Invalid value in ${error.field}.`;
}

/** A rejected call; rendered as Moloni's HTTP 200 error array. */
export class MoloniValidationError extends Error {
  constructor(readonly errors: readonly FieldErrorWithReason[]) {
    super(errors.map(errorString).join(', '));
    this.name = 'MoloniValidationError';
  }

  toBody(humanErrors: boolean): string[] | Array<{ code: string; description: string }> {
    if (!humanErrors) return this.errors.map(errorString);
    return this.errors.map((error) => ({ code: errorString(error), description: errorDescription(error) }));
  }
}

/** Collects field errors in the order fields are checked, then throws them all at once. */
export class ErrorList {
  private readonly items: FieldErrorWithReason[] = [];

  add(code: number, field: string, params: readonly string[] = [], reason?: string): void {
    this.items.push(reason === undefined ? { code, field, params } : { code, field, params, reason });
  }

  get size(): number {
    return this.items.length;
  }

  hasField(field: string): boolean {
    return this.items.some((item) => item.field === field);
  }

  throwIfAny(): void {
    if (this.items.length > 0) throw new MoloniValidationError([...this.items]);
  }
}

export function reject(code: number, field: string, params: readonly string[] = [], reason?: string): never {
  const list = new ErrorList();
  list.add(code, field, params, reason);
  list.throwIfAny();
  throw new Error('unreachable');
}
