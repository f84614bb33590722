import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Faturador billing API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
code,pre{background:#f3f4f7;border-radius:4px;padding:.1rem .3rem}pre{padding:1rem;overflow:auto}
.op{border:1px solid #dde;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}.m{font-weight:700;text-transform:uppercase}
</style>
</head>
<body>
<h1>Faturador billing API</h1>
<p>Issue certified documents in Moloni, exactly once per <code>Idempotency-Key</code>. The machine-readable
specification is at <a href="/openapi.json">/openapi.json</a>.</p>
<div id="ops">Loading…</div>
<script>
fetch('/openapi.json').then(r => r.json()).then(spec => {
  const ops = document.getElementById('ops'); ops.textContent = '';
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const div = document.createElement('div'); div.className = 'op';
      const h = document.createElement('h3');
      h.innerHTML = '<span class="m"></span> <code></code>';
      h.querySelector('.m').textContent = method; h.querySelector('code').textContent = path;
      const p = document.createElement('p'); p.textContent = (op.summary || '') + (op.description ? ' — ' + op.description : '');
      const ul = document.createElement('ul');
      for (const [status, res] of Object.entries(op.responses || {})) {
        const li = document.createElement('li'); li.textContent = status + ': ' + (res.description || ''); ul.appendChild(li);
      }
      div.append(h, p, ul); ops.appendChild(div);
    }
  }
});
</script>
</body>
</html>`;

export function registerDocs(app: OpenAPIHono<AppEnv>): void {
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Faturador billing API',
      version: '1.0.0',
      description: 'Certified invoices in Moloni from any system, exactly once.',
    },
  });
  app.get('/docs', (c) => c.html(DOCS_PAGE));
}
