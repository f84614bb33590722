// Bundles the extension the way `block release` does (esbuild, one browser bundle with its own
// React), so CI can check it without an Airtable account. Output: dist/bundle.js.

import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('.', import.meta.url));

export async function buildBundle(outfile = `${root}dist/bundle.js`) {
  return build({
    absWorkingDir: root,
    entryPoints: ['frontend/index.tsx'],
    bundle: true,
    outfile,
    format: 'iife',
    platform: 'browser',
    target: ['es2019'],
    jsx: 'automatic',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    // Nothing from the build machine's environment may reach the bundle: only NODE_ENV is defined.
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outfile = process.argv[2] ?? `${root}dist/bundle.js`;
  await buildBundle(outfile);
  process.stdout.write(`built ${outfile}\n`);
}
