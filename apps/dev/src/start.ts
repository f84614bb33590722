// `npm start`: the whole stack on embedded defaults — a private Redis, the Moloni sandbox, the
// API, the worker and the Slack bot (against a local fake Slack unless SLACK_BOT_TOKEN is given) —
// with a demo API client that reproduces the seed contract's cURL example.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createSecretBox, parseMasterKey } from '@faturador/core';
import { DEFAULT_ACCOUNT, startInvoiceXpressSandbox } from '@faturador/invoicexpress-sandbox';
import { startMailSandbox } from '@faturador/mail-sandbox';
import { DEFAULT_CREDENTIALS, startMoloniSandbox } from '@faturador/moloni-sandbox';
import { assertNoEviction, createRedis } from '@faturador/store';
import { startEmbeddedRedis } from '@faturador/testing';
import type { Redis } from 'ioredis';
import {
  DEMO_CLIENT,
  DEMO_MAIL_FROM,
  type IssuedCredentials,
  IX_DEMO_CLIENT,
  issueSlackBotKey,
  seedDemoAdmin,
  seedDemoClient,
  seedInvoiceXpressClient,
} from './demo.ts';
import { devEnvironment, REPO_ROOT as root, type StackFile, stackFilePath, startConfig } from './env.ts';

const config = startConfig();
const { dataDir } = config;

const stops: Array<() => Promise<void>> = [];

async function stopAll(): Promise<void> {
  for (const stop of stops.reverse()) await stop().catch(() => {});
}

