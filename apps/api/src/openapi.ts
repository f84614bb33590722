import { zodValidationError } from '@faturador/core';
import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { Context, Handler } from 'hono';
import type { AppEnv } from './context.ts';
import { sendError } from './errors.ts';

/**
 * What `app.openapi` does with a zod failure (query and path parameters): core's VALIDATION_ERROR,
 * naming the field as the body's validation does, in the one envelope.
 */
export function validationHook(
  result: { success: true } | { success: false; error: unknown },
  c: Context<AppEnv>,
): Response | undefined {
  if (result.success) return undefined;
  return sendError(c, zodValidationError(result.error as Parameters<typeof zodValidationError>[0]));
}

/** An OpenAPI app whose zod failures answer in the error envelope. */
export function createOpenApiApp(): OpenAPIHono<AppEnv> {
  // strict: false — the contract's path has a trailing slash, and callers may drop it.
  return new OpenAPIHono<AppEnv>({ strict: false, defaultHook: validationHook });
}

/**
 * Binds a route with `app.openapi`, which registers it in the spec and validates its query and
 * path parameters (failures through `validationHook`). Its body and headers are declared for the
 * spec only: core's parser validates the body, and the authenticator and the submitter the
 * headers, so that a bad field gets the same message over HTTP, from the Slack bot and from an
 * Airtable record, and a missing credential stays a 401 rather than a 400. The handler is bound
 * at the path without its trailing slash, which the app's `strict: false` matches with or
 * without one (Hono does not match a trailing-slash route that way).
 */
export function openapiRoute(
  app: OpenAPIHono<AppEnv>,
  route: RouteConfig,
  // biome-ignore lint/suspicious/noExplicitAny: the handler's answers are checked against the spec by the contract test, not by types (their status is data).
  handler: Handler<AppEnv, any>,
): void {
  const { middleware: _middleware, hide: _hide, ...spec } = route;
  const { body: _body, headers: _headers, ...validated } = route.request ?? {};
  app.openAPIRegistry.registerPath(spec);
  app.openapi(
    { ...route, hide: true, path: route.path.replace(/(.)\/$/, '$1'), request: validated },
    // biome-ignore lint/suspicious/noExplicitAny: see above.
    handler as any,
  );
}
