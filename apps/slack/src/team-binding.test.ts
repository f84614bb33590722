import { randomBytes } from 'node:crypto';
import { randomPrefix, testRedis } from '@faturador/testing';
import { describe, expect, it } from 'vitest';
import { runTeamBinding } from './team-binding.ts';
import { installationsIn } from './workspaces.ts';

function setup() {
  const redis = testRedis();
  const prefix = randomPrefix();
  return {
    redis,
    prefix,
    store: installationsIn(redis, prefix, { masterKey: randomBytes(32).toString('hex') }),
  };
}

const credentials = { apiKey: 'ak_acme_0001', apiSecret: 'as_acme_secret_value' };

describe('bind-team', () => {
  it('binds a workspace to a client with the key and secret from the environment, shows and unbinds it', async () => {
    const { store, redis, prefix } = setup();
    const bound = await runTeamBinding(['bind', 'T0ACME001', 'acme_bot'], { store, credentials });
    expect(bound.code).toBe(0);
    expect(bound.out).toContain('T0ACME001 ligada ao cliente acme_bot');
    expect(bound.out).toContain('slack:T0ACME001');
    expect(bound.out).toContain('ainda não foi instalada');
    expect(bound.out).not.toContain(credentials.apiSecret);
    expect(await store.credentialsFor('T0ACME001')).toEqual({ clientId: 'acme_bot', ...credentials });
    expect(JSON.stringify(await redis.hgetall(`${prefix}:slack-binding:T0ACME001`))).not.toContain(
      credentials.apiSecret,
    );

    const shown = await runTeamBinding(['show', 'T0ACME001'], { store, credentials: {} });
    expect(shown.out).toContain('Não instalada.');
    expect(shown.out).toContain('Ligada ao cliente acme_bot');

    expect((await runTeamBinding(['unbind', 'T0ACME001'], { store, credentials: {} })).out).toContain(
      'já não está ligada',
    );
    expect(await store.bindingOf('T0ACME001')).toBeNull();
  });

  it('refuses a bad team id, a missing client id or secret, and a bad client id, binding nothing', async () => {
    const { store } = setup();
    const cases: Array<[string[], typeof credentials | object, string]> = [
      [['bind', 'acme', 'acme_bot'], credentials, 'não é um team id'],
      [['bind', 'T0ACME001'], credentials, 'Falta o client id'],
      [['bind', 'T0ACME001', 'acme_bot'], {}, 'FATURADOR_API_KEY'],
      [['bind', 'T0ACME001', 'Acme Bot'], credentials, 'is not a client id'],
      [['rebind', 'T0ACME001'], credentials, 'Uso'],
    ];
    for (const [argv, given, expected] of cases) {
      const result = await runTeamBinding(argv, { store, credentials: given });
      expect(result.code).toBe(1);
      expect(result.out).toContain(expected);
    }
    expect(await store.bindingOf('T0ACME001')).toBeNull();
  });
});
