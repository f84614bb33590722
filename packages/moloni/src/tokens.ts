import { setTimeout as sleep } from 'node:timers/promises';
import { FaturadorError, type SecretBox } from '@faturador/core';
import type { Redis } from 'ioredis';
import { unexpectedShape } from './errors.ts';
import type { RedisLock } from './lock.ts';
import type { MoloniLogger, SecretRegistry } from './redact.ts';
import type { MoloniTransport } from './transport.ts';

export interface MoloniCredentials {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

interface StoredToken {
  accessToken: string;
  refreshToken: string;
  /** Our clock's time after which the access token is renewed before use. */
  refreshAt: number;
  accessExpiresAt: number;
  /** Moloni refresh tokens live 14 days; past this we log in again instead of refreshing. */
  refreshExpiresAt: number;
}

export interface TokenManagerOptions {
  transport: MoloniTransport;
  redis: Redis;
  lock: RedisLock;
  prefix: string;
  connectionId: string;
  secretBox: SecretBox;
  credentials: MoloniCredentials;
  secrets: SecretRegistry;
  logger: MoloniLogger;
  now: () => number;
  /** Renew this long before the access token expires (capped at half its lifetime). */
  refreshMarginMs?: number;
  /** Lifetime of the refresh lock: longer than a grant call can take. */
  lockTtlMs?: number;
  /** How long a process waits for another one's refresh before giving up. */
  lockWaitMs?: number;
  pollMs?: number;
}

const REFRESH_TOKEN_LIFETIME_MS = 14 * 24 * 3600_000;
// A token read from Redis is reused in memory this long, saving a read and an unseal per call. A
// token another process renewed meanwhile is met at most this late, or at once when Moloni refuses
// the old one (the renewal re-reads Redis).
const MEMO_MS = 5_000;
// Refreshing an hour early avoids racing Moloni's own expiry of the refresh token.
const REFRESH_TOKEN_MARGIN_MS = 3600_000;

/**
 * One Moloni token per account, shared by every process through Redis (sealed with the SecretBox).
 * Refreshing rotates the refresh token and kills the old one, so only one process may refresh at a
 * time: the renewal runs under a Redis lock, and the processes that did not get it poll the stored
 * token until the holder has saved the new one.
 */
export class TokenManager {
  private readonly key: string;
  private readonly lockKey: string;
  private readonly purpose: string;
  private inflight: Promise<string> | null = null;
  private memo: { token: StoredToken; until: number } | null = null;

  constructor(private readonly options: TokenManagerOptions) {
    this.key = `${options.prefix}:moloni:token:${options.connectionId}`;
    this.lockKey = `${options.prefix}:moloni:token-lock:${options.connectionId}`;
    this.purpose = `moloni-token:${options.connectionId}`;
    const { clientSecret, password } = options.credentials;
    options.secrets.add(clientSecret, password);
  }

  /** A valid access token: the stored one, or a renewed one when it is (nearly) expired. */
  async accessToken(): Promise<string> {
    const memo = this.memo;
    if (memo && Date.now() < memo.until && this.options.now() < memo.token.refreshAt) {
      return memo.token.accessToken;
    }
    const stored = await this.load();
    if (stored && this.options.now() < stored.refreshAt) {
      this.memo = { token: stored, until: Date.now() + MEMO_MS };
      return stored.accessToken;
    }
    return this.renew(null);
  }

