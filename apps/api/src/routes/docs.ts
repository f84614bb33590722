import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';

/**
 * `/docs` is Swagger UI (swagger-ui-dist) served by the API itself from node_modules: the page
 * works offline and behind a firewall, and loads nothing from a CDN. `/openapi.json` is generated
 * from the routes and core's schemas, never written by hand.
 */

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const distDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const assetCache = new Map<string, Uint8Array<ArrayBuffer>>();

function asset(name: string): Uint8Array<ArrayBuffer> {
  let bytes = assetCache.get(name);
  if (!bytes) {
    bytes = new Uint8Array(readFileSync(join(distDir, name)));
    assetCache.set(name, bytes);
  }
  return bytes;
}

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Faturador billing API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;

// validatorUrl: null — Swagger UI otherwise sends the spec to an online validator for its badge.
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
});
`;

const SECURITY_SCHEMES = {
  clientId: {
    description: 'The API client id (both modes).',
    example: 'airtable_ops_prod',
    name: 'X-Client-Id',
  },
  apiKey: { description: 'The key id (both modes).', example: 'ak_demo_9f83b7d1a5c40c22', name: 'X-Api-Key' },
  apiSecret: {
    description: 'Plain mode: the secret of the key. Omit it in signed mode.',
    example: 'as_demo_5baf4f0f613949f0863b83de8f4c4f90',
    name: 'X-Api-Secret',
  },
  timestamp: {
    description: 'Signed mode: the time of the request in unix seconds, within ±300 s of the server.',
    example: '1779116841',
    name: 'X-Timestamp',
  },
  nonce: {
    description: 'Signed mode: single use, 16–128 characters of `A-Z a-z 0-9 _ -`.',
    example: 'n0nce_4f2a9c1e7b3d5a60',
    name: 'X-Nonce',
  },
  signature: {
    description:
      'Signed mode: hex HMAC-SHA256 with the secret over `METHOD\\npath\\ntimestamp\\nnonce\\nsha256hex(body)` ' +
      '(path with its query string).',
    example: '5d41402abc4b2a76b9719d911017c592a1c0d3f5e6b7a8c9d0e1f2a3b4c5d6e7',
    name: 'X-Signature',
  },
};

export function registerDocs(app: OpenAPIHono<AppEnv>, options: { publicUrl: string }): void {
  for (const [id, scheme] of Object.entries(SECURITY_SCHEMES)) {
    app.openAPIRegistry.registerComponent('securitySchemes', id, {
      type: 'apiKey',
      in: 'header',
      name: scheme.name,
      description: `${scheme.description} Example: \`${scheme.example}\`.`,
    });
  }
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Faturador billing API',
      version: '1.0.0',
      description:
        'Certified invoices in Moloni from any system, exactly once per `Idempotency-Key`. Authenticate with ' +
        'X-Client-Id + X-Api-Key + X-Api-Secret, or sign the request (X-Timestamp, X-Nonce, X-Signature) ' +
        'instead of sending the secret. Every failure answers with one envelope: ' +
        '`{success: false, request_id, error: {code, message, details}}`.',
    },
    servers: [{ url: options.publicUrl.replace(/\/+$/, ''), description: 'This deployment.' }],
    tags: [
      { name: 'Invoices', description: 'Issue documents in Moloni and follow their requests.' },
      {
        name: 'Record triggers',
        description: 'Issue the invoice of an Airtable record; the result is written back to it.',
      },
      {
        name: 'Airtable bases',
        description:
          'The one mapping of each Airtable base, saved by an admin key and checked against Airtable.',
      },
    ],
  });
  app.get('/docs', (c) => c.html(DOCS_PAGE));
  app.get('/docs/init.js', (c) =>
    c.body(INIT_SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }),
  );
  for (const [name, type] of Object.entries(ASSETS)) {
    app.get(`/docs/${name}`, (c) =>
      c.body(asset(name), 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' }),
    );
  }
}
