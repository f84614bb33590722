import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { FaturadorError } from '@faturador/core';
import type { Redis } from 'ioredis';

/**
 * Backoffice users and their sessions.
 *
 * - `admin:<email>` hash (password as an scrypt hash), `admins` zset (score = created ms)
 * - `admsession:<sha256 of the token>` hash with a TTL: the cookie holds the token, Redis its hash
 * - `admlimit:account:<email>`, `admlimit:ip:<ip>` counters with a TTL (sign-in attempts)
 */
export const ADMIN_ROLES = ['viewer', 'operator', 'admin'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export interface AdminUser {
  email: string;
  role: AdminRole;
  createdAt: string;
}

export interface AdminSession {
  email: string;
  role: AdminRole;
  /** Sent back in every form; a form without it is refused. */
  csrfToken: string;
  expiresAt: string;
}

export interface AdminStoreOptions {
  redis: Redis;
  prefix: string;
  /** Idle lifetime of a session (renewed on use). */
  sessionTtlSeconds?: number;
  /** Sign-in failures allowed per account and per IP in `limitWindowSeconds`. */
  maxFailuresPerAccount?: number;
  maxFailuresPerIp?: number;
  limitWindowSeconds?: number;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}$/;
// scrypt's cost: N = 2^15 takes ~50 ms here, slow for a guesser and fine for a sign-in.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

function derive(password: string, salt: Buffer, params = SCRYPT): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, 32, params, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export type SignInResult =
  | { ok: true; token: string; session: AdminSession }
  | { ok: false; reason: 'invalid' | 'rate_limited' };

export function createAdminStore(options: AdminStoreOptions) {
  const { redis, prefix } = options;
  const ttl = options.sessionTtlSeconds ?? 8 * 3600;
  const window = options.limitWindowSeconds ?? 15 * 60;
  const maxAccount = options.maxFailuresPerAccount ?? 5;
  const maxIp = options.maxFailuresPerIp ?? 20;
  const keys = {
    admin: (email: string) => `${prefix}:admin:${email}`,
    admins: `${prefix}:admins`,
    session: (token: string) => `${prefix}:admsession:${tokenHash(token)}`,
    account: (email: string) => `${prefix}:admlimit:account:${tokenHash(email)}`,
    ip: (ip: string) => `${prefix}:admlimit:ip:${ip}`,
  };
  // A fixed hash to compare against when the account does not exist, so timing tells nothing.
  let dummyHash: Promise<string> | null = null;

  async function failures(email: string, ip: string): Promise<[number, number]> {
    const [account, byIp] = await redis.mget(keys.account(email), keys.ip(ip));
    return [Number(account ?? 0), Number(byIp ?? 0)];
  }

  async function countFailure(email: string, ip: string): Promise<void> {
    await redis
      .multi()
      .incr(keys.account(email))
      .expire(keys.account(email), window, 'NX')
      .incr(keys.ip(ip))
      .expire(keys.ip(ip), window, 'NX')
      .exec();
  }

  return {
    /**
     * Creates a user. Without a password, one is generated and returned: shown once, to be given
     * to the user; only its hash is stored.
     */
    async create(input: {
      email: string;
      role: AdminRole;
      password?: string;
    }): Promise<{ user: AdminUser; password: string }> {
      const email = normalizeEmail(input.email);
      if (!EMAIL.test(email))
        throw new FaturadorError('VALIDATION_ERROR', `"${email}" is not an e-mail address.`);
      if (!ADMIN_ROLES.includes(input.role))
        throw new FaturadorError('VALIDATION_ERROR', `role must be one of ${ADMIN_ROLES.join(', ')}.`);
      const password = input.password ?? randomBytes(15).toString('base64url');
      if (password.length < 12)
        throw new FaturadorError('VALIDATION_ERROR', 'The password must have at least 12 characters.');
      const createdAt = new Date().toISOString();
      const created = await redis.hsetnx(keys.admin(email), 'email', email);
      if (created === 0) throw new FaturadorError('VALIDATION_ERROR', `There is already a user ${email}.`);
      await redis
        .multi()
        .hset(keys.admin(email), {
          role: input.role,
          password: await hashPassword(password),
          created_at: createdAt,
        })
        .zadd(keys.admins, Date.now(), email)
        .exec();
      return { user: { email, role: input.role, createdAt }, password };
    },

    /** A new password for an existing user (the local stack's demo user gets one each start). */
    async setPassword(emailInput: string, password: string): Promise<void> {
      const email = normalizeEmail(emailInput);
      if (password.length < 12)
        throw new FaturadorError('VALIDATION_ERROR', 'The password must have at least 12 characters.');
      if (!(await redis.exists(keys.admin(email))))
        throw new FaturadorError('NOT_FOUND', `No user ${email}.`);
      await redis.hset(keys.admin(email), { password: await hashPassword(password) });
    },

    async get(emailInput: string): Promise<AdminUser | null> {
      const email = normalizeEmail(emailInput);
      const [role, createdAt] = await redis.hmget(keys.admin(email), 'role', 'created_at');
      if (!role) return null;
      return { email, role: role as AdminRole, createdAt: createdAt ?? '' };
    },

    async list(): Promise<AdminUser[]> {
      const emails = await redis.zrange(keys.admins, 0, -1);
      const users = await Promise.all(emails.map((email) => this.get(email)));
      return users.filter((user): user is AdminUser => user !== null);
    },

    /** Checks the password; refuses (without checking) past the limits per account and per IP. */
    async signIn(emailInput: string, password: string, ip: string): Promise<SignInResult> {
      const email = normalizeEmail(emailInput);
      const [byAccount, byIp] = await failures(email, ip);
      if (byAccount >= maxAccount || byIp >= maxIp) return { ok: false, reason: 'rate_limited' };
      const [role, stored] = await redis.hmget(keys.admin(email), 'role', 'password');
      dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
      const valid = await verifyPassword(password, stored ?? (await dummyHash));
      if (!valid || !role || !stored) {
        await countFailure(email, ip);
        return { ok: false, reason: 'invalid' };
      }
      await redis.del(keys.account(email));
      const token = randomBytes(32).toString('base64url');
      const session: AdminSession = {
        email,
        role: role as AdminRole,
        csrfToken: randomBytes(24).toString('base64url'),
        expiresAt: new Date(Date.now() + ttl * 1000).toISOString(),
      };
      await redis
        .multi()
        .hset(keys.session(token), { email, role, csrf: session.csrfToken })
        .expire(keys.session(token), ttl)
        .exec();
      return { ok: true, token, session };
    },

    /** The session of a cookie's token, renewed; null when unknown or expired. */
    async session(token: string | undefined): Promise<AdminSession | null> {
      if (!token || token.length > 100) return null;
      const key = keys.session(token);
      const [email, role, csrf] = await redis.hmget(key, 'email', 'role', 'csrf');
      if (!email || !role || !csrf) return null;
      // The role is read again: a user demoted or removed loses it at once.
      const current = await this.get(email);
      if (!current) return null;
      await redis.expire(key, ttl);
      return {
        email,
        role: current.role,
        csrfToken: csrf,
        expiresAt: new Date(Date.now() + ttl * 1000).toISOString(),
      };
    },

    async signOut(token: string | undefined): Promise<void> {
      if (token) await redis.del(keys.session(token));
    },
  };
}

export type AdminStore = ReturnType<typeof createAdminStore>;

/** What a role may do: viewers read, operators act on requests, admins manage clients and connections. */
export function roleAllows(role: AdminRole, needed: AdminRole): boolean {
  return ADMIN_ROLES.indexOf(role) >= ADMIN_ROLES.indexOf(needed);
}
