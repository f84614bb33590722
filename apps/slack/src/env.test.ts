import { describe, expect, it } from 'vitest';
import { parseBindEnv, parseEnv } from './env.ts';

const base = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_SIGNING_SECRET: 'secret',
  FATURADOR_API_URL: 'http://127.0.0.1:8080',
  FATURADOR_CLIENT_ID: 'slack_bot',
  FATURADOR_API_KEY: 'ak_1',
  FATURADOR_API_SECRET: 'as_very_secret',
};

describe('parseEnv', () => {
  it('reads a complete HTTP-mode configuration with defaults', () => {
    const result = parseEnv({
      ...base,
      SLACK_ALLOWED_CHANNELS: 'C1AAA, C2BBB,',
      SLACK_API_URL: 'http://127.0.0.1:9/api',
    });
    expect(result).toMatchObject({
      ok: true,
      config: {
        socketMode: false,
        slackApiUrl: 'http://127.0.0.1:9/api/',
        allowedChannels: ['C1AAA', 'C2BBB'],
        allowedUsers: [],
        locale: 'pt',
        port: 3000,
        api: { signed: false },
      },
    });
  });

  it('names every problem without echoing secret values', () => {
    const result = parseEnv({
      ...base,
      SLACK_BOT_TOKEN: 'xoxp-user-token',
      FATURADOR_API_URL: 'nope',
      SLACK_LOCALE: 'fr',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.join('\n')).toMatch(/SLACK_BOT_TOKEN/);
    expect(result.problems.join('\n')).toMatch(/FATURADOR_API_URL/);
    expect(result.problems.join('\n')).toMatch(/SLACK_LOCALE/);
    expect(result.problems.join('\n')).not.toContain('xoxp-user-token');
  });

  it('needs the signing secret in HTTP mode and the app token in Socket Mode', () => {
    const { SLACK_SIGNING_SECRET: _secret, ...noSecret } = base;
    expect(parseEnv(noSecret)).toMatchObject({
      ok: false,
      problems: [expect.stringContaining('SLACK_SIGNING_SECRET')],
    });
    expect(parseEnv({ ...noSecret, SLACK_SOCKET_MODE: '1' })).toMatchObject({
      ok: false,
      problems: [expect.stringContaining('SLACK_APP_TOKEN')],
    });
    expect(parseEnv({ ...noSecret, SLACK_SOCKET_MODE: '1', SLACK_APP_TOKEN: 'xapp-1-A-1-x' })).toMatchObject({
      ok: true,
      config: { socketMode: true },
    });
  });

  it('shows the /fatura preview unless SLACK_PREVIEW is 0 or off', () => {
    const preview = (value: string | undefined) => {
      const result = parseEnv({ ...base, SLACK_PREVIEW: value });
      return result.ok ? result.config.preview : result.problems;
    };
    expect(preview(undefined)).toBe(true);
    expect(preview('')).toBe(true);
    expect(preview('1')).toBe(true);
    expect(preview('0')).toBe(false);
    expect(preview('OFF')).toBe(false);
    expect(preview('maybe')).toEqual([expect.stringContaining('SLACK_PREVIEW')]);
  });
});

describe('parseEnv: OAuth mode', () => {
  const oauth = {
    SLACK_SIGNING_SECRET: 'secret',
    FATURADOR_API_URL: 'http://127.0.0.1:8080',
    SLACK_CLIENT_ID: '111.222',
    SLACK_CLIENT_SECRET: 'client-secret',
    SLACK_STATE_SECRET: 'a-state-secret-of-some-length',
    REDIS_URL: 'redis://127.0.0.1:6379',
    FATURADOR_MASTER_KEY: 'ab'.repeat(32),
  };

  it('needs no bot token nor bot client, and carries the app credentials', () => {
    expect(parseEnv(oauth)).toMatchObject({
      ok: true,
      config: {
        botToken: '',
        oauth: { clientId: '111.222', clientSecret: 'client-secret', stateSecret: oauth.SLACK_STATE_SECRET },
        redis: { url: oauth.REDIS_URL },
      },
    });
    const single = parseEnv(base);
    expect(single.ok && 'oauth' in single.config).toBe(false);
  });

  it('wants all three app variables, Redis, the master key and HTTP mode', () => {
    const { SLACK_STATE_SECRET: _state, REDIS_URL: _redis, ...partial } = oauth;
    const result = parseEnv({
      ...partial,
      FATURADOR_MASTER_KEY: 'short',
      SLACK_SOCKET_MODE: '1',
      SLACK_APP_TOKEN: 'xapp-1',
    });
    expect(result.ok).toBe(false);
    const problems = result.ok ? '' : result.problems.join('\n');
    for (const name of ['SLACK_STATE_SECRET', 'REDIS_URL', 'FATURADOR_MASTER_KEY', 'SLACK_SOCKET_MODE']) {
      expect(problems).toContain(name);
    }
    expect(problems).not.toContain('client-secret');
  });

  it('still wants the bot token and client without the app variables', () => {
    const { SLACK_BOT_TOKEN: _token, FATURADOR_API_SECRET: _secret, ...rest } = base;
    const result = parseEnv(rest);
    expect(result).toMatchObject({
      ok: false,
      problems: ['SLACK_BOT_TOKEN is required', 'FATURADOR_API_SECRET is required'],
    });
  });
});

describe('parseBindEnv', () => {
  it('reads Redis, the master key and the client credentials', () => {
    const key = 'cd'.repeat(32);
    expect(
      parseBindEnv({
        REDIS_URL: 'redis://127.0.0.1:6379',
        FATURADOR_MASTER_KEY: key,
        FATURADOR_API_KEY: 'ak_1',
      }),
    ).toEqual({
      ok: true,
      config: {
        redisUrl: 'redis://127.0.0.1:6379',
        prefix: '{fat}',
        masterKey: key,
        credentials: { apiKey: 'ak_1', apiSecret: undefined },
      },
    });
    expect(parseBindEnv({ REDIS_URL: 'redis://x', FATURADOR_MASTER_KEY: 'nope' })).toMatchObject({
      ok: false,
      problems: [expect.stringContaining('FATURADOR_MASTER_KEY')],
    });
  });
});
