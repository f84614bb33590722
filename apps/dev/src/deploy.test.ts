import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv as parseApiEnv } from '@faturador/api/env';
import { parseEnv as parseSlackEnv } from '@faturador/slack';
import { parseEnv as parseWorkerEnv } from '@faturador/worker/env';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * deploy/docker-compose.yml is an example people copy: each process's environment must be one it
 * starts with (parsed by the process's own env.ts), and Redis must keep what it is given.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const compose = parse(readFileSync(join(ROOT, 'deploy', 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { command?: string[]; environment?: Record<string, string> }>;
};

/** `${NAME:?…}` / `${NAME:-default}` as an operator's deploy/.env would fill them. */
function filled(environment: Record<string, string> = {}): Record<string, string> {
  const values: Record<string, string> = {
    FATURADOR_MASTER_KEY: 'a'.repeat(64),
    PUBLIC_URL: 'https://faturas.example.pt',
    SLACK_BOT_TOKEN: 'xoxb-1-2-3',
    SLACK_SIGNING_SECRET: 'signing-secret',
    SLACK_BOT_API_KEY: 'ak_0123456789abcdef',
    SLACK_BOT_API_SECRET: 'as_0123456789abcdef0123456789abcdef',
  };
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [
      name,
      String(value).replace(
        /\$\{(\w+)(?::[?-]([^}]*))?\}/g,
        (_, variable: string, fallback = '') =>
          values[variable] ??
          (String(fallback).startsWith('the ') || String(fallback).startsWith('set ') ? '' : fallback),
      ),
    ]),
  );
}

describe('deploy/docker-compose.yml', () => {
  it('runs Redis with AOF and noeviction, which the API and the worker require', () => {
    const command = compose.services.redis?.command?.join(' ') ?? '';
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
  });

  it('starts each process from a file that exists', () => {
    for (const name of ['api', 'worker', 'slack']) {
      const main = compose.services[name]?.command?.at(-1) ?? '';
      expect(existsSync(join(ROOT, main)), `${name}: ${main}`).toBe(true);
    }
  });

  it("gives the API, the worker and the Slack bot an environment each one's own env.ts accepts", () => {
    const api = parseApiEnv(filled(compose.services.api?.environment));
    expect(api.ok ? api.env.PUBLIC_URL : api.problems).toBe('https://faturas.example.pt');
    const worker = parseWorkerEnv(filled(compose.services.worker?.environment));
    expect(worker.ok ? worker.env.REDIS_URL : worker.problems).toBe('redis://redis:6379');
    const slack = parseSlackEnv(filled(compose.services.slack?.environment));
    expect(slack.ok ? slack.config.api.url : slack.problems).toBe('http://api:8787');
  });

  it('without PUBLIC_URL the API and the worker would refuse to start (outside loopback)', () => {
    const { PUBLIC_URL: _api, ...api } = filled(compose.services.api?.environment);
    const { PUBLIC_URL: _worker, ...worker } = filled(compose.services.worker?.environment);
    expect(parseApiEnv(api).ok).toBe(false);
    expect(parseWorkerEnv(worker).ok).toBe(false);
  });
});
