import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@faturador/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CLIENT } from './demo.ts';

const run = promisify(execFile);

/** Whether something accepts TCP connections on this loopback port. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
const root = join(import.meta.dirname, '..', '..', '..');

// `npm start` as a user runs it (minus the install step): its own processes for the API, the
// worker and the Slack bot, on free ports, with its own embedded Redis in a throwaway data directory,
// in a process group of its own, as a terminal runs it.
let stack: ChildProcess;
let output = '';
let dataDir: string;
let apiPort: number;
let env: Record<string, string | undefined>;
/** The first document the printed cURL issued. */
let firstAnswer:
  | { request_id: string; document: { moloni_document_id: number; pdf_url: string; number: string } }
  | undefined;

/** Runs `npm start` (as `start.ts`) with `env`, resolved once it says the stack runs. */
async function startStack(): Promise<void> {
  output = '';
  stack = spawn(process.execPath, ['--import', 'tsx', 'apps/dev/src/start.ts'], {
    cwd: root,
    env,
    detached: true,
  });
  stack.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  stack.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('Press Ctrl+C to stop.')) {
        clearInterval(timer);
        resolve();
      } else if (stack.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`npm start exited with ${stack.exitCode}:\n${output}`));
      }
    }, 50);
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'faturador-start-'));
  apiPort = await freePort();
  env = {
    ...process.env,
    REDIS_PORT: String(await freePort()),
    // No FATURADOR_MASTER_KEY: npm start keeps its own under the data directory, as for a user.
    FATURADOR_DATA_DIR: dataDir,
    PORT: String(apiPort),
    MOLONI_SANDBOX_PORT: String(await freePort()),
    INVOICEXPRESS_SANDBOX_PORT: String(await freePort()),
    MAIL_SANDBOX_SMTP_PORT: String(await freePort()),
    MAIL_SANDBOX_PORT: String(await freePort()),
    SLACK_PORT: String(await freePort()),
    SLACK_FAKE_PORT: String(await freePort()),
    LOG_LEVEL: 'error',
  };
  delete env.SLACK_BOT_TOKEN;
  delete env.REDIS_URL;
  delete env.FATURADOR_MASTER_KEY;
  await startStack();
}, 90_000);

