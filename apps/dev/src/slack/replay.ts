import { devFilePath, readDevFile } from './dev-file.ts';
import { parseReplayEnv, slackDevEnvironment } from './env.ts';
import { replaySlashCommand } from './replay-lib.ts';

// `npm run slack:replay [text…]`: replays a signed /fatura against the running
// bot and prints what the fake Slack server received. Exit code 0 only for an issued document.
// With `npm start` running it needs no variables: it reads the dev file the stack leaves.
function fail(message: string): never {
  process.stderr.write(`replay: ${message}\nSee apps/slack/README.md ("Replaying a command").\n`);
  process.exit(2);
}

const environment = slackDevEnvironment();
let source: Record<string, string | undefined> = environment;
if (!environment.SLACK_SIGNING_SECRET) {
  const path = devFilePath(environment);
  let file: ReturnType<typeof readDevFile> = null;
  try {
    file = readDevFile(path);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (!file) fail(`no SLACK_SIGNING_SECRET and no ${path}: start the stack first (npm start)`);
  source = { ...file, ...environment };
}
const env = parseReplayEnv(source);
if (!env.ok) fail(env.problems.join('; '));
const { config } = env;

// pnpm may forward a literal `--` before the arguments.
const args = process.argv.slice(2);
if (args[0] === '--') args.shift();
const text = args.join(' ').trim() || '509999999 10.00 mensalidade TheInventors';
const outcome = await replaySlashCommand({
  ...config,
  text,
  log: (line) => process.stdout.write(`${line}\n`),
}).catch((error: unknown) =>
  fail(
    `could not reach the bot or the fake Slack server (${error instanceof Error ? error.message : String(error)}); is the stack running?`,
  ),
);

const print = (label: string, value: unknown) =>
  process.stdout.write(`${label}: ${JSON.stringify(value, null, 2)}\n`);
if (outcome.parent)
  print('parent message', {
    ts: outcome.parent.ts,
    text: outcome.parent.text,
    edits: outcome.parent.history.length,
  });
for (const reply of outcome.replies)
  print('thread reply', { ts: reply.ts, text: reply.text, blocks: reply.blocks });
for (const response of outcome.responses) print('response_url', response);
if (!outcome.finished) process.stdout.write(`no final result within ${config.timeoutMs} ms\n`);
process.stdout.write(
  outcome.documentNumber ? `document number: ${outcome.documentNumber}\n` : 'no document number\n',
);
process.exit(outcome.documentNumber ? 0 : 1);
