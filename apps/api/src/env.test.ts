import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.ts';

const base = { REDIS_URL: 'redis://127.0.0.1:6379', FATURADOR_MASTER_KEY: 'a'.repeat(64) };

describe('the API configuration', () => {
  it('defaults PUBLIC_URL to the loopback address on one machine', () => {
    const parsed = parseEnv(base);
    expect(parsed.ok && parsed.env.PUBLIC_URL).toBe('http://127.0.0.1:8787');
  });

  it('refuses to start outside loopback without PUBLIC_URL, naming it', () => {
    const parsed = parseEnv({ ...base, HOST: '0.0.0.0' });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.problems).toMatch(/^ {2}PUBLIC_URL: is required outside loopback \(HOST=0\.0\.0\.0\)/);
    const given = parseEnv({ ...base, HOST: '0.0.0.0', PUBLIC_URL: 'https://faturas.example.pt' });
    expect(given.ok && given.env.PUBLIC_URL).toBe('https://faturas.example.pt');
  });
});
