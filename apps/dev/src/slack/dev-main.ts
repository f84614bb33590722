import { createLogger } from '@faturador/slack';
import { startDevSlack } from './dev.ts';
import { devFilePath, removeDevFile, writeDevFile } from './dev-file.ts';
import { parseDevEnv, slackDevEnvironment } from './env.ts';

// `pnpm --filter @faturador/dev slack:dev` (and `npm start`, which runs it for the stack): a fake
// Slack server and the bot pointed at it, for local use without a workspace. What the replay
// script needs goes to the dev file; what the worker needs is printed when run by hand.
const env = parseDevEnv();
if (!env.ok) {
  process.stderr.write(`slack dev: ${env.problems.join('; ')}\nSee apps/slack/README.md.\n`);
  process.exit(2);
}
const environment = slackDevEnvironment();
const logger = createLogger(environment.LOG_LEVEL ?? 'info');
const { api } = env.config;
const devFile = devFilePath(environment);
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
  botToken: env.config.botToken,
  signingSecret: env.config.signingSecret,
  redis: env.config.redis,
});
writeDevFile(devFile, {
  SLACK_SIGNING_SECRET: dev.signingSecret,
  SLACK_API_URL: dev.fakeSlack.apiUrl,
  SLACK_REPLAY_URL: dev.botUrl,
  SLACK_REPLAY_TEAM: dev.fakeSlack.teamId,
});
if (!env.config.botToken) {
  // Run by hand: the worker needs this run's throwaway token to deliver to the fake server.
  process.stdout.write(
    [
      'Slack (fake) is running:',
      `  bot endpoint     ${dev.botUrl}`,
      `  fake Slack API   ${dev.fakeSlack.apiUrl}   (records: ${dev.fakeSlack.url}/_fake/messages)`,
      '',
      'Worker (deliveries to this fake Slack):',
      `  SLACK_BOT_TOKEN=${dev.botToken} SLACK_API_URL=${dev.fakeSlack.apiUrl}`,
      'Replay a signed /fatura (the signing secret is read from the dev file):',
      '  npm run slack:replay',
      '',
    ].join('\n'),
  );
}
const stop = async () => {
  removeDevFile(devFile);
  await dev.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
