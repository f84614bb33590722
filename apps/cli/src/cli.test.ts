import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecretBox } from '@faturador/core';
import { startMoloniSandbox } from '@faturador/moloni-sandbox';
import { createAuthenticator, createLedger } from '@faturador/store';
import { randomPrefix, testRedis, testRedisUrl } from '@faturador/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from './cli.ts';
import { createCliDeps } from './context.ts';

function setup() {
  const redis = testRedis();
  const prefix = randomPrefix();
  const secretBox = createSecretBox(randomBytes(32));
  const deps = createCliDeps({ redis, prefix, secretBox, redisUrl: testRedisUrl() });
  const run = (line: string) => runCli(deps, line.split(' ').filter(Boolean));
  return { redis, prefix, secretBox, deps, run };
}

async function ok(result: Promise<{ exitCode: number; stdout: string; stderr: string }>): Promise<string> {
  const { exitCode, stdout, stderr } = await result;
  expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: '' });
  return stdout;
}

function secretIn(stdout: string): string {
  const secret = /X-Api-Secret: (as_\S+)/.exec(stdout)?.[1];
  expect(secret).toBeDefined();
  return secret ?? '';
}

function plainRequest(clientId: string, keyId: string, secret: string, clientIp = '203.0.113.7') {
  const headers: Record<string, string> = {
    'x-client-id': clientId,
    'x-api-key': keyId,
    'x-api-secret': secret,
  };
  return {
    method: 'POST',
    path: '/api/v1/invoices/',
    headers: (n: string) => headers[n],
    rawBody: '{}',
    clientIp,
  };
}

