import { describe, expect, it } from 'vitest';
import { DEFAULT_CREDENTIALS } from './auth.ts';
import { sandbox } from './test/http.ts';

const client = { client_id: DEFAULT_CREDENTIALS.clientId, client_secret: DEFAULT_CREDENTIALS.clientSecret };
const password = {
  grant_type: 'password',
  ...client,
  username: DEFAULT_CREDENTIALS.username,
  password: DEFAULT_CREDENTIALS.password,
};

describe('grant endpoint', () => {
  it('issues 40-hex access and refresh tokens for the seeded user', async () => {
    const test = await sandbox();
    const { status, body } = await test.grant(password);
    expect(status).toBe(200);
    expect(body).toEqual({
      access_token: expect.stringMatching(/^[0-9a-f]{40}$/),
      expires_in: 3600,
      token_type: 'bearer',
      scope: null,
      refresh_token: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    expect(body.access_token).not.toBe(body.refresh_token);
  });

  it('answers the documented HTTP 400 bodies for bad credentials', async () => {
    const test = await sandbox();
    expect(await test.grant({ ...password, password: 'nope' })).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid username and password combination' },
    });
    expect(await test.grant({ ...password, client_secret: 'nope' })).toEqual({
      status: 400,
      body: { error: 'invalid_client', error_description: 'The client credentials are invalid' },
    });
    const unsupported = await test.grant({ ...password, grant_type: 'client_credentials' });
    expect(unsupported.body.error).toBe('unsupported_grant_type');
  });

  it('ignores a POST form body, like production ("missing parameters")', async () => {
    const test = await sandbox();
    const response = await fetch(`${test.running.baseUrl}grant/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(password).toString(),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('rotates refresh tokens: the used one is rejected at once, the new one works', async () => {
    const test = await sandbox();
    const first = (await test.grant(password)).body;
    const second = await test.grant({
      grant_type: 'refresh_token',
      ...client,
      refresh_token: first.refresh_token,
    });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(second.body.access_token).not.toBe(first.access_token);

    const replay = await test.grant({
      grant_type: 'refresh_token',
      ...client,
      refresh_token: first.refresh_token,
    });
    expect(replay).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Token is no longer valid' },
    });
    const third = await test.grant({
      grant_type: 'refresh_token',
      ...client,
      refresh_token: second.body.refresh_token,
    });
    expect(third.status).toBe(200);
    expect(await test.call('companies/getAll', {}, { token: third.body.access_token })).toMatchObject({
      status: 200,
    });
    expect(test.running.sandbox.snapshot().grants).toEqual({ password: 2, refresh_token: 2 });
  });

  it('expires refresh tokens after 14 days', async () => {
    const test = await sandbox();
    const { body } = await test.grant(password);
    test.running.sandbox.clock.advance(14 * 24 * 3600 * 1000);
    expect(
      await test.grant({ grant_type: 'refresh_token', ...client, refresh_token: body.refresh_token }),
    ).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Refresh token has expired' },
    });
  });
});

describe('access tokens', () => {
  it('are required on every API call', async () => {
    const test = await sandbox();
    const response = await fetch(`${test.running.baseUrl}companies/getAll/`, { method: 'POST' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'The access token was not found',
    });
    const unknown = await test.call('companies/getAll', {}, { token: 'f'.repeat(40) });
    expect(unknown).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('expire after expires_in by the sandbox clock, and a refresh brings a working one', async () => {
    const test = await sandbox();
    const { body } = await test.grant(password);
    const token = body.access_token;
    test.running.sandbox.clock.advance(3599 * 1000);
    expect((await test.call('companies/getAll', {}, { token })).status).toBe(200);
    test.running.sandbox.clock.advance(1000);
    expect(await test.call('companies/getAll', {}, { token })).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'The access token provided has expired' },
    });
    const refreshed = await test.grant({
      grant_type: 'refresh_token',
      ...client,
      refresh_token: body.refresh_token,
    });
    expect((await test.call('companies/getAll', {}, { token: refreshed.body.access_token })).status).toBe(
      200,
    );
  });

  it('honour a shorter configured lifetime, moved through the control endpoint', async () => {
    const test = await sandbox({ accessTokenTtlSeconds: 60 });
    const { body } = await test.grant(password);
    expect(body.expires_in).toBe(60);
    const moved = await test.control('POST', 'clock', { advanceSeconds: 61 });
    expect(moved.status).toBe(200);
    const after = await test.call('companies/getAll', {}, { token: body.access_token });
    expect(after.body.error_description).toBe('The access token provided has expired');
  });
});
