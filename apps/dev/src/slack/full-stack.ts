import { buildDeliverers } from '@faturador/worker/deliverers';
import { loadEnv } from '@faturador/worker/env';
import { pino } from 'pino';
import { type Stack, startStack } from '../stack.ts';
import { type DevSlack, startDevSlack } from './dev.ts';

export interface SlackFullStack {
  stack: Stack;
  dev: DevSlack;
  close(): Promise<void>;
}

/**
 * The whole Slack path with nothing faked but Slack itself: the bot (its own client, bound to the
 * fake Slack's workspace) → the real billing API → BullMQ on Redis → the worker with its own
 * deliverers → the Moloni sandbox, results posted to the fake Slack server the bot uses. For the
 * full-stack tests and `bench:slack`.
 */
export async function startSlackFullStack(options: {
  redisUrl: string;
  prefix: string;
  issueAttempts?: number;
}): Promise<SlackFullStack> {
  let dev: DevSlack | undefined;
  const stack: Stack = await startStack({
    redisUrl: options.redisUrl,
    prefix: options.prefix,
    worker: false,
    ...(options.issueAttempts ? { issueAttempts: options.issueAttempts } : {}),
    // Called when the worker starts, below: by then the fake Slack and its token exist.
    deliverers: (runtime) =>
      buildDeliverers(
        loadEnv({
          ...stack.env,
          PUBLIC_URL: stack.url,
          SLACK_BOT_TOKEN: dev?.botToken,
          SLACK_API_URL: dev?.fakeSlack.apiUrl,
          LOG_LEVEL: 'silent',
        }),
        runtime,
      ),
  });
  const started = await startDevSlack({
    apiUrl: stack.url,
    ...stack.slackBot,
    port: 0,
    logger: pino({ level: 'silent' }),
  });
  dev = started;
  await stack.startWorker();
  return {
    stack,
    dev: started,
    async close() {
      await started.close();
      await stack.close();
    },
  };
}