afterAll(async () => {
  if (stack.exitCode === null && stack.pid) {
    // Ctrl+C as a user would: the stack stops its services and its own Redis (a SIGKILL would
    // leave that Redis running, in a process group of its own).
    const exited = new Promise((resolve) => stack.once('exit', resolve));
    process.kill(-stack.pid, 'SIGINT');
    const late = await Promise.race([
      exited.then(() => false),
      new Promise((r) => setTimeout(() => r(true), 15_000)),
    ]);
    if (late) process.kill(-stack.pid, 'SIGKILL');
  }
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

describe('npm start', () => {
  it('prints the backoffice URL and a demo admin that signs in', async () => {
    const [, url, email, password] = /backoffice\s+(\S+)\s+sign in as (\S+) \/ (\S+)/.exec(output) ?? [];
    expect(url).toMatch(/\/admin\/$/);
    const form = await fetch(`${url}sign-in`);
    const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const signIn = await fetch(`${url}sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        _csrf: token,
        email: email ?? '',
        password: password ?? '',
        next: '/admin/',
      }),
    });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('set-cookie')).toMatch(/fat_admin=.*HttpOnly.*SameSite=Strict/i);
  });

  it('prints a cURL that issues the document as printed', async () => {
    const curl = /^curl [\s\S]*?--data '.*'$/m.exec(output)?.[0];
    expect(curl).toBeDefined();
    const { stdout } = await run('sh', ['-c', curl ?? 'false']);
    const answer = JSON.parse(stdout) as typeof firstAnswer;
    expect(answer).toMatchObject({
      success: true,
      document: { number: expect.stringMatching(/^FR M\/\d+$/) },
    });
    firstAnswer = answer;
    // Run again exactly as printed: the same key and body replay the same answer.
    const again = JSON.parse((await run('sh', ['-c', curl ?? 'false'])).stdout) as typeof firstAnswer;
    // The same request and document; only the PDF link is signed afresh for each answer.
    const withoutLink = (body: typeof firstAnswer) => ({
      ...body,
      document: { ...body?.document, pdf_url: body?.document.pdf_url.split('?')[0] },
    });
    expect(withoutLink(again)).toEqual(withoutLink(answer));
  });

  it('prints a second cURL, for the demo client on InvoiceXpress, that issues there', async () => {
    const curls = output.match(/^curl [\s\S]*?--data '.*'$/gm) ?? [];
    expect(curls).toHaveLength(2);
    expect(curls[1]).toContain('invoicexpress_ops');
    const answer = JSON.parse((await run('sh', ['-c', curls[1] ?? 'false'])).stdout) as typeof firstAnswer;
    expect(answer).toMatchObject({
      success: true,
      document: { number: expect.stringMatching(/^FR \S+\/\d+$/) },
    });
    expect(answer?.document.number).not.toMatch(/^FR M\//);
    const pdf = await fetch(answer?.document.pdf_url ?? '');
    expect(pdf.status).toBe(200);
  });

  it('e-mails the document to the mail sandbox it prints, with the PDF attached', async () => {
    const messagesUrl = /mail sandbox .* at (\S+\/_sandbox\/messages)/.exec(output)?.[1] ?? '';
    expect(messagesUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_sandbox\/messages$/);
    const answer = await fetch(
      `http://127.0.0.1:${apiPort}/api/v1/invoices/${firstAnswer?.request_id}/email`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-client-id': DEMO_CLIENT.clientId,
          'x-api-key': DEMO_CLIENT.apiKey,
          'x-api-secret': DEMO_CLIENT.apiSecret,
          'idempotency-key': 'start-test-email-0001',
        },
        body: '{}',
      },
    );
    expect(answer.status).toBe(202);
    const { action_id: actionId } = (await answer.json()) as { action_id: string };
    type Mail = { messageId: string; attachments: Array<{ contentType: string }> };
    let mail: Mail | undefined;
    for (let i = 0; i < 200 && !mail; i++) {
      const { messages } = (await (await fetch(messagesUrl)).json()) as {
        messages: Mail[];
      };
      mail = messages.find((m) => m.messageId === `<${actionId}@faturador>`);
      if (!mail) await new Promise((r) => setTimeout(r, 50));
    }
    expect(mail?.attachments.map((a) => a.contentType)).toEqual(['application/pdf']);
  }, 30_000);

  it('lets the CLI find the running stack with no variable set', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'apps/cli/src/main.ts', 'clients', 'list'],
      {
        cwd: root,
        env: { PATH: process.env.PATH, FATURADOR_DATA_DIR: dataDir },
      },
    );
    expect(stdout).toMatch(/airtable_ops_prod +active/);
    expect(stdout).toMatch(/slack_bot +active .*caller \+ Slack T0FAKE/);
  }, 60_000);

  it('runs the Slack bot: the replay script gets the document number in the fake thread', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'apps/dev/src/slack/replay.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, SLACK_DEV_FILE: join(dataDir, 'slack-dev.json') },
    });
    expect(stdout).toContain('bot answered HTTP 200');
    expect(stdout).toMatch(/thread reply: [^\n]*\n[^\n]*\n\s*"text": "[^"]*Fatura emitida: FR M\/\d+/);
    expect(stdout).toMatch(/^document number: FR M\/\d+$/m);
  }, 60_000);

  it('stops every service and its Redis on Ctrl+C (SIGINT to the whole group), and removes the dev file', async () => {
    const redisPort = Number(/redis:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]);
    expect(await answers(redisPort)).toBe(true);
    const exited = new Promise<number | null>((resolve) => stack.once('exit', (code) => resolve(code)));
    process.kill(-(stack.pid ?? 0), 'SIGINT');
    // Not a speed check: a shutdown stuck on a Redis that died first took the services' 10 s caps.
    const stuck = new Promise<'stuck'>((resolve) => setTimeout(() => resolve('stuck'), 8_000).unref());
    expect(await Promise.race([exited, stuck])).toBe(0);
    expect(existsSync(join(dataDir, 'slack-dev.json'))).toBe(false);
    expect(await answers(apiPort)).toBe(false);
    expect(await answers(redisPort)).toBe(false);
    // Nothing of the stack is left running in its process group (esbuild helpers of the tsx
    // loader go a moment after their node process).
    const groupAlive = () => {
      try {
        process.kill(-(stack.pid ?? 0), 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 100 && groupAlive(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(groupAlive()).toBe(false);
  }, 60_000);

  it('keeps its Moloni on a restart: the old PDF link still downloads, through the same connection', async () => {
    expect(existsSync(join(dataDir, 'moloni-sandbox.json'))).toBe(true);
    await startStack();
    const link = firstAnswer?.document.pdf_url;
    expect(link).toBeDefined();
    // The ledger's entry names the demo connection of the first start: had it been recreated (or
    // the sandbox forgotten its documents), this link would fail.
    const pdf = await fetch(link ?? '');
    expect(pdf.status).toBe(200);
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    // A forgetful sandbox would number the next document FR M/1 again.
    const curl = /^curl [\s\S]*?--data '.*'$/m.exec(output)?.[0];
    const { stdout } = await run('sh', ['-c', curl ?? 'false']);
    const next = Number(/^FR M\/(\d+)$/.exec(JSON.parse(stdout).document?.number ?? '')?.[1]);
    expect(next).toBeGreaterThan(Number(firstAnswer?.document.number.split('/')[1]));
  }, 90_000);
});
