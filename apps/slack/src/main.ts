import { createSlackApp } from './app.ts';
import { parseEnv } from './env.ts';
import { createLogger } from './logger.ts';

const env = parseEnv();
if (!env.ok) {
  process.stderr.write(
    `Faturador Slack bot: the configuration is invalid:\n  ${env.problems.join('\n  ')}\nSee apps/slack/README.md.\n`,
  );
  process.exit(1);
}

const logger = createLogger(env.config.logLevel);
const bot = createSlackApp(env.config, { logger });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping the Slack bot');
  // Bolt's receiver stops accepting; listeners already running finish on their own (they ack first).
  await bot.stop().catch((error: unknown) => logger.warn({ err: String(error) }, 'stop failed'));
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  await bot.start();
} catch (error) {
  // Typically auth.test refusing the bot token (invalid_auth) or the port being taken.
  logger.fatal(
    { err: error instanceof Error ? error.message : String(error) },
    'the Slack bot could not start',
  );
  process.exit(1);
}
