import { cors } from 'hono/cors';
import { DEFAULT_TRIGGER_ORIGINS } from '../routes/record-triggers/index.ts';

/**
 * CORS for the calls the Airtable extension makes from its frame besides the record trigger
 * (credit notes, receipts, finalize, its base's settings). Applied before authentication, so that
 * a preflight — which carries no credentials — is answered, and refusals stay readable.
 */
export function extensionCors(
  methods: readonly string[],
  origins: ReadonlyArray<string | RegExp> = DEFAULT_TRIGGER_ORIGINS,
) {
  return cors({
    origin: (origin) =>
      origins.some((allowed) => (typeof allowed === 'string' ? allowed === origin : allowed.test(origin)))
        ? origin
        : null,
    allowMethods: [...methods, 'OPTIONS'],
    allowHeaders: [
      'Content-Type',
      'Idempotency-Key',
      'X-Client-Id',
      'X-Api-Key',
      'X-Api-Secret',
      'X-Timestamp',
      'X-Nonce',
      'X-Signature',
    ],
    exposeHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
  });
}
