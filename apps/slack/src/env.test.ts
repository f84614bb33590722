import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.ts';

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