/** A master key generated on first start and kept under .data (never in the repo). */
function localMasterKey(): string {
  if (config.masterKey) return config.masterKey;
  const file = join(dataDir, 'master.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/** How to pass the master key to the CLI without printing it. */
function masterKeyHint(): string {
  if (config.masterKey) return '"$FATURADOR_MASTER_KEY"';
  return `$(cat ${relative(root, join(dataDir, 'master.key')) || '.'})`;
}

function startService(name: string, entry: string, env: Record<string, string>): ChildProcess {
  // `node --import tsx` keeps each service one process: signals reach it directly.
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, entry)], {
    cwd: root,
    env: { ...devEnvironment(), ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${name} exited (${signal ?? code}); stopping the stack.\n`);
      void shutdown(1);
    }
  });
  stops.push(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        // A service that cannot stop in 20 s is killed, so that Ctrl+C always ends the stack.
        const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  );
  return child;
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url)
      .then((response) => response.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** The demo client, and a fresh key for the Slack bot's own client, both on the sandbox. */
async function seedClients(
  redis: Redis,
  prefix: string,
  masterKey: string,
  sandboxUrl: string,
  slackTeamId: string,
): Promise<IssuedCredentials> {
  const deps = { redis, prefix, secretBox: createSecretBox(parseMasterKey(masterKey)) };
  const connectionId = await seedDemoClient(deps, { baseUrl: sandboxUrl, credentials: DEFAULT_CREDENTIALS });
  return issueSlackBotKey(deps, connectionId, slackTeamId);
}

/** The local fake Slack's workspace (apps/slack's dev bot starts it with its default team). */
const FAKE_SLACK_TEAM_ID = 'T0FAKE';

/**
 * The workspace the bot's client may deliver to: the fake Slack's, or the one the real bot token
 * belongs to (Slack's `auth.test`), so the client is bound to exactly that workspace.
 */
async function slackTeamId(): Promise<string> {
  if (!config.slack) return FAKE_SLACK_TEAM_ID;
  const answer = await fetch(`${config.slack.apiUrl}auth.test`, {
    method: 'POST',
    headers: { authorization: `Bearer ${config.slack.botToken}` },
    signal: AbortSignal.timeout(10_000),
  })
    .then((response) => response.json() as Promise<{ ok?: boolean; team_id?: string; error?: string }>)
    .catch((error: unknown) => {
      throw new Error(`Slack could not be reached to check SLACK_BOT_TOKEN (${String(error)})`);
    });
  if (!answer.ok || !answer.team_id) {
    throw new Error(`Slack refused SLACK_BOT_TOKEN (${answer.error ?? 'no team in its answer'})`);
  }
  return answer.team_id;
}

interface SlackSetup {
  /** For the worker: the bot token, and the fake Web API it delivers to. */
  workerEnv: Record<string, string>;
  /** Starts the bot once the API answers; gives what to print about it and how to try it. */
  start(): Promise<{ lines: string[]; tryIt: string[] }>;
}

/**
 * With SLACK_BOT_TOKEN in the environment the bot talks to that real workspace (the rest of its
 * configuration comes from the environment too, see apps/slack/README.md). Otherwise a local fake
 * Slack server stands in, with a throwaway token and signing secret made for this run; the replay
 * script reads them from the dev file, so they are never printed.
 */
function slackSetup(
  apiUrl: string,
  bot: IssuedCredentials,
  shared: { REDIS_URL: string; FATURADOR_PREFIX: string; LOG_LEVEL: string },
): SlackSetup {
  const port = config.slackPort;
  const botUrl = `http://127.0.0.1:${port}/slack/events`;
  const clientEnv = {
    FATURADOR_API_URL: apiUrl,
    FATURADOR_CLIENT_ID: bot.clientId,
    FATURADOR_API_KEY: bot.apiKey,
    FATURADOR_API_SECRET: bot.apiSecret,
    PORT: String(port),
    ...shared,
  };
  if (config.slack) {
    const { socketMode } = config.slack;
    return {
      workerEnv: {},
      async start() {
        startService('slack bot', 'apps/slack/src/main.ts', clientEnv);
        // Over HTTP the bot listens only once Slack accepted its token: the banner waits for that.
        if (!socketMode) await waitForHttp(`http://127.0.0.1:${port}/healthz`, 30_000);
        return {
          lines: [
            socketMode
              ? '  slack bot      Socket Mode   (your workspace: SLACK_BOT_TOKEN and SLACK_APP_TOKEN from the environment)'
              : `  slack bot      ${botUrl}   (your workspace: SLACK_BOT_TOKEN from the environment; Slack must reach this URL)`,
          ],
          tryIt: ['Issue from Slack: type /fatura ajuda in a channel of your workspace.'],
        };
      },
    };
  }
  const fakePort = config.slackFakePort;
  const fakeApiUrl = `http://127.0.0.1:${fakePort}/api/`;
  const botToken = `xoxb-local-${randomBytes(12).toString('hex')}`;
  return {
    workerEnv: { SLACK_BOT_TOKEN: botToken, SLACK_API_URL: fakeApiUrl },
    async start() {
      startService('slack bot', 'apps/dev/src/slack/dev-main.ts', {
        ...clientEnv,
        SLACK_BOT_TOKEN: botToken,
        SLACK_SIGNING_SECRET: randomBytes(16).toString('hex'),
        SLACK_FAKE_PORT: String(fakePort),
        SLACK_DEV_FILE: join(dataDir, 'slack-dev.json'),
      });
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, 30_000);
      return {
        lines: [
          `  slack bot      ${botUrl}   (against a local fake Slack: ${fakeApiUrl}, messages at http://127.0.0.1:${fakePort}/_fake/messages)`,
        ],
        tryIt: [
          'Issue from Slack: replay a signed /fatura to the bot; it prints the thread reply with the number:',
          '  npm run slack:replay',
          '  npm run slack:replay -- - 12,50 almoço iva=13',
        ],
      };
    },
  };
}

/**
 * The seed example as a cURL, with a reference and an Idempotency-Key fixed for this start: run
 * twice as printed, the second call replays the first answer (a new start gets a new reference).
 */
function curlExample(
  apiUrl: string,
  client: { clientId: string; apiKey: string; apiSecret: string } = DEMO_CLIENT,
): string {
  const run = `${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex').toUpperCase()}`;
  const body = JSON.stringify({
    reference: `TI-${run}`,
    customer: {
      name: 'Eduardo Costa',
      email: 'eduardo@example.pt',
      address: 'Rua do Campo Grande 45, Lisboa',
    },
    items: [{ product: 'mensalidade TheInventors', gross_price: 10.0, vat_rate: 23 }],
  });
  return [
    `curl -sS -X POST "${apiUrl}/api/v1/invoices/" \\`,
    '  -H "Content-Type: application/json" \\',
    `  -H "X-Client-Id: ${client.clientId}" \\`,
    `  -H "X-Api-Key: ${client.apiKey}" \\`,
    `  -H "X-Api-Secret: ${client.apiSecret}" \\`,
    `  -H "Idempotency-Key: demo-${run}" \\`,
    `  --data '${body}'`,
  ].join('\n');
}

/** Tells the CLI and the demos where this stack runs (see StackFile); removed on stop. */
function writeStackFile(file: StackFile): void {
  const path = stackFilePath(dataDir);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  stops.push(async () => rmSync(path, { force: true }));
}

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await stopAll();
  process.exit(code);
}

