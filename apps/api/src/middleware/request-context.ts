import { newId } from '@faturador/core';
import { resolveClientIp } from '@faturador/store';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { AppEnv } from '../context.ts';

/**
 * Request id (header and logs), client IP (socket, or X-Forwarded-For via trusted proxies only).
 * The id minted here becomes the ledger's id of a new invoice request; a replay answers with the
 * original request's id, and `adoptRequestId` makes the header and the rest of the logs follow.
 */
export function requestContext(logger: Logger, trustedProxies: readonly string[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const requestId = newId('req');
    c.set('requestId', requestId);
    let socketIp = '';
    try {
      socketIp = getConnInfo(c).remote.address ?? '';
    } catch {
      // No socket (app.request()): the peer stays unknown, and an allowlisted key refuses it.
    }
    const clientIp = resolveClientIp({
      socketIp,
      forwardedFor: c.req.header('x-forwarded-for'),
      trustedProxies: [...trustedProxies],
    });
    c.set('clientIp', clientIp);
    c.set('baseLogger', logger);
    c.set('logger', logger.child({ requestId }));
    c.header('X-Request-Id', requestId);
    const started = performance.now();
    await next();
    c.get('logger').info(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
        ip: clientIp,
      },
      'request',
    );
  };
}

/** The answer is about another request (a replay): the header and the later log lines name it. */
export function adoptRequestId(c: Context<AppEnv>, requestId: string): void {
  const minted = c.get('requestId');
  if (requestId === minted) return;
  c.set('requestId', requestId);
  c.set('logger', c.get('baseLogger').child({ requestId, httpRequestId: minted }));
  c.header('X-Request-Id', requestId);
}
