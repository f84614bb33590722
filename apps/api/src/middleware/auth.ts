import type { ApiScope, Authenticator } from '@faturador/store';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';

/**
 * Authenticates with the raw body (signed mode hashes the bytes as sent) and checks the key's IP
 * allowlist. Hono caches the body, so handlers can still read it as JSON.
 */
export function authenticate(authenticator: Authenticator, scope?: ApiScope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const rawBody =
      c.req.method === 'GET' || c.req.method === 'HEAD' ? '' : new Uint8Array(await c.req.arrayBuffer());
    const url = new URL(c.req.url);
    const client = await authenticator.authenticate({
      method: c.req.method,
      path: `${url.pathname}${url.search}`,
      headers: (name) => c.req.header(name),
      rawBody,
      clientIp: c.get('clientIp'),
      ...(scope ? { requiredScope: scope } : {}),
    });
    c.set('client', client);
    c.set('logger', c.get('logger').child({ clientId: client.clientId, keyId: client.keyId }));
    await next();
  };
}
