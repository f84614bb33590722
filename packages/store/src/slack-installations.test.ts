import { randomBytes } from 'node:crypto';
import { createSecretBox } from '@faturador/core';
import { keysUnder, randomPrefix, testRedis } from '@faturador/testing';
import { describe, expect, it } from 'vitest';
import { createSlackInstallationStore, type NewSlackInstallation } from './slack-installations.ts';

function setup() {
  const redis = testRedis();
  const prefix = randomPrefix();
  const secretBox = createSecretBox(randomBytes(32));
  return { redis, prefix, store: createSlackInstallationStore({ redis, prefix, secretBox }) };
}

const BOT_TOKEN = 'xoxb-111-222-botsecretvalue';
const USER_TOKEN = 'xoxp-111-333-usersecretvalue';

const install: NewSlackInstallation = {
  teamId: 'T0ACME001',
  teamName: 'Acme',
  enterpriseId: null,
  enterpriseName: null,
  appId: 'A0FATURA',
  botId: 'B0ACME',
  botUserId: 'U0ACMEBOT',
  botScopes: ['commands', 'chat:write'],
  installerUserId: 'U0OWNER',
  botToken: BOT_TOKEN,
  userToken: USER_TOKEN,
};

/** Every value Redis holds under the prefix, as one string. */
async function rawDump(redis: ReturnType<typeof testRedis>, prefix: string): Promise<string> {
  const keys = await keysUnder(redis, prefix);
  const hashes = await Promise.all(keys.map((key) => redis.hgetall(key)));
  return JSON.stringify(hashes);
}

describe('Slack installations', () => {
  it('keeps the tokens sealed: Redis holds none, reads give none, botTokenFor opens the bot token', async () => {
    const { store, redis, prefix } = setup();
    const saved = await store.saveInstallation(install);
    expect(JSON.stringify(saved)).not.toMatch(/xox[bp]-/);
    const raw = await rawDump(redis, prefix);
    expect(raw).toContain('T0ACME001');
    expect(raw).not.toContain(BOT_TOKEN);
    expect(raw).not.toContain(USER_TOKEN);
    expect(raw).not.toMatch(/xox[bp]-/);

    const read = await store.getInstallation('T0ACME001');
    expect(read).toEqual(saved);
    expect(JSON.stringify(read)).not.toMatch(/xox[bp]-/);
    expect(await store.botTokenFor('T0ACME001')).toBe(BOT_TOKEN);
    expect(await store.botTokenFor('T0OTHER01')).toBeNull();
  });

  it('refuses a sealed token moved to another team (each is bound to its own)', async () => {
    const { store, redis, prefix } = setup();
    await store.saveInstallation(install);
    await store.saveInstallation({ ...install, teamId: 'T0OTHER01', botToken: 'xoxb-other' });
    const sealed = await redis.hget(`${prefix}:slack-install:T0ACME001`, 'bot_token');
    await redis.hset(`${prefix}:slack-install:T0OTHER01`, 'bot_token', sealed ?? '');
    await expect(store.botTokenFor('T0OTHER01')).rejects.toThrow();
  });

  it('replaces an installation whole, answers per enterprise, deletes', async () => {
    const { store } = setup();
    await store.saveInstallation(install);
    await store.saveInstallation({
      ...install,
      enterpriseId: 'E0GRID01',
      enterpriseName: 'Grid',
      userToken: null,
      botToken: 'xoxb-new',
    });
    expect(await store.botTokenFor('T0ACME001')).toBe('xoxb-new');
    expect(await store.getInstallation('T0ACME001', 'E0GRID01')).toMatchObject({ enterpriseId: 'E0GRID01' });
    expect(await store.getInstallation('T0ACME001', 'E0ELSE01')).toBeNull();
    expect(await store.deleteInstallation('T0ACME001')).toBe(true);
    expect(await store.getInstallation('T0ACME001')).toBeNull();
    expect(await store.deleteInstallation('T0ACME001')).toBe(false);
    await expect(store.saveInstallation({ ...install, teamId: 'not-a-team' })).rejects.toThrow(TypeError);
  });

  it('binds a team to a client apart from its installation, the key and secret sealed', async () => {
    const { store, redis, prefix } = setup();
    expect(await store.credentialsFor('T0ACME001')).toBeNull();
    const credentials = { clientId: 'acme_bot', apiKey: 'ak_acme_0001', apiSecret: 'as_acme_secret_value' };
    const binding = await store.bindTeam('T0ACME001', credentials);
    expect(binding).toMatchObject({ teamId: 'T0ACME001', clientId: 'acme_bot' });
    expect(await rawDump(redis, prefix)).not.toMatch(/ak_acme_0001|as_acme_secret_value/);
    expect(await store.bindingOf('T0ACME001')).toEqual(binding);
    expect(JSON.stringify(await store.bindingOf('T0ACME001'))).not.toContain('as_acme');
    expect(await store.credentialsFor('T0ACME001')).toEqual(credentials);

    // A (re)install does not touch the binding, and the binding does not make an installation.
    await store.saveInstallation(install);
    expect(await store.credentialsFor('T0ACME001')).toEqual(credentials);
    expect(await store.deleteInstallation('T0ACME001')).toBe(true);
    expect(await store.bindingOf('T0ACME001')).toEqual(binding);

    expect(await store.unbindTeam('T0ACME001')).toBe(true);
    expect(await store.credentialsFor('T0ACME001')).toBeNull();
    await expect(store.bindTeam('T0ACME001', { ...credentials, clientId: 'Bad Id' })).rejects.toThrow(
      TypeError,
    );
  });
});
