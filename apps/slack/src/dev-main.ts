import { startDevSlack } from './dev.ts';
import { parseDevEnv } from './env.ts';
import { createLogger } from './logger.ts';

// `pnpm --filter @faturador/slack dev`: a fake Slack server and the bot pointed at it, for local
// use without a workspace. Prints what the worker and the replay script need.
const env = parseDevEnv();
if (!env.ok) {
  process.stderr.write(`slack dev: ${env.problems.join('; ')}\nSee apps/slack/README.md.\n`);
  process.exit(2);
}
const logger = createLogger('info');
const { api } = env.config;
const dev = await startDevSlack({
  apiUrl: api.url,
  clientId: api.clientId,
  apiKey: api.apiKey,
  apiSecret: api.apiSecret,
  signed: api.signed,
  port: env.config.port,
  fakeSlackPort: env.config.fakeSlackPort,
  locale: env.config.locale,
  logger,
});
// The token and secret are throwaway values made for this run, shown so they can be pasted.
process.stdout.write(
  [
    'Slack (fake) is running:',
    `  bot endpoint     ${dev.botUrl}`,
    `  fake Slack API   ${dev.fakeSlack.apiUrl}   (records: ${dev.fakeSlack.url}/_fake/messages)`,
    '',
    'Worker (deliveries to this fake Slack):',
    `  SLACK_BOT_TOKEN=${dev.botToken} SLACK_API_URL=${dev.fakeSlack.apiUrl}`,
    'Replay a signed /fatura:',
    `  SLACK_SIGNING_SECRET=${dev.signingSecret} SLACK_API_URL=${dev.fakeSlack.apiUrl} SLACK_REPLAY_URL=${dev.botUrl} pnpm --filter @faturador/slack replay`,
    '',
  ].join('\n'),
);
const stop = async () => {
  await dev.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
