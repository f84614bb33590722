import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createPdfLinkSigner } from '@faturador/issuing';
import { createApiClientStore } from '@faturador/store';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import { createContractChecker } from '@faturador/testing/openapi-contract';
import { serve } from '@hono/node-server';
import { lintFromString, loadConfig } from '@redocly/openapi-core';
import { type FetchOptions, JSDOM, ResourceLoader, VirtualConsole } from 'jsdom';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, buildApi } from './server.ts';

// The spec, its lint, /docs, and the answers the full-stack tests do not reach, each checked
// against the spec (those tests check every answer they receive the same way).

const PUBLIC_URL = 'https://billing.example.pt';
const CONFIG = new URL('../redocly.yaml', import.meta.url).pathname;

let api: Api;
let spec: any;
let contract: ReturnType<typeof createContractChecker>;
const headers: Record<'invoices' | 'triggers', Record<string, string>> = { invoices: {}, triggers: {} };

beforeAll(async () => {
  const prefix = randomPrefix();
  api = await buildApi({
    redisUrl: testRedisUrl(),
    masterKey: randomBytes(32).toString('hex'),
    prefix,
    publicUrl: PUBLIC_URL,
    syncBudgetMs: 1_000,
    idempotencyTtlDays: 30,
    bodyLimitBytes: 64 * 1024,
    trustedProxies: [],
    logger: pino({ level: 'silent' }),
  });
  spec = await (await api.app.request('/openapi.json')).json();
  contract = createContractChecker(spec);
  const clients = createApiClientStore({
    redis: api.runtime.redis,
    prefix,
    secretBox: api.runtime.secretBox,
  });
  await clients.createClient({ client_id: 'contract_test', name: 'Contract test' });
  for (const [kind, scopes] of [
    ['invoices', ['invoices:write', 'invoices:read']],
    ['triggers', ['record-triggers:write']],
  ] as const) {
    const issued = await clients.createKey('contract_test', { scopes });
    headers[kind] = {
      'x-client-id': 'contract_test',
      'x-api-key': issued.key.key_id,
      'x-api-secret': issued.secret,
    };
  }
});
afterAll(async () => {
  await api?.close();
});

/** Calls the app and checks the answer against the spec it serves; a mismatch throws. */
async function call(
  method: 'GET' | 'POST',
  path: string,
  init: { headers?: Record<string, string>; body?: string } = {},
) {
  const response = await api.app.request(path, { method, ...init });
  const contentType = response.headers.get('content-type') ?? '';
  const body = contentType.includes('json') ? await response.json() : await response.text();
  contract.check({ method, path, status: response.status, contentType, body });
  return { status: response.status, body: body as any };
}

const json = { 'content-type': 'application/json' };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every property of every schema (components and inline), with where it is. */
function* propertiesOf(schema: unknown, at: string): Generator<[string, Json]> {
  if (!isObject(schema)) return;
  if (isObject(schema.properties)) {
    for (const [name, property] of Object.entries(schema.properties)) {
      if (isObject(property)) yield [`${at}.${name}`, property];
      yield* propertiesOf(property, `${at}.${name}`);
    }
  }
  for (const key of ['items', 'additionalProperties']) yield* propertiesOf(schema[key], `${at}[]`);
  for (const key of ['oneOf', 'anyOf', 'allOf']) {
    const members = schema[key];
    if (Array.isArray(members))
      for (const [i, member] of members.entries()) yield* propertiesOf(member, `${at}|${i}`);
  }
}

/** An object (or a reference to one) is described where it is defined; a value carries an example too. */
function undocumented(path: string, property: Json): string[] {
  if (typeof property.$ref === 'string') return [];
  const problems: string[] = [];
  if (!property.description) problems.push(`${path}: no description`);
  const types = Array.isArray(property.type) ? property.type : [property.type];
  const composite = types.includes('object') || types.includes('array') || property.oneOf || property.anyOf;
  if (!composite && property.example === undefined) problems.push(`${path}: no example`);
  return problems;
}