async function main(): Promise<void> {
  const { prefix } = config;
  let redisUrl = config.redisUrl;
  if (!redisUrl) {
    const redis = await startEmbeddedRedis({
      dataDir: join(dataDir, 'redis'),
      port: config.redisPort || undefined,
    });
    stops.push(redis.stop);
    redisUrl = redis.url;
  }
  // One connection for the checks and the seeding (a failure exits the process); the services
  // open their own.
  const setup = createRedis(redisUrl, 'worker');
  const policy = await assertNoEviction(setup);

  // The sandbox keeps its account under the data directory, as Redis keeps the ledger: a restart
  // must not forget documents the ledger points at.
  const sandbox = await startMoloniSandbox({
    port: config.moloniSandboxPort,
    stateFile: join(dataDir, 'moloni-sandbox.json'),
  });
  stops.push(sandbox.close);
  // The second platform: an InvoiceXpress account, kept under the data directory too.
  const ix = await startInvoiceXpressSandbox({
    port: config.invoicexpressSandboxPort,
    stateFile: join(dataDir, 'invoicexpress-sandbox.json'),
  });
  stops.push(ix.close);
  // E-mails go to the local mail sandbox unless a real SMTP server is given.
  const mail = config.smtp
    ? null
    : await startMailSandbox({ smtpPort: config.mailSandboxSmtpPort, httpPort: config.mailSandboxPort });
  if (mail) stops.push(mail.close);
  const smtp = config.smtp ?? { url: mail?.smtpUrl ?? '', from: DEMO_MAIL_FROM };

  const masterKey = localMasterKey();
  const botClient = await seedClients(setup, prefix, masterKey, sandbox.baseUrl, await slackTeamId());
  await seedInvoiceXpressClient(
    { redis: setup, prefix, secretBox: createSecretBox(parseMasterKey(masterKey)) },
    { baseUrlTemplate: ix.baseUrlTemplate, account: DEFAULT_ACCOUNT.name, apiKey: DEFAULT_ACCOUNT.apiKey },
  );
  const demoAdmin = await seedDemoAdmin({ redis: setup, prefix });
  setup.disconnect();

  const { apiPort, logLevel } = config;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const env = {
    REDIS_URL: redisUrl,
    FATURADOR_MASTER_KEY: masterKey,
    FATURADOR_PREFIX: prefix,
    LOG_LEVEL: logLevel,
  };
  const slack = slackSetup(apiUrl, botClient, {
    REDIS_URL: redisUrl,
    FATURADOR_PREFIX: prefix,
    LOG_LEVEL: logLevel,
  });
  const workerMetricsPort = String(config.workerMetricsPort);
  startService('worker', 'apps/worker/src/main.ts', {
    ...env,
    METRICS_PORT: workerMetricsPort,
    ...slack.workerEnv,
    PUBLIC_URL: apiUrl,
    SMTP_URL: smtp.url,
    MAIL_FROM: smtp.from,
  });
  startService('api', 'apps/api/src/main.ts', { ...env, PORT: String(apiPort), PUBLIC_URL: apiUrl });
  await waitForHttp(`${apiUrl}/readyz`, 30_000);
  const bot = await slack.start();
  writeStackFile({
    redis_url: redisUrl,
    prefix,
    api_url: apiUrl,
    master_key_file: config.masterKey ? null : join(dataDir, 'master.key'),
  });

  const lines = [
    '',
    'Faturador is running:',
    `  api            ${apiUrl}   (docs ${apiUrl}/docs, spec ${apiUrl}/openapi.json, metrics ${apiUrl}/metrics)`,
    `  backoffice     ${apiUrl}/admin/   sign in as ${demoAdmin.email} / ${demoAdmin.password} (a new password each start)`,
    `  worker         issue + lifecycle + deliver queues (deliveries to Slack and Airtable), metrics http://127.0.0.1:${workerMetricsPort}/metrics`,
    ...bot.lines,
    `  moloni sandbox ${sandbox.baseUrl}`,
    `  invoicexpress  ${ix.accountUrl(DEFAULT_ACCOUNT.name)} (sandbox account ${DEFAULT_ACCOUNT.name})`,
    mail
      ? `  mail sandbox   ${mail.smtpUrl}, the e-mails it received at ${mail.httpUrl}/_sandbox/messages`
      : `  e-mail         ${config.smtp?.url.replace(/\/\/[^@/]*@/, '//…@')} (from ${smtp.from})`,
    `  redis          ${redisUrl}  (maxmemory-policy ${policy}${config.redisUrl ? '' : ', data in .data/redis'})`,
    `  demo client    ${DEMO_CLIENT.clientId} / ${DEMO_CLIENT.apiKey} (the seed contract's demo credentials, on Moloni)`,
    `  second client  ${IX_DEMO_CLIENT.clientId} / ${IX_DEMO_CLIENT.apiKey} (the same API, on InvoiceXpress)`,
    '',
    'Issue an invoice-receipt (the seed example; run it twice with one Idempotency-Key to see the replay):',
    '',
    curlExample(apiUrl),
    '',
    'The same through InvoiceXpress (the second demo client):',
    '',
    curlExample(apiUrl, IX_DEMO_CLIENT),
    '',
    ...bot.tryIt,
    '',
    'Issue from Airtable: a fake Airtable base, a record trigger and the write-back, through this stack:',
    '  npm run demo:airtable',
    '',
    'Operate it with the CLI, in another terminal (it finds this stack by itself):',
    '  npm run cli -- doctor',
    '  npm run cli -- clients list',
    `  (elsewhere: REDIS_URL=${redisUrl} FATURADOR_MASTER_KEY=${masterKeyHint()}${config.prefixGiven ? ` FATURADOR_PREFIX='${prefix}'` : ''})`,
    '',
    'Press Ctrl+C to stop.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
}

main().catch(async (error: unknown) => {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await shutdown(1);
});