  /**
   * Renews the token. `rejected` is an access token Moloni refused: it is renewed even if our
   * clock thinks it is still valid, unless another process already replaced it.
   */
  renew(rejected: string | null): Promise<string> {
    // Callers in this process share one renewal; other processes are kept out by the Redis lock.
    this.memo = null;
    if (!this.inflight) {
      this.inflight = this.renewShared(rejected).finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  /** Drops the stored token (e.g. after the credentials changed). */
  async clear(): Promise<void> {
    this.memo = null;
    await this.options.redis.del(this.key);
  }

  private usable(token: StoredToken | null, rejected: string | null): token is StoredToken {
    return token !== null && token.accessToken !== rejected && this.options.now() < token.refreshAt;
  }

  private async renewShared(rejected: string | null): Promise<string> {
    const { lock, lockTtlMs = 30_000, lockWaitMs = 45_000, pollMs = 50 } = this.options;
    const deadline = Date.now() + lockWaitMs;
    for (;;) {
      const current = await this.load();
      if (this.usable(current, rejected)) return current.accessToken;
      const release = await lock.tryAcquire(this.lockKey, lockTtlMs);
      if (release) {
        try {
          // Re-read under the lock: the previous holder may have just saved a new token.
          const latest = await this.load();
          if (this.usable(latest, rejected)) return latest.accessToken;
          const next = await this.obtain(latest);
          await this.save(next);
          return next.accessToken;
        } finally {
          await release();
        }
      }
      if (Date.now() >= deadline) {
        throw new FaturadorError(
          'MOLONI_UNAVAILABLE',
          'Timed out waiting for another process to renew the Moloni access token.',
          { provider: 'moloni', endpoint: 'grant', outcome: 'not_applied' },
        );
      }
      await sleep(pollMs);
    }
  }

  private async obtain(current: StoredToken | null): Promise<StoredToken> {
    if (current && this.options.now() < current.refreshExpiresAt) {
      try {
        return await this.grant({ grant_type: 'refresh_token', refresh_token: current.refreshToken });
      } catch (error) {
        // Only a refused refresh token falls back to the password; a timeout or 5xx must not
        // trigger a login storm, and the caller may retry.
        if (!(error instanceof FaturadorError) || error.code !== 'AUTH_ERROR') throw error;
        this.options.logger.warn(
          { provider: 'moloni', connectionId: this.options.connectionId, error: error.details?.error },
          'moloni refresh token rejected, logging in with the password grant',
        );
      }
    }
    try {
      return await this.grant({
        grant_type: 'password',
        username: this.options.credentials.username,
        password: this.options.credentials.password,
      });
    } catch (error) {
      // Refused credentials: the stored token is useless too, so nobody keeps refreshing it.
      if (error instanceof FaturadorError && error.code === 'AUTH_ERROR') await this.clear();
      throw error;
    }
  }

  private async grant(params: Record<string, string>): Promise<StoredToken> {
    const { clientId, clientSecret } = this.options.credentials;
    const body = await this.options.transport.grant({
      ...params,
      client_id: clientId,
      client_secret: clientSecret,
    });
    const record = (body ?? {}) as Record<string, unknown>;
    const { access_token: accessToken, refresh_token: refreshToken } = record;
    const expiresInMs = Number(record.expires_in) * 1000;
    if (typeof accessToken !== 'string' || typeof refreshToken !== 'string' || !(expiresInMs > 0)) {
      throw unexpectedShape('grant', 'read', 'an access token, a refresh token and expires_in');
    }
    this.options.secrets.add(accessToken, refreshToken);
    const now = this.options.now();
    const margin = Math.min(this.options.refreshMarginMs ?? 10 * 60_000, expiresInMs / 2);
    this.options.logger.info(
      { provider: 'moloni', connectionId: this.options.connectionId, grantType: params.grant_type },
      'moloni token obtained',
    );
    return {
      accessToken,
      refreshToken,
      refreshAt: now + expiresInMs - margin,
      accessExpiresAt: now + expiresInMs,
      refreshExpiresAt: now + REFRESH_TOKEN_LIFETIME_MS - REFRESH_TOKEN_MARGIN_MS,
    };
  }

  private async load(): Promise<StoredToken | null> {
    const sealed = await this.options.redis.get(this.key);
    if (!sealed) return null;
    try {
      const token = JSON.parse(this.options.secretBox.open(sealed, this.purpose)) as StoredToken;
      this.options.secrets.add(token.accessToken, token.refreshToken);
      return token;
    } catch {
      // A token sealed under another master key (or corrupted) is as good as none: log in again.
      this.options.logger.warn(
        { provider: 'moloni', connectionId: this.options.connectionId },
        'stored moloni token could not be opened; ignoring it',
      );
      return null;
    }
  }

  private async save(token: StoredToken): Promise<void> {
    const ttl = Math.max(60_000, token.refreshExpiresAt - this.options.now());
    const sealed = this.options.secretBox.seal(JSON.stringify(token), this.purpose);
    await this.options.redis.set(this.key, sealed, 'PX', ttl);
    this.memo = { token, until: Date.now() + MEMO_MS };
  }
}
