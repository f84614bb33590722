import { randomBytes } from 'node:crypto';
import { createSecretBox, FaturadorError } from '@faturador/core';
import { randomPrefix, testRedis } from '@faturador/testing';
import { describe, expect, it } from 'vitest';
import { checkMasterKey, MasterKeyMismatchError } from './canary.ts';
import { createConnectionStore, MOLONI_BASE_URL } from './connections.ts';

function setup() {
  const redis = testRedis();
  const prefix = randomPrefix();
  const secretBox = createSecretBox(randomBytes(32));
  return { redis, prefix, secretBox, connections: createConnectionStore({ redis, prefix, secretBox }) };
}

const real = {
  name: 'TheInventors',
  kind: 'moloni' as const,
  client_id: 'theinventors',
  client_secret: 'cs-9b1f2e77d0c04e8aa1f3',
  username: '[email protected]',
  password: 'pw-correct-horse-battery',
  company_id: 5,
};

describe('Moloni connections', () => {
  it('stores credentials sealed, lists without secrets, opens them for the worker', async () => {
    const { connections, redis, prefix } = setup();
    const created = await connections.createConnection(real);
    expect(created).toMatchObject({
      kind: 'moloni',
      base_url: MOLONI_BASE_URL,
      company_id: 5,
      username: real.username,
    });
    expect(created.connection_id).toMatch(/^con_[0-9a-f]{16}$/);
    expect(JSON.stringify(created)).not.toContain(real.password);

    const listed = await connections.listConnections();
    expect(listed).toEqual([created]);
    expect(JSON.stringify(listed)).not.toMatch(/pw-correct|cs-9b1f/);

    const stored = JSON.stringify(await redis.hgetall(`${prefix}:connection:${created.connection_id}`));
    expect(stored).not.toContain(real.password);
    expect(stored).not.toContain(real.client_secret);

    expect(await connections.getConnection(created.connection_id)).toEqual({
      ...created,
      client_secret: real.client_secret,
      password: real.password,
      api_key: '',
    });
  });

  it('an InvoiceXpress account: its API key sealed, its URL per account, references unique in it', async () => {
    const { connections, redis, prefix } = setup();
    const apiKey = '6f0a3e1c9b8d47a2b5c4e3f2a1d0c9b8e7f6a5d4';
    const created = await connections.createConnection({
      provider: 'invoicexpress',
      name: 'Alojamentos',
      account: 'alojamentos-lda',
      api_key: apiKey,
    });
    expect(created).toMatchObject({
      provider: 'invoicexpress',
      account: 'alojamentos-lda',
      base_url: 'https://alojamentos-lda.app.invoicexpress.com',
      company_id: 1,
    });
    const stored = JSON.stringify(await redis.hgetall(`${prefix}:connection:${created.connection_id}`));
    expect(stored).not.toContain(apiKey);
    expect((await connections.getConnection(created.connection_id))?.api_key).toBe(apiKey);
    // A subdomain is all the store takes (the CLI reduces a pasted URL to it first).
    await expect(
      connections.createConnection({
        provider: 'invoicexpress',
        name: 'URL',
        account: 'https://x.app.invoicexpress.com',
        api_key: apiKey,
      }),
    ).rejects.toThrow(/account/);
    const local = await connections.createConnection({
      provider: 'invoicexpress',
      name: 'Local',
      account: 'demo',
      api_key: apiKey,
      base_url: 'http://127.0.0.1:8766/{account}',
    });
    expect(local).toMatchObject({ kind: 'sandbox', base_url: 'http://127.0.0.1:8766/demo' });
  });

  it('a sandbox connection needs its URL; URLs get a trailing slash', async () => {
    const { connections } = setup();
    const sandbox = { ...real, kind: 'sandbox' as const, company_id: null };
    await expect(connections.createConnection(sandbox)).rejects.toThrow(FaturadorError);
    const created = await connections.createConnection({ ...sandbox, base_url: 'http://127.0.0.1:4010/v1' });
    expect(created.base_url).toBe('http://127.0.0.1:4010/v1/');
  });

  it('refuses bad input without echoing secrets', async () => {
    const { connections } = setup();
    for (const bad of [
      { ...real, name: '' },
      { ...real, base_url: 'ftp://example.com/' },
      { ...real, password: '' },
      { ...real, company_id: -1 },
    ]) {
      const error = await connections.createConnection(bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FaturadorError);
      expect(String((error as Error).message)).not.toContain(real.client_secret);
    }
  });

  it('deletes', async () => {
    const { connections } = setup();
    const { connection_id } = await connections.createConnection(real);
    expect(await connections.deleteConnection(connection_id)).toBe(true);
    expect(await connections.deleteConnection(connection_id)).toBe(false);
    expect(await connections.getConnection(connection_id)).toBeNull();
    expect(await connections.listConnections()).toEqual([]);
    expect(await connections.getConnection('nope')).toBeNull();
  });
});

describe('master key canary', () => {
  it('is created once, then proves the key; another key is refused', async () => {
    const { redis, prefix, secretBox } = setup();
    expect(await checkMasterKey({ redis, prefix, secretBox })).toBe('created');
    expect(await checkMasterKey({ redis, prefix, secretBox })).toBe('ok');
    await expect(
      checkMasterKey({ redis, prefix, secretBox: createSecretBox(randomBytes(32)) }),
    ).rejects.toThrow(MasterKeyMismatchError);
  });
});
