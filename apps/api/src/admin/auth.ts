import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type AdminRole, roleAllows } from '@faturador/store';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AdminDeps, AdminEnv } from './context.ts';
import type { Lang } from './texts.ts';

export const SESSION_COOKIE = 'fat_admin';
export const PRE_CSRF_COOKIE = 'fat_signin';
const LANG_COOKIE = 'fat_lang';

/** Secure cookies everywhere but on a loopback address (the local stack speaks plain HTTP). */
export function isLoopback(c: Context): boolean {
  const host = new URL(c.req.url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
}

export function cookieOptions(c: Context, maxAgeSeconds?: number) {
  return {
    path: '/admin',
    httpOnly: true,
    sameSite: 'Strict' as const,
    secure: !isLoopback(c),
    ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
  };
}

export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** `?lang=en` switches the language (remembered in a cookie); Portuguese otherwise. */
export function language(): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    const asked = c.req.query('lang');
    let lang: Lang = getCookie(c, LANG_COOKIE) === 'en' ? 'en' : 'pt';
    if (asked === 'en' || asked === 'pt') {
      lang = asked;
      setCookie(c, LANG_COOKIE, lang, { ...cookieOptions(c, 365 * 86_400), httpOnly: false });
    }
    c.set('lang', lang);
    await next();
  };
}

/** A token for the sign-in form, before there is a session (double-submit cookie). */
export function preSignInToken(c: Context): string {
  const token = randomBytes(18).toString('base64url');
  setCookie(c, PRE_CSRF_COOKIE, token, cookieOptions(c, 3600));
  return token;
}

/**
 * Every page but sign-in needs a session; without one, the browser goes to sign-in and comes
 * back. Every POST must carry the session's CSRF token in `_csrf`.
 */
export function requireSession(deps: AdminDeps): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    const session = await deps.admins.session(getCookie(c, SESSION_COOKIE));
    if (!session) {
      const url = new URL(c.req.url);
      const back = c.req.method === 'GET' ? `?next=${encodeURIComponent(url.pathname + url.search)}` : '';
      return c.redirect(`/admin/sign-in${back}`, 303);
    }
    c.set('session', session);
    c.header('Cache-Control', 'private, no-store');
    if (c.req.method === 'POST') {
      const form = await c.req.parseBody();
      const sent = typeof form._csrf === 'string' ? form._csrf : undefined;
      if (!sameToken(sent, session.csrfToken)) return c.text('CSRF', 403);
    }
    await next();
  };
}

export function requireRole(role: AdminRole): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    if (!roleAllows(c.get('session').role, role)) return c.text('forbidden', 403);
    await next();
  };
}
