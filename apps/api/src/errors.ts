import { errorEnvelope, FaturadorError, isFaturadorError } from '@faturador/core';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './context.ts';

export function sendError(c: Context<AppEnv>, error: FaturadorError, requestId = c.get('requestId')) {
  c.header('X-Request-Id', requestId);
  if (error.retryAfterSeconds !== undefined) c.header('Retry-After', String(error.retryAfterSeconds));
  return c.json(errorEnvelope(requestId, error), error.status as ContentfulStatusCode);
}

/** One envelope for every failure: our errors, Hono's, Redis outages, then anything else as a 500. */
export function onError(error: Error, c: Context<AppEnv>) {
  if (isFaturadorError(error)) return sendError(c, error);
  if (error instanceof HTTPException) {
    const code =
      error.status === 413 ? 'PAYLOAD_TOO_LARGE' : error.status === 401 ? 'AUTH_ERROR' : 'VALIDATION_ERROR';
    return sendError(c, new FaturadorError(code, error.message || 'The request is invalid.'));
  }
  const logger = c.get('logger');
  if (isRedisOutage(error)) {
    logger?.error({ err: error }, 'redis unavailable');
    return sendError(
      c,
      new FaturadorError(
        'SERVICE_UNAVAILABLE',
        'Faturador is temporarily unavailable. Nothing was issued; retry.',
      ),
    );
  }
  logger?.error({ err: error }, 'unhandled error');
  return sendError(
    c,
    new FaturadorError('INTERNAL_ERROR', 'Internal error. Quote the request id when reporting it.'),
  );
}

function isRedisOutage(error: Error): boolean {
  return /Stream isn't writeable|Connection is closed|ECONNREFUSED|MaxRetriesPerRequest|enableOfflineQueue/i.test(
    error.message,
  );
}
