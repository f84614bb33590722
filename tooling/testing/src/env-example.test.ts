import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** `.env.example` names every setting the production processes read; this keeps it true. */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const PROCESSES = ['api', 'worker', 'slack', 'cli'];
/** Set by npm itself, not by an operator. */
const NOT_SETTINGS = new Set(['INIT_CWD']);

function settingsOf(app: string): string[] {
  const source = readFileSync(join(ROOT, 'apps', app, 'src', 'env.ts'), 'utf8');
  const names = [...source.matchAll(/^\s+([A-Z][A-Z0-9_]{2,}):/gm)].map((match) => match[1] ?? '');
  return [...new Set(names)].filter((name) => !NOT_SETTINGS.has(name));
}

describe('.env.example', () => {
  const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
  const named = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]{2,})=/gm)].map((match) => match[1]));

  for (const app of PROCESSES) {
    it(`names every setting of apps/${app}`, () => {
      const settings = settingsOf(app);
      expect(settings.length).toBeGreaterThan(2);
      expect(settings.filter((name) => !named.has(name))).toEqual([]);
    });
  }

  it('holds no secret', () => {
    for (const name of [
      'FATURADOR_MASTER_KEY',
      'FATURADOR_API_KEY',
      'FATURADOR_API_SECRET',
      'SLACK_BOT_TOKEN',
    ]) {
      expect(example).toMatch(new RegExp(`^${name}=$`, 'm'));
    }
  });
});
