import { mastersOf, randomPrefix, testRedis } from '@faturador/testing';
import { describe, expect, it } from 'vitest';
import { evalScript } from './lua.ts';

const INCR_BY = `return redis.call('INCRBY', KEYS[1], ARGV[1])`;

describe('Lua scripts by SHA1', () => {
  it('sends the source once, and again only after the server forgot it (NOSCRIPT)', async () => {
    const redis = testRedis();
    const key = `${randomPrefix()}:counter`;
    const sent: string[] = [];
    // What each call asks the server: EVALSHA while it knows the script, EVAL to teach it.
    const monitorable = new Proxy(redis, {
      get(target, name, receiver) {
        if (name === 'eval' || name === 'evalsha') sent.push(name);
        return Reflect.get(target, name, receiver);
      },
    });
    expect(await evalScript(monitorable, INCR_BY, 1, key, 2)).toBe(2);
    const known = sent.length;
    expect(await evalScript(monitorable, INCR_BY, 1, key, 3)).toBe(5);
    expect(sent.slice(known)).toEqual(['evalsha']);
    // Redis forgets its scripts (a restart, a failover, SCRIPT FLUSH): taught again, once.
    // SCRIPT FLUSH on every master: a Cluster would send it to one node, perhaps not the key's.
    await Promise.all(mastersOf(redis).map((node) => node.script('FLUSH')));
    const flushed = sent.length;
    expect(await evalScript(monitorable, INCR_BY, 1, key, 4)).toBe(9);
    expect(await evalScript(monitorable, INCR_BY, 1, key, 1)).toBe(10);
    expect(sent.slice(flushed)).toEqual(['evalsha', 'eval', 'evalsha']);
    redis.disconnect();
  });
});
