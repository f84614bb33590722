import { FaturadorError } from '@faturador/core';

/**
 * Moloni carries credentials in query strings (the access token on every call, the password and
 * client secret on the grant), so any URL, log object or error text could leak one. Every value we
 * know to be secret is registered here, and whatever leaves the client (log lines, error messages
 * and details) goes through `scrub` first.
 */
export const REDACTED = '[REDACTED]';

/** Secrets shorter than this are not scrubbed: replacing "1" everywhere would mangle the text. */
const MIN_SECRET_LENGTH = 6;

export class SecretRegistry {
  private readonly values = new Set<string>();

  add(...secrets: Array<string | undefined | null>): void {
    for (const secret of secrets) {
      if (secret && secret.length >= MIN_SECRET_LENGTH) this.values.add(secret);
      // Secrets also travel url-encoded in query strings.
      if (secret && secret.length >= MIN_SECRET_LENGTH) this.values.add(encodeURIComponent(secret));
    }
  }

  scrubText(text: string): string {
    let out = text;
    for (const secret of this.values) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    // Belt and braces: a credential parameter in any URL-like text, even one we never learned.
    return out.replace(
      /((?:access_token|refresh_token|client_secret|password|code)=)[^&\s"']+/gi,
      `$1${REDACTED}`,
    );
  }

  /** The same error with its message and details scrubbed; other errors become a plain Error. */
  scrubError(error: unknown): Error {
    if (error instanceof FaturadorError) {
      const details = error.details === null ? null : this.scrub(error.details);
      return new FaturadorError(error.code, this.scrubText(error.message), details);
    }
    if (error instanceof Error) return new Error(this.scrubText(error.message));
    return new Error(this.scrubText(String(error)));
  }

  /** Deep copy of a JSON-like value with every secret replaced. */
  scrub<T>(value: T): T {
    return this.scrubValue(value, 0) as T;
  }

  private scrubValue(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.scrubText(value);
    if (depth > 8 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => this.scrubValue(item, depth + 1));
    if (value instanceof Error) return this.scrubText(`${value.name}: ${value.message}`);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = SECRET_KEYS.has(key.toLowerCase()) ? REDACTED : this.scrubValue(item, depth + 1);
    }
    return out;
  }
}

const SECRET_KEYS = new Set([
  'access_token',
  'refresh_token',
  'accesstoken',
  'refreshtoken',
  'password',
  'client_secret',
  'clientsecret',
  'authorization',
]);

/** The subset of pino's logger the client uses; a pino logger fits as it is. */
export interface MoloniLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const silent = (): void => {};
export const silentLogger: MoloniLogger = { debug: silent, info: silent, warn: silent, error: silent };

/** Wraps a logger so that no line can carry a registered secret, whatever a caller passes. */
export function redactingLogger(logger: MoloniLogger, secrets: SecretRegistry): MoloniLogger {
  const wrap =
    (level: keyof MoloniLogger) =>
    (obj: object, msg?: string): void => {
      logger[level](secrets.scrub(obj), msg === undefined ? undefined : secrets.scrubText(msg));
    };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
