import { createRedis } from '@faturador/store';
import { freePort, randomPrefix, testRedis, testRedisUrl } from '@faturador/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackApp, type SlackBot } from './app.ts';
import { createRedisSeen } from './dedupe.ts';
import { sendSigned, slashCommandBody } from './slack-requests.ts';
import { CHANNEL, SIGNING_SECRET, type SlackStack, startSlackStack, USER } from './testing/stack.ts';

describe('the Redis memory of handled interactions', () => {
  it('is shared by every process: only the first offer of a key is first', async () => {
    const prefix = randomPrefix();
    const one = createRedisSeen(testRedis(), { prefix });
    const other = createRedisSeen(testRedis(), { prefix });
    expect(await one.first('cmd:T1:111.222.aaa')).toBe(true);
    expect(await other.first('cmd:T1:111.222.aaa')).toBe(false);
    expect(await one.first('cmd:T1:111.222.aaa')).toBe(false);
    expect(await other.first('cmd:T1:333.444.bbb')).toBe(true);
  });

  it('forgets a key after its TTL', async () => {
    const seen = createRedisSeen(testRedis(), { prefix: randomPrefix(), ttlMs: 50 });
    expect(await seen.first('view:T1:V1')).toBe(true);
    expect(await seen.first('view:T1:V1')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await seen.first('view:T1:V1')).toBe(true);
  });

  it('lets the interaction through, and says so, when Redis does not answer', async () => {
    const redis = createRedis(`redis://127.0.0.1:${await freePort()}`, 'request', {
      retryStrategy: () => null,
    });
    const errors: unknown[] = [];
    const seen = createRedisSeen(redis, { prefix: randomPrefix(), onError: (e) => errors.push(e) });
    expect(await seen.first('cmd:T1:555.666.ccc')).toBe(true);
    expect(errors).toHaveLength(1);
    redis.disconnect();
  });
});

describe('two bot processes sharing Redis', () => {
  let stack: SlackStack | undefined;
  let second: SlackBot | undefined;
  afterEach(async () => {
    await second?.stop();
    await stack?.close();
  });

  it('a redelivery that reaches the other process is ignored: one parent, one request', async () => {
    stack = await startSlackStack({ redis: { url: testRedisUrl(), prefix: randomPrefix() } });
    second = createSlackApp(stack.config, { logger: pino({ level: 'silent' }) });
    const { port } = await second.start(0);
    const body = slashCommandBody({
      text: '509999999 10 mensalidade',
      channel: CHANNEL,
      user: USER,
      team: stack.slack.teamId,
      responseUrl: stack.slack.responseUrl('r'),
      triggerId: '7777.8888.cafebabe',
    });
    const send = (url: string, headers: Record<string, string>) =>
      sendSigned(url, body, { signingSecret: SIGNING_SECRET, headers });
    expect((await send(stack.url, {})).status).toBe(200);
    const retry = await send(`http://127.0.0.1:${port}/slack/events`, {
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_timeout',
    });
    expect(retry.status).toBe(200);
    const current = stack;
    await current.slack.waitFor(() => current.billing.requests.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(current.billing.requests).toHaveLength(1);
    expect(current.slack.messages.filter((m) => m.channel === CHANNEL && !m.thread_ts)).toHaveLength(1);
  });
});
