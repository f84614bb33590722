// @vitest-environment node
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'faturador-airtable-bundle-'));
let bundle = '';

// Secrets a careless build could pick up from the machine it runs on.
const MASTER_KEY = 'a3f1c2e4b5d6978812345678901234567890abcdefabcdefabcdefabcdef1234';
const MOLONI_SECRET = 'moloni-client-secret-should-never-ship';

beforeAll(() => {
  const outfile = join(dir, 'bundle.js');
  execFileSync(process.execPath, ['build.mjs', outfile], {
    cwd: root,
    env: { ...process.env, FATURADOR_MASTER_KEY: MASTER_KEY, MOLONI_CLIENT_SECRET: MOLONI_SECRET },
  });
  bundle = readFileSync(outfile, 'utf8');
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the extension bundle', () => {
  it('holds no secret: no master key, no Moloni or Airtable credentials, no API key', () => {
    expect(bundle.length).toBeGreaterThan(10_000);
    expect(bundle.includes(MASTER_KEY)).toBe(false);
    expect(bundle.includes(MOLONI_SECRET)).toBe(false);
    expect(
      bundle.match(/FATURADOR_[A-Z_]+|MOLONI_(CLIENT|PASS|SECRET|USER|EMAIL)[A-Z_]*|REDIS_URL/),
    ).toBeNull();
    expect(bundle.match(/api\.moloni\.pt|client_secret/)).toBeNull();
    // Personal access tokens, API key ids and secrets of the billing API.
    expect(bundle.match(/pat[A-Za-z0-9]{14}\.[0-9a-f]{64}/)).toBeNull();
    expect(bundle.match(/\bak_[A-Za-z0-9_]{16,}/)).toBeNull();
    expect(bundle.match(/\bas_[A-Za-z0-9_]{32,}/)).toBeNull();
  });

  it("contains none of the server code, and calls only the record trigger, the actions after issuing and its base's settings", () => {
    expect(
      bundle.match(/ioredis|aes-256-gcm|createSecretBox|undici|require\(["']node:|@faturador\//),
    ).toBeNull();
    expect(bundle.includes('/api/v1/record-triggers/airtable')).toBe(true);
    expect(
      bundle
        .match(/\/api\/v1\/[a-z-]+/g)
        ?.every((path) => ['/api/v1/record-triggers', '/api/v1/invoices', '/api/v1/airtable'].includes(path)),
    ).toBe(true);
    // Credit notes and receipts only: the extension never issues through the billing API.
    expect(bundle.includes('credit-notes')).toBe(true);
    expect(bundle.match(/\/api\/v1\/invoices\/?["'`]/)).toBeNull();
    // The trigger key is read from globalConfig at run time: only its header names are in the code.
    expect(bundle.includes('X-Api-Secret')).toBe(true);
  });
});
