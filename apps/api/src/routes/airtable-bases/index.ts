import {
  type AirtableBaseSettingsStore,
  checkBaseAccess,
  createAirtableWebClient,
  parseBaseSettingsInput,
} from '@faturador/airtable-web';
import { FaturadorError } from '@faturador/core';
import { type Authenticator, hasScope } from '@faturador/store';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../context.ts';
import { authenticate } from '../../middleware/auth.ts';
import { extensionCors } from '../../middleware/browser-cors.ts';
import { openapiRoute } from '../../openapi.ts';
import { getBaseSettingsRoute, putBaseSettingsRoute } from './schema.ts';

export interface AirtableBaseRouteDeps {
  authenticator: Authenticator;
  settings: AirtableBaseSettingsStore;
  /** Browser origins allowed to read and save from the extension's frame (the trigger's by default). */
  corsOrigins?: ReadonlyArray<string | RegExp>;
}

const notFound = (baseId: string) =>
  new FaturadorError('NOT_FOUND', `Airtable base ${baseId} is not set up for this client.`);

/**
 * `GET`/`PUT /api/v1/airtable/bases/{base_id}`: the server's base settings are the one mapping. An
 * admin key of the client saves them (checked against Airtable first); the extension reads them.
 */
export function registerAirtableBaseRoutes(app: OpenAPIHono<AppEnv>, deps: AirtableBaseRouteDeps): void {
  app.use('/api/v1/airtable/bases/:base_id', extensionCors(['GET', 'PUT'], deps.corsOrigins));
  // Reading takes either scope (the extension's trigger key, or an admin key); each is checked here.
  const reader: MiddlewareHandler<AppEnv> = async (c, next) => {
    const client = c.get('client');
    if (!hasScope(client, 'record-triggers:write') && !hasScope(client, 'airtable-bases:write'))
      throw new FaturadorError('AUTH_ERROR', 'Invalid credentials.');
    await next();
  };

  openapiRoute(
    app,
    { ...getBaseSettingsRoute, middleware: [authenticate(deps.authenticator), reader] },
    async (c) => {
      const baseId = c.req.param('base_id') ?? '';
      const client = c.get('client');
      const settings = await deps.settings.get(baseId);
      if (!settings || settings.client_id !== client.clientId) throw notFound(baseId);
      if (client.airtableBase && client.airtableBase !== baseId) throw notFound(baseId);
      return c.json({ success: true, settings, checks: null }, 200);
    },
  );

  openapiRoute(
    app,
    { ...putBaseSettingsRoute, middleware: [authenticate(deps.authenticator, 'airtable-bases:write')] },
    async (c) => {
      const baseId = c.req.param('base_id') ?? '';
      const client = c.get('client');
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        throw new FaturadorError('VALIDATION_ERROR', 'body is invalid: it is not valid JSON.', {
          issues: [{ path: 'body', reason: 'is not valid JSON' }],
        });
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw new FaturadorError('VALIDATION_ERROR', 'body is invalid: it must be an object.', {
          issues: [{ path: 'body', reason: 'must be an object' }],
        });
      }
      const current = await deps.settings.get(baseId);
      // A base set up by another client stays theirs, and is not revealed.
      if (current && current.client_id !== client.clientId) throw notFound(baseId);
      const input: Record<string, unknown> = { ...body, base_id: baseId, client_id: client.clientId };
      // Parse first (400 naming fields), then prove the token and mapping, then save.
      const parsed = parseBaseSettingsInput(input);
      const pat = typeof input.pat === 'string' ? input.pat : null;
      const access = pat ? { apiUrl: parsed.api_url, pat } : await deps.settings.access(baseId);
      if (!access) {
        throw new FaturadorError('VALIDATION_ERROR', 'pat is invalid: it is required for a new base.', {
          issues: [{ path: 'pat', reason: 'is required for a new base' }],
        });
      }
      const checks = await checkBaseAccess(
        parsed,
        createAirtableWebClient(baseId, { ...access, apiUrl: parsed.api_url }),
      );
      const saved = await deps.settings.save(input as never);
      c.get('logger').info(
        { baseId, table: saved.table_id, write: checks.write },
        'airtable base settings saved',
      );
      return c.json({ success: true, settings: saved, checks }, 200);
    },
  );
}
