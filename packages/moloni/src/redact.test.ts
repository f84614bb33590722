import { Writable } from 'node:stream';
import { FaturadorError } from '@faturador/core';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { REDACTED, SecretRegistry } from './redact.ts';
import { CREDENTIALS, harness, invoiceRequest } from './test/support.ts';

function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: pino({ level: 'debug' }, stream) };
}

describe('redaction', () => {
  it('keeps tokens, passwords and the client secret out of every log line and error', async () => {
    const h = await harness();
    const { lines, logger } = captureLogs();
    const client = h.client({ logger });
    const impatient = h.client({ logger, timeouts: { readMs: 200 }, retry: { readAttempts: 1 } });
    const errors: unknown[] = [];
    const collect = (promise: Promise<unknown>) => promise.catch((error: unknown) => errors.push(error));

    await client.issueDocument({ request: invoiceRequest(), ourReference: 'SECRET-1' });
    h.fault({ kind: 'hang', endpoint: 'documents/getAll', times: 1 });
    await collect(impatient.findByOurReference('SECRET-1'));
    h.fault({ kind: 'status', status: 429, endpoint: 'documents/getAll', times: 1 });
    await collect(impatient.findByOurReference('SECRET-1'));
    await collect(client.completeDocument(1, invoiceRequest()));
    h.running.sandbox.tokens.revokeAll(); // the next call renews the token: more auth traffic to log
    await client.findByOurReference('SECRET-1');
    // Another connection: this one's stored token would spare it the login.
    const wrong = h.client({
      logger,
      connectionId: 'con_wrong',
      credentials: { ...CREDENTIALS, password: 'wrong-password-123' },
    });
    await collect(wrong.findByOurReference('SECRET-1'));

    const sealed = await h.redis.get(`${h.prefix}:moloni:token:con_test`);
    const token = JSON.parse(h.secretBox.open(sealed ?? '', 'moloni-token:con_test'));
    const secrets = [
      token.accessToken,
      token.refreshToken,
      CREDENTIALS.password,
      CREDENTIALS.clientSecret,
      'wrong-password-123',
    ];
    expect(errors).toHaveLength(4);
    expect(errors.every((error) => error instanceof FaturadorError)).toBe(true);
    expect(lines.length).toBeGreaterThan(20);
    const everything = [
      ...lines,
      ...errors.map((error) => {
        const failure = error as FaturadorError;
        return `${failure.message} ${failure.stack} ${JSON.stringify(failure)} ${JSON.stringify(failure.details)}`;
      }),
    ].join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/access_token=|http:\/\/127/);
    // The logs still say what happened.
    expect(everything).toContain('"endpoint":"invoiceReceipts/insert"');
    expect(everything).toContain('AUTH_ERROR');
  });
});

describe('SecretRegistry', () => {
  it('scrubs registered secrets, encoded forms, credential parameters and secret keys', () => {
    const registry = new SecretRegistry();
    registry.add('s3cr3t/pass+word', 'tiny', undefined);
    expect(registry.scrubText('x s3cr3t/pass+word y s3cr3t%2Fpass%2Bword')).toBe(
      `x ${REDACTED} y ${REDACTED}`,
    );
    expect(registry.scrubText('tiny stays')).toBe('tiny stays'); // too short to scrub safely
    expect(registry.scrubText('GET /v1/grant/?password=unknown&client_id=a')).toBe(
      `GET /v1/grant/?password=${REDACTED}&client_id=a`,
    );
    expect(registry.scrub({ nested: [{ refresh_token: 'abc' }], note: 'access_token=xyz' })).toEqual({
      nested: [{ refresh_token: REDACTED }],
      note: `access_token=${REDACTED}`,
    });
  });
});
