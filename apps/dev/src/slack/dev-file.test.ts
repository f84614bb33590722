import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEV_FILE, devFilePath, readDevFile, removeDevFile, writeDevFile } from './dev-file.ts';

const values = {
  SLACK_SIGNING_SECRET: 'f00dfeed',
  SLACK_API_URL: 'http://127.0.0.1:3999/api/',
  SLACK_REPLAY_URL: 'http://127.0.0.1:3000/slack/events',
  SLACK_REPLAY_TEAM: 'T0FAKE',
};

describe('the dev file', () => {
  it('is where npm start leaves it: SLACK_DEV_FILE, else in FATURADOR_DATA_DIR, else .data/', () => {
    expect(devFilePath({ SLACK_DEV_FILE: '/x/y.json', FATURADOR_DATA_DIR: '/d' })).toBe('/x/y.json');
    expect(devFilePath({ FATURADOR_DATA_DIR: '/d' })).toBe(join('/d', 'slack-dev.json'));
    expect(devFilePath({})).toBe(DEFAULT_DEV_FILE);
    expect(DEFAULT_DEV_FILE.endsWith(join('.data', 'slack-dev.json'))).toBe(true);
  });

  it('round-trips, readable by its owner only, and is gone once removed', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'slack-dev-')), 'nested', 'slack-dev.json');
    writeDevFile(path, values);
    expect(readDevFile(path)).toEqual(values);
    expect(statSync(path).mode & 0o077).toBe(0);
    removeDevFile(path);
    expect(readDevFile(path)).toBeNull();
  });

  it('refuses a file that is not JSON or misses a value, without echoing it', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'slack-dev-')), 'slack-dev.json');
    writeFileSync(path, 'SLACK_SIGNING_SECRET=f00dfeed');
    expect(() => readDevFile(path)).toThrow(/is not JSON/);
    writeFileSync(path, JSON.stringify({ ...values, SLACK_REPLAY_URL: undefined }));
    expect(() => readDevFile(path)).toThrow(/is incomplete/);
    expect(() => readDevFile(path)).not.toThrow(/f00dfeed/);
  });
});
