import { randomPrefix, testRedisUrl } from '@faturador/testing';
import { lintFromString, loadConfig } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './testing/stack.ts';

let stack: Stack;
let spec: any;

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), prefix: randomPrefix(), worker: false });
  spec = (await stack.get('/openapi.json')).body;
});
afterAll(async () => {
  await stack?.close();
});

const CONFIG = new URL('../redocly.yaml', import.meta.url).pathname;

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
    expect(spec.servers).toEqual([{ url: stack.url, description: expect.any(String) }]);
  });
});

describe('/docs', () => {
  it('serves Swagger UI and its assets from the API itself, nothing from elsewhere', async () => {
    const page = await stack.get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const html = Buffer.from(page.body).toString('utf8');
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(urls.length).toBeGreaterThan(2);
    for (const url of urls) expect(url).toMatch(/^\/docs\//);
    expect(html).not.toMatch(/https?:\/\//);
    const types: Record<string, RegExp> = { js: /^text\/javascript/, css: /^text\/css/, png: /^image\/png/ };
    expect(urls).toEqual(
      expect.arrayContaining(['/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css', '/docs/init.js']),
    );
    for (const url of urls) {
      const asset = await stack.get(url);
      expect(asset.status, url).toBe(200);
      expect(asset.headers['content-type'], url).toMatch(types[url.split('.').pop() ?? ''] ?? /^$/);
      expect(asset.body.length, url).toBeGreaterThan(100);
    }
    const bundle = Buffer.from((await stack.get('/docs/swagger-ui-bundle.js')).body).toString('utf8');
    expect(bundle).toContain('SwaggerUIBundle');
    const init = Buffer.from((await stack.get('/docs/init.js')).body).toString('utf8');
    // The page reads the spec of this API and sends it to no online validator.
    expect(init).toContain("url: '/openapi.json'");
    expect(init).toContain('validatorUrl: null');
  });
});
