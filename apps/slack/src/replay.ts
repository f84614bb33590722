import { parseReplayEnv } from './env.ts';
import { replaySlashCommand } from './replay-lib.ts';

// `pnpm --filter @faturador/slack replay [text…]`: replays a signed /fatura against the running
// bot and prints what the fake Slack server received. Exit code 0 only for an issued document.
const env = parseReplayEnv();
if (!env.ok) {
  process.stderr.write(
    `replay: ${env.problems.join('; ')}\nSee apps/slack/README.md ("Replaying a command").\n`,
  );
  process.exit(2);
}
// pnpm may forward a literal `--` before the arguments.
const args = process.argv.slice(2);
if (args[0] === '--') args.shift();
const text = args.join(' ').trim() || '509999999 10.00 mensalidade TheInventors';
const outcome = await replaySlashCommand({
  ...env.config,
  text,
  log: (line) => process.stdout.write(`${line}\n`),
});

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
if (!outcome.finished) process.stdout.write(`no final result within ${env.config.timeoutMs} ms\n`);
process.stdout.write(
  outcome.documentNumber ? `document number: ${outcome.documentNumber}\n` : 'no document number\n',
);
process.exit(outcome.documentNumber ? 0 : 1);
