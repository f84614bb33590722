import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createClock } from './clock.ts';
import { type ControlParts, mountControl } from './control.ts';
import { FaultInjector } from './faults.ts';
import type { SandboxEnv } from './transport.ts';

// The sandboxes' own tests cover the routes as each uses them; these pin the two ways
// `POST /_sandbox/clock` reads its body, which only the kit switches between.
function app(clockBody: ControlParts['clockBody']) {
  const app = new Hono<SandboxEnv>();
  const clock = createClock(new Date('2026-05-18T12:00:00Z'));
  mountControl(app, {
    faults: new FaultInjector({
      match: (pattern, endpoint) => pattern === endpoint,
      refusalBody: (body) => body,
    }),
    stats: { snapshot: () => ({}), reset: () => {} },
    clock,
    documents: { documentOrder: 'newest_first' },
    reset: () => {},
    clockBody,
  });
  const post = async (body: string) => {
    const response = await app.request('/_sandbox/clock', { method: 'POST', body });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  };
  return { clock, post };
}

describe('POST /_sandbox/clock', () => {
  it('takes advanceSeconds and refuses a body that is not JSON where so configured', async () => {
    const { clock, post } = app({ advanceSeconds: true, notJson: 'refuse' });
    const before = clock.now();
    expect((await post('{"advanceSeconds": 60}')).status).toBe(200);
    expect(clock.now() - before).toBeGreaterThanOrEqual(60_000);
    expect(await post('not json')).toEqual({ status: 400, body: { error: 'body must be JSON' } });
    expect((await post('{}')).body).toEqual({ error: 'expected advanceMs, advanceSeconds or set' });
  });

  it('otherwise ignores advanceSeconds and reads a body that is not JSON as no instruction', async () => {
    const { post } = app({ advanceSeconds: false, notJson: 'ignore' });
    const expected = { status: 400, body: { error: 'expected advanceMs or set' } };
    expect(await post('{"advanceSeconds": 60}')).toEqual(expected);
    expect(await post('not json')).toEqual(expected);
    expect((await post('{"set": "2027-01-01T00:00:00Z"}')).body.now).toBe('2027-01-01T00:00:00.000Z');
  });
});
