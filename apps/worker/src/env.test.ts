import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.ts';

const base = { FATURADOR_MASTER_KEY: 'a'.repeat(64) };

describe('the worker configuration', () => {
  it('defaults PUBLIC_URL when its Redis is on this machine', () => {
    const parsed = parseEnv({ ...base, REDIS_URL: 'redis://localhost:6379' });
    expect(parsed.ok && parsed.env.PUBLIC_URL).toBe('http://127.0.0.1:8787');
  });

  it('refuses to start without PUBLIC_URL when its Redis is elsewhere: its links would point at 127.0.0.1', () => {
    const parsed = parseEnv({ ...base, REDIS_URL: 'redis://redis.internal:6379' });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.problems).toContain(
        'PUBLIC_URL: is required outside loopback (REDIS_URL on redis.internal)',
      );
  });

  it('takes SMTP_URL only as smtp:// or smtps://, and only with MAIL_FROM', () => {
    const local = { ...base, REDIS_URL: 'redis://localhost:6379' };
    const both = parseEnv({
      ...local,
      SMTP_URL: 'smtps://u:p@mail.acme.pt:465',
      MAIL_FROM: 'Acme <f@acme.pt>',
    });
    expect(both.ok && [both.env.SMTP_URL, both.env.MAIL_FROM]).toEqual([
      'smtps://u:p@mail.acme.pt:465',
      'Acme <f@acme.pt>',
    ]);
    const noFrom = parseEnv({ ...local, SMTP_URL: 'smtp://mail.acme.pt:587' });
    expect(noFrom.ok).toBe(false);
    if (!noFrom.ok) expect(noFrom.problems).toContain('MAIL_FROM: MAIL_FROM is required with SMTP_URL');
    const http = parseEnv({ ...local, SMTP_URL: 'https://u:s3gredo@mail.acme.pt', MAIL_FROM: 'f@acme.pt' });
    expect(http.ok).toBe(false);
    if (!http.ok) {
      expect(http.problems).toContain('SMTP_URL must be smtp:// or smtps://');
      // The URL's password is never echoed in the problems.
      expect(http.problems).not.toContain('s3gredo');
    }
    expect(parseEnv(local).ok).toBe(true);
  });

  it('takes an empty variable for an unset one (SMTP_URL= in a compose file or unit)', () => {
    const parsed = parseEnv({ ...base, REDIS_URL: 'redis://localhost:6379', SMTP_URL: '', MAIL_FROM: '' });
    expect(parsed.ok && parsed.env.SMTP_URL).toBeUndefined();
  });

  it('counts a cluster or Sentinel elsewhere as elsewhere', () => {
    for (const url of [
      'redis-cluster://10.0.0.5:7000,10.0.0.6:7000',
      'redis-sentinel://10.0.0.5:26379/faturador',
    ]) {
      expect(parseEnv({ ...base, REDIS_URL: url }).ok).toBe(false);
      expect(parseEnv({ ...base, REDIS_URL: url, PUBLIC_URL: 'https://faturas.example.pt' }).ok).toBe(true);
    }
  });
});
