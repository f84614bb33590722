import { randomBytes, randomUUID } from 'node:crypto';
import { createSecretBox, newId, parseInvoiceRequest } from '@faturador/core';
import { createAdminStore, createIdempotency, createLedger, fingerprint } from '@faturador/store';
import { randomPrefix, SEED_EXAMPLE_BODY, testRedis, testRedisUrl } from '@faturador/testing';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.ts';
import { createCliDeps } from './context.ts';

function setup() {
  const redis = testRedis();
  const prefix = randomPrefix();
  const deps = createCliDeps({
    redis,
    prefix,
    secretBox: createSecretBox(randomBytes(32)),
    redisUrl: testRedisUrl(),
  });
  const run = (line: string) => runCli(deps, line.split(' ').filter(Boolean));
  return { redis, prefix, run, ledger: createLedger({ redis, prefix }) };
}

async function claim(s: ReturnType<typeof setup>, reference: string): Promise<string> {
  const parsed = parseInvoiceRequest({ ...SEED_EXAMPLE_BODY, reference });
  if (!parsed.ok) throw parsed.error;
  const requestId = newId('req');
  await createIdempotency({ redis: s.redis, prefix: s.prefix, ttlSeconds: 60 }).claim({
    requestId,
    clientId: 'acme_erp',
    idempotencyKey: randomUUID(),
    fingerprint: fingerprint(reference),
    reference,
    request: parsed.value,
    origin: { kind: 'api' },
    connectionId: null,
  });
  return requestId;
}

describe('faturador admins', () => {
  it('creates a user with a generated password shown once, which signs in', async () => {
    const s = setup();
    const created = await s.run('admins create Ops@Example.pt --role operator');
    expect(created).toMatchObject({ exitCode: 0, stderr: '' });
    const password = /shown once, only its hash is stored\): (\S+)/.exec(created.stdout)?.[1] ?? '';
    expect(password.length).toBeGreaterThanOrEqual(16);
    const stored = JSON.stringify(await s.redis.hgetall(`${s.prefix}:admin:ops@example.pt`));
    expect(stored).not.toContain(password);
    expect(stored).toMatch(/scrypt\$/);
    const admins = createAdminStore({ redis: s.redis, prefix: s.prefix });
    expect(await admins.signIn('ops@example.pt', password, '127.0.0.1')).toMatchObject({
      ok: true,
      session: { role: 'operator' },
    });
    expect((await s.run('admins create ops@example.pt --role admin')).exitCode).toBe(1);
    expect((await s.run('admins create x@example.pt --role root')).exitCode).toBe(2);
    expect((await s.run('admins list')).stdout).toContain('ops@example.pt');
  });

  it('limits sign-in failures per account, and expires sessions it signed out', async () => {
    const s = setup();
    const admins = createAdminStore({ redis: s.redis, prefix: s.prefix, maxFailuresPerAccount: 3 });
    await admins.create({ email: 'a@example.pt', role: 'viewer', password: 'correct-horse-battery' });
    for (let i = 0; i < 3; i++)
      expect(await admins.signIn('a@example.pt', 'wrong-password', `10.0.0.${i}`)).toEqual({
        ok: false,
        reason: 'invalid',
      });
    // Even the right password is refused while the account is limited.
    expect(await admins.signIn('a@example.pt', 'correct-horse-battery', '10.0.0.9')).toEqual({
      ok: false,
      reason: 'rate_limited',
    });
    await s.redis.del(...(await s.redis.keys(`${s.prefix}:admlimit:*`)));
    const signed = await admins.signIn('a@example.pt', 'correct-horse-battery', '10.0.0.9');
    if (!signed.ok) throw new Error('sign-in refused');
    expect(await admins.session(signed.token)).toMatchObject({ email: 'a@example.pt' });
    await admins.signOut(signed.token);
    expect(await admins.session(signed.token)).toBeNull();
  });
});

describe('faturador requests list / retry', () => {
  it('lists with filters and retries a failed request, recording who did it', async () => {
    const s = setup();
    const ok = await claim(s, 'CLI-OK-1');
    const failed = await claim(s, 'CLI-FAIL-1');
    await s.ledger.markFailed(failed, { code: 'MOLONI_UNAVAILABLE', message: 'down', details: null }, 503);

    const all = await s.run('requests list');
    expect(all.exitCode).toBe(0);
    expect(all.stdout).toContain(ok);
    expect(all.stdout).toContain(failed);
    const onlyFailed = await s.run('requests list --state failed --json');
    const data = JSON.parse(onlyFailed.stdout);
    expect(data.requests.map((r: { request_id: string }) => r.request_id)).toEqual([failed]);
    expect(data.requests[0].error.code).toBe('MOLONI_UNAVAILABLE');

    const bad = await s.run('requests list --state done');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/state/);

    const retried = await s.run(`requests retry ${failed}`);
    expect(retried).toMatchObject({ exitCode: 0, stderr: '' });
    expect(retried.stdout).toContain('queued');
    const entry = await s.ledger.get(failed);
    expect(entry?.state).toBe('queued');
    expect(entry?.actions?.[0]).toMatchObject({ action: 'retry', by: 'cli' });
    // The issue job (BullMQ's hash under the queue's prefix) is there for the worker.
    expect(await s.redis.exists(`${s.prefix}:issue:${failed}`)).toBe(1);

    const again = await s.run(`requests retry ${ok}`);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/only a failed request/);
  });
});
