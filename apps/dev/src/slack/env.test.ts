import { describe, expect, it } from 'vitest';
import { parseReplayEnv } from './env.ts';

describe('parseReplayEnv', () => {
  it('derives the bot URL from PORT and the fake server from SLACK_API_URL', () => {
    expect(
      parseReplayEnv({
        SLACK_SIGNING_SECRET: 's',
        SLACK_API_URL: 'http://127.0.0.1:4001/api/',
        PORT: '3100',
      }),
    ).toMatchObject({
      ok: true,
      config: { botUrl: 'http://127.0.0.1:3100/slack/events', fakeSlackUrl: 'http://127.0.0.1:4001' },
    });
  });
});
