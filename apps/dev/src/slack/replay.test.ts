import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FAKE_CLIENT, type FakeBilling, ledgerEntryFor, startFakeBilling } from '@faturador/slack/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type DevSlack, startDevSlack } from './dev.ts';
import { replaySlashCommand } from './replay-lib.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..', '..', '..');

let dev: DevSlack | undefined;
let billing: FakeBilling | undefined;
afterEach(async () => {
  await dev?.close();
  await billing?.close();
});

/** The dev Slack stack (fake Slack + bot) against a billing API whose "worker" delivers through it. */
async function start(): Promise<DevSlack> {
  billing = await startFakeBilling();
  const started = await startDevSlack({
    apiUrl: billing.url,
    ...FAKE_CLIENT,
    port: 0,
    logger: pino({ level: 'silent' }),
  });
  billing.onAccepted((accepted) => started.deliver(ledgerEntryFor(accepted, { state: 'issued' })));
  dev = started;
  return started;
}

describe('replaying a signed slash command', () => {
  it('ends with the document number in the thread of the fake Slack server', async () => {
    const slack = await start();
    const outcome = await replaySlashCommand({
      signingSecret: slack.signingSecret,
      botUrl: slack.botUrl,
      fakeSlackUrl: slack.fakeSlack.url,
      channel: 'C0REPLAY01',
      user: 'U0REPLAY01',
      team: slack.fakeSlack.teamId,
      timeoutMs: 5_000,
      pollMs: 20,
      text: '509999999 10.00 mensalidade TheInventors',
    });
    expect(outcome).toMatchObject({
      status: 200,
      previewed: true,
      finished: true,
      documentNumber: 'FR M/77',
    });
    expect(outcome.ack).toContain('Confirme a fatura: 10,00');
    expect(outcome.parent?.text).toMatch(/^✅ FR M\/77 emitida/);
    expect(billing?.requests[0]?.body.origin).toMatchObject({
      channel: 'C0REPLAY01',
      message_ts: outcome.parent?.ts,
    });
  });

  it('the script prints what the fake Slack server received and exits 0', async () => {
    const slack = await start();
    const { stdout } = await run(
      join(root, 'node_modules', '.bin', 'tsx'),
      ['apps/dev/src/slack/replay.ts', '-', '12,50', 'almoço'],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          SLACK_SIGNING_SECRET: slack.signingSecret,
          SLACK_API_URL: slack.fakeSlack.apiUrl,
          SLACK_REPLAY_URL: slack.botUrl,
          SLACK_REPLAY_TEAM: slack.fakeSlack.teamId,
          SLACK_REPLAY_TIMEOUT_MS: '10000',
        },
      },
    );
    expect(stdout).toContain('bot answered HTTP 200');
    expect(stdout).toContain('thread reply');
    expect(stdout).toContain('document number: FR M/77');
  });
});