describe('/openapi.json', () => {
  it('lints clean with Redocly (recommended-strict and the rules in apps/api/redocly.yaml)', async () => {
    const config = await loadConfig({ configPath: CONFIG });
    const problems = await lintFromString({
      source: JSON.stringify(spec),
      absoluteRef: 'openapi.json',
      config,
    });
    expect(
      problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`),
    ).toEqual([]);
  });

  it('describes every field and header with an example, and names every operation', () => {
    const problems: string[] = [];
    for (const [name, schema] of Object.entries(spec.components.schemas)) {
      if (!(schema as Json).description) problems.push(`${name}: no description`);
      for (const [path, property] of propertiesOf(schema, name))
        problems.push(...undocumented(path, property));
    }
    for (const [path, methods] of Object.entries<Json>(spec.paths)) {
      for (const [method, operation] of Object.entries<Json>(methods as Record<string, Json>)) {
        const at = `${method.toUpperCase()} ${path}`;
        if (!operation.operationId) problems.push(`${at}: no operationId`);
        if (!Array.isArray(operation.security)) problems.push(`${at}: no security`);
        for (const parameter of (operation.parameters as Json[] | undefined) ?? []) {
          problems.push(
            ...undocumented(`${at} ${parameter.in} ${parameter.name}`, {
              ...(parameter.schema as Json),
              description: parameter.description,
            }),
          );
        }
        for (const [status, response] of Object.entries<Json>(operation.responses as Record<string, Json>)) {
          for (const [header, value] of Object.entries<Json>(
            (response.headers as Record<string, Json>) ?? {},
          )) {
            problems.push(
              ...undocumented(`${at} ${status} ${header}`, {
                ...(value.schema as Json),
                description: value.description,
              }),
            );
          }
          for (const media of Object.values<Json>((response.content as Record<string, Json>) ?? {})) {
            for (const [p, property] of propertiesOf(media.schema, `${at} ${status}`))
              problems.push(...undocumented(p, property));
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(Object.keys(spec.components.securitySchemes).sort()).toEqual([
      'apiKey',
      'apiSecret',
      'clientId',
      'nonce',
      'signature',
      'timestamp',
    ]);
    expect(
      Object.values<Json>(spec.components.securitySchemes).map((scheme) => [scheme.in, scheme.name]),
    ).toEqual(
      expect.arrayContaining([
        ['header', 'X-Client-Id'],
        ['header', 'X-Api-Key'],
        ['header', 'X-Api-Secret'],
        ['header', 'X-Timestamp'],
        ['header', 'X-Nonce'],
        ['header', 'X-Signature'],
      ]),
    );
    expect(spec.servers).toEqual([{ url: PUBLIC_URL, description: expect.any(String) }]);
  });
});

describe('/docs', () => {
  it('serves Swagger UI and its assets from the API itself, nothing from elsewhere', async () => {
    const page = await api.app.request('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(urls.length).toBeGreaterThan(2);
    for (const url of urls) expect(url).toMatch(/^\/docs\//);
    expect(html).not.toMatch(/https?:\/\//);
    const types: Record<string, RegExp> = { js: /^text\/javascript/, css: /^text\/css/, png: /^image\/png/ };
    expect(urls).toEqual(
      expect.arrayContaining(['/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css', '/docs/init.js']),
    );
    for (const url of urls) {
      const asset = await api.app.request(url);
      expect(asset.status, url).toBe(200);
      expect(asset.headers.get('content-type'), url).toMatch(types[url.split('.').pop() ?? ''] ?? /^$/);
      expect((await asset.arrayBuffer()).byteLength, url).toBeGreaterThan(100);
    }
    const bundle = await (await api.app.request('/docs/swagger-ui-bundle.js')).text();
    expect(bundle).toContain('SwaggerUIBundle');
    const init = await (await api.app.request('/docs/init.js')).text();
    // The page reads the spec of this API and sends it to no online validator.
    expect(init).toContain("url: '/openapi.json'");
    expect(init).toContain('validatorUrl: null');
  });
});

describe('/docs in a browser (jsdom)', () => {
  it('renders every operation of the spec, loading nothing but this API', async () => {
    const server = serve({ fetch: api.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const loaded: string[] = [];
    class RecordingLoader extends ResourceLoader {
      override fetch(url: string, options: FetchOptions) {
        loaded.push(url);
        return super.fetch(url, options);
      }
    }
    const dom = await JSDOM.fromURL(`${origin}/docs`, {
      runScripts: 'dangerously',
      resources: new RecordingLoader(),
      pretendToBeVisual: true,
      virtualConsole: new VirtualConsole(),
      // jsdom has no fetch; Node's, recording what the page asks for.
      beforeParse(window) {
        Object.assign(window, {
          fetch: (url: string, init?: RequestInit) => {
            const absolute = new URL(url, origin).href;
            loaded.push(absolute);
            return fetch(absolute, init);
          },
        });
      },
    });
    try {
      const paths = () =>
        [...dom.window.document.querySelectorAll('.opblock-summary-path')].map((node) => node.textContent);
      for (let i = 0; i < 100 && paths().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      // One block per operation: a path with two methods (GET and DELETE of a request) shows twice.
      const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
        Object.keys(item as object)
          .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
          .map(() => path),
      );
      expect(paths()).toEqual(operations);
      expect(loaded).toContain(`${origin}/openapi.json`);
      for (const url of loaded) expect(url.startsWith(`${origin}/`), url).toBe(true);
    } finally {
      dom.window.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 20_000);
});

describe('answers the full-stack tests do not reach, checked against /openapi.json', () => {
  it('POST /api/v1/invoices/: 413 for a body over the limit, 415 for a body that is not JSON', async () => {
    const big = await call('POST', '/api/v1/invoices/', {
      headers: { ...json, ...headers.invoices, 'idempotency-key': 'contract-413-1' },
      body: JSON.stringify({ notes: 'x'.repeat(70 * 1024) }),
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const text = await call('POST', '/api/v1/invoices/', {
      headers: { ...headers.invoices, 'content-type': 'text/plain', 'idempotency-key': 'contract-415-1' },
      body: 'reference=1',
    });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('GET /api/v1/invoices/{id}: 401 with a wrong secret, 404 for an unknown request', async () => {
    const denied = await call('GET', '/api/v1/invoices/req_0000000000000000', {
      headers: { ...headers.invoices, 'x-api-secret': 'as_wrong' },
    });
    expect(denied.status).toBe(401);
    const unknown = await call('GET', '/api/v1/invoices/req_0000000000000000', { headers: headers.invoices });
    expect(unknown.status).toBe(404);
  });

  it('GET /api/v1/invoices/{id}/pdf: 404 for a well-signed link to a request without a document', async () => {
    const signer = createPdfLinkSigner({ publicUrl: PUBLIC_URL, masterKey: api.runtime.masterKey });
    const link = new URL(signer.url('req_0000000000000000', 974989624));
    signer.close();
    const missing = await call('GET', link.pathname + link.search);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });

  it('POST /api/v1/record-triggers/airtable: 401 for a billing key, 404 for a base not set up, 400 for a bad ?wait', async () => {
    const trigger = {
      base_id: 'appFaturadorDemo1',
      table_id: 'tblBookings000001',
      record_id: 'recBooking0000001',
    };
    const path = '/api/v1/record-triggers/airtable';
    const wrongKey = await call('POST', path, {
      headers: { ...json, ...headers.invoices },
      body: JSON.stringify(trigger),
    });
    expect(wrongKey.status).toBe(401);
    const noBase = await call('POST', path, {
      headers: { ...json, ...headers.triggers },
      body: JSON.stringify(trigger),
    });
    expect(noBase.status).toBe(404);
    expect(noBase.body.error.code).toBe('NOT_FOUND');
    const badWait = await call('POST', `${path}?wait=later`, {
      headers: { ...json, ...headers.triggers },
      body: JSON.stringify(trigger),
    });
    expect(badWait.status).toBe(400);
    expect(badWait.body.error.message).toBe('wait is invalid: must be sync or async.');
  });

  it('an answer the spec does not declare is refused', async () => {
    await expect(call('GET', '/api/v1/nowhere')).rejects.toThrow(
      /GET \/api\/v1\/nowhere → 404: the OpenAPI spec has no such operation/,
    );
  });
});