describe('faturador CLI', () => {
  it('prints help without touching Redis', async () => {
    const { stdout, exitCode } = await runCli(setup().deps, ['--help']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('faturador keys create <client_id>');
  });

  it('adds sandbox and real connections and never lists their secrets', async () => {
    const { run, deps } = setup();
    expect(await ok(run('connections add --name Sandbox --sandbox'))).toMatch(
      /Added Moloni connection con_[0-9a-f]{16} \(sandbox, http:\/\/127\.0\.0\.1:8765\/v1\/\)/,
    );
    await ok(
      run(
        'connections add --name Real --client-id ti --client-secret cs-TOPSECRET --username u@x.pt --password pw-TOPSECRET --company-id 5',
      ),
    );
    const list = await ok(run('connections list'));
    expect(list).toContain('https://api.moloni.pt/v1/');
    expect(await ok(run('connections list --json'))).not.toMatch(/TOPSECRET|sandbox-secret|sandbox-password/);
    expect(list).not.toMatch(/TOPSECRET|sandbox-secret|sandbox-password/);
    const real = (await deps.connections.listConnections()).find((c) => c.kind === 'moloni');
    expect(await deps.connections.getConnection(real?.connection_id ?? '')).toMatchObject({
      password: 'pw-TOPSECRET',
      company_id: 5,
    });
  });

  it('reads real credentials from a file, and refuses incomplete ones', async () => {
    const { run, deps } = setup();
    const dir = mkdtempSync(join(tmpdir(), 'faturador-cli-'));
    const file = join(dir, 'moloni.json');
    writeFileSync(
      file,
      JSON.stringify({ client_id: 'ti', client_secret: 'cs', username: 'u', password: 'pw-FILE' }),
    );
    await ok(run(`connections add --name FromFile --credentials-file ${file}`));
    const [connection] = await deps.connections.listConnections();
    expect((await deps.connections.getConnection(connection?.connection_id ?? ''))?.password).toBe('pw-FILE');

    const missing = await run('connections add --name Real --client-id ti');
    expect([missing.exitCode, missing.stderr]).toEqual([
      2,
      expect.stringContaining('--client-secret is required'),
    ]);
    const badFile = await run(`connections add --name X --credentials-file ${join(dir, 'nope.json')}`);
    expect(badFile.exitCode).toBe(2);
  });

  it('checks a connection: a draft inserted in Moloni, reported on, and deleted', async () => {
    const { run, deps } = setup();
    const moloni = await startMoloniSandbox();
    onTestFinished(() => moloni.close());
    await ok(run(`connections add --name Sandbox --sandbox --base-url ${moloni.baseUrl}`));
    const [connection] = await deps.connections.listConnections();
    const out = await ok(run(`connections check ${connection?.connection_id}`));
    expect(out).toContain('company 240211 Faturador Demo, Lda. (NIF 514000007)');
    expect(out).toContain('demo company (5)   listed (ignored)');
    expect(out).toMatch(/payment methods +Cheque, Multibanco, Numerário \[cash\]/);
    expect(out).toMatch(/draft inserted +FR document \d+, number -1/);
    expect(out).toMatch(/total +requested 10\.00 EUR, Moloni 10\.00 EUR/);
    expect(out).toMatch(/draft deleted +yes/);
    expect(moloni.sandbox.state.documents.size).toBe(0);
    expect((await run('connections check con_nope')).exitCode).not.toBe(0);
  });

  it('creates a client and a key whose printed secret authenticates, once', async () => {
    const { run, deps } = setup();
    await ok(run('connections add --name Sandbox --sandbox'));
    const [connection] = await deps.connections.listConnections();
    const connectionId = connection?.connection_id ?? '';
    expect(
      await ok(run(`clients create airtable_ops_prod --name Ops --connection ${connectionId}`)),
    ).toContain('Created API client airtable_ops_prod');
    const created = await ok(run('keys create airtable_ops_prod'));
    expect(created).toContain('shown only now');
    const keyId = /X-Api-Key: +(ak_\S+)/.exec(created)?.[1] ?? '';
    const secret = secretIn(created);

    const auth = createAuthenticator(deps);
    expect(await auth.authenticate(plainRequest('airtable_ops_prod', keyId, secret))).toMatchObject({
      clientId: 'airtable_ops_prod',
      connectionId,
    });
    // Listing shows the key, never the secret.
    const shown = await ok(run('clients show airtable_ops_prod'));
    expect(shown).toContain(keyId);
    expect(shown).not.toContain(secret);
    expect(await ok(run('keys list airtable_ops_prod --json'))).not.toContain(secret);
  });

  it('reproduces the seed demo credentials', async () => {
    const { run, deps } = setup();
    await ok(run('clients create airtable_ops_prod --name Demo'));
    await ok(
      run(
        'keys create airtable_ops_prod --key-id ak_demo_9f83b7d1a5c40c22 --secret as_demo_5baf4f0f613949f0863b83de8f4c4f90',
      ),
    );
    const auth = createAuthenticator(deps);
    await auth.authenticate(
      plainRequest(
        'airtable_ops_prod',
        'ak_demo_9f83b7d1a5c40c22',
        'as_demo_5baf4f0f613949f0863b83de8f4c4f90',
      ),
    );
  });

  it('creates restricted keys, rotates, changes allowlists and revokes', async () => {
    const { run, deps } = setup();
    await ok(run('clients create acme --name Acme'));
    const created = await ok(
      run(
        'keys create acme --scope record-triggers:write --allow 10.0.0.0/8 --allow ::ffff:192.0.2.1 --signed-only --json',
      ),
    );
    const key = JSON.parse(created) as {
      key_id: string;
      secret: string;
      ip_allowlist: string[];
      signed_only: boolean;
    };
    expect(key).toMatchObject({ ip_allowlist: ['10.0.0.0/8', '192.0.2.1'], signed_only: true });
    await ok(run(`keys signed-only acme ${key.key_id} off`));

    const rotated = await ok(run(`keys rotate acme ${key.key_id} --old-secret-ttl 60`));
    expect(rotated).toContain('previous secret keeps working until');
    const auth = createAuthenticator(deps);
    for (const secret of [key.secret, secretIn(rotated)]) {
      await auth.authenticate(plainRequest('acme', key.key_id, secret, '10.1.1.1'));
    }
    await ok(run(`keys drop-old-secret acme ${key.key_id}`));
    await expect(
      auth.authenticate(plainRequest('acme', key.key_id, key.secret, '10.1.1.1')),
    ).rejects.toThrow();

    expect(await ok(run(`keys allowlist acme ${key.key_id} 2001:db8::/32 198.51.100.7`))).toContain(
      '2001:db8::/32, 198.51.100.7',
    );
    expect((await run(`keys allowlist acme ${key.key_id}`)).exitCode).toBe(2);
    expect(await ok(run(`keys allowlist acme ${key.key_id} --clear`))).toContain('any address');
    expect((await run(`keys allowlist acme ${key.key_id} 10.0.0.0/33`)).stderr).toContain(
      'not an IP address',
    );

    await ok(run(`keys revoke acme ${key.key_id}`));
    await expect(auth.authenticate(plainRequest('acme', key.key_id, secretIn(rotated)))).rejects.toThrow();
    expect((await run(`keys revoke acme ${key.key_id} --clear`)).exitCode).toBe(2);
  });

  it('links, revokes and refuses removing a connection in use', async () => {
    const { run, deps } = setup();
    await ok(run('connections add --name Sandbox --sandbox'));
    const [connection] = await deps.connections.listConnections();
    const id = connection?.connection_id ?? '';
    await ok(run('clients create acme --name Acme'));
    expect(await ok(run(`clients connect acme ${id}`))).toContain(`issues with ${id}`);
    expect((await run(`connections remove ${id}`)).stderr).toContain('used by acme');
    await ok(run(`connections remove ${id} --force`));
    expect((await deps.clients.getClient('acme'))?.connection_id).toBeNull();

    await ok(run('keys create acme'));
    expect(await ok(run('clients revoke acme'))).toContain('Revoked');
    expect(await ok(run('clients list'))).toMatch(/acme\s+revoked/);
    expect((await run('clients revoke ghost')).stderr).toContain('not found');
    expect((await run('keys create acme')).exitCode).toBe(1);
  });

  it("records and shows where a client's results may go", async () => {
    const { run, deps } = setup();
    await ok(run('clients create ops --name Ops'));
    await ok(run('clients create bot --name Bot --slack-team T0TEAM01'));
    expect(await ok(run('clients list'))).toMatch(/ops .*caller only/);
    expect(await ok(run('clients show bot'))).toMatch(/bot .*caller \+ Slack T0TEAM01/);
    expect((await deps.clients.getClient('bot'))?.capabilities).toEqual(['slack:T0TEAM01']);

    expect(await ok(run('clients capabilities ops --slack-team T0TEAM02'))).toContain('Slack T0TEAM02');
    expect((await deps.clients.getClient('ops'))?.capabilities).toEqual(['slack:T0TEAM02']);
    expect(await ok(run('clients capabilities ops'))).toContain('caller + Slack T0TEAM02');
    await ok(run('clients capabilities ops --none'));
    expect((await deps.clients.getClient('ops'))?.capabilities).toEqual([]);

    const bad = await run('clients capabilities ops --slack-team general');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('not a Slack team id');
    expect((await deps.clients.getClient('ops'))?.capabilities).toEqual([]);
  });

  it('shows a ledger entry as stored, or says it is not there', async () => {
    const { run, redis, prefix } = setup();
    await redis.hset(`${prefix}:ledger:req_4ad9b2ec1d9f3a71`, {
      state: 'issued',
      document: JSON.stringify({ number: 'FR M/32' }),
    });
    expect(JSON.parse(await ok(run('requests show req_4ad9b2ec1d9f3a71')))).toEqual({
      state: 'issued',
      document: { number: 'FR M/32' },
    });
    const missing = await run('requests show req_0000000000000000');
    expect([missing.exitCode, missing.stderr]).toEqual([
      1,
      'faturador: request req_0000000000000000 not found\n',
    ]);
    expect((await run('requests show *')).exitCode).toBe(2);
  });

  it('lists the incidents recorded by reconciliation', async () => {
    const { run, redis, prefix } = setup();
    expect(await ok(run('requests incidents'))).toBe('No incidents.\n');
    const ledger = createLedger({ redis, prefix });
    await ledger.recordIncident('req_4ad9b2ec1d9f3a71', {
      kind: 'duplicate_documents',
      message:
        'Moloni holds 2 closed documents with reference R-1; all but one must be cancelled with a credit note.',
      documents: [],
      detected_at: '2026-05-18T15:07:21.000Z',
    });
    expect(await ok(run('requests incidents'))).toContain(
      'req_4ad9b2ec1d9f3a71  Moloni holds 2 closed documents',
    );
  });

  it('doctor: Redis, eviction, master key and configuration', async () => {
    const { run, deps, redis, prefix } = setup();
    await ok(run('connections add --name Sandbox --sandbox'));
    await ok(run('clients create acme --name Acme'));

    // A wrong key is caught by the stored secrets, and no canary is sealed under it.
    const wrong = await runCli(createCliDeps({ ...deps, secretBox: createSecretBox(randomBytes(32)) }), [
      'doctor',
    ]);
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stdout).toMatch(/FAIL +master key +does not open the secrets of con_/);
    expect(await redis.exists(`${prefix}:canary`)).toBe(0);

    const first = await ok(run('doctor'));
    expect(first).toMatch(/ok +redis +redis:\/\/127\.0\.0\.1:\d+\/? answers/);
    expect(first).toMatch(/ok +eviction +maxmemory-policy noeviction/);
    expect(first).toMatch(/ok +master key +canary sealed/);
    expect(first).toContain('1 Moloni connection(s)');
    expect(first).toMatch(/warn +clients .*acme/);
    expect(await ok(run('doctor'))).toMatch(/ok +master key +opens the stored canary/);
    expect(JSON.parse(await ok(run('doctor --json')))).toMatchObject({ ok: true });
  });

  it('doctor and commands report an unreachable Redis', async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    redis.on('error', () => {});
    await redis.connect().catch(() => {});
    const deps = createCliDeps({
      redis,
      prefix: randomPrefix(),
      secretBox: createSecretBox(randomBytes(32)),
      redisUrl: 'redis://:pw@127.0.0.1:1',
    });
    const doctor = await runCli(deps, ['doctor']);
    expect(doctor.exitCode).toBe(1);
    expect(doctor.stdout).toMatch(/FAIL +redis +redis:\/\/:\*\*\*@127\.0\.0\.1:1 is not reachable/);
    const list = await runCli(deps, ['clients', 'list']);
    expect([list.exitCode, list.stderr]).toEqual([1, expect.stringContaining('Redis is not reachable')]);
    redis.disconnect();
  });

  it('usage errors exit 2 with a pointer to --help', async () => {
    const { run } = setup();
    for (const line of [
      'bogus',
      'keys',
      'clients create',
      'clients create acme',
      'keys create acme --bogus',
      'clients list extra',
    ]) {
      const result = await run(line);
      expect([line, result.exitCode]).toEqual([line, 2]);
      expect(result.stderr).toContain('--help');
    }
  });
});
