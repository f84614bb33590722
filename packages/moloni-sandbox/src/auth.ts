import { randomBytes } from 'node:crypto';
import type { SandboxClock } from '@faturador/sandbox-kit';
import { MoloniAuthError } from './errors.ts';

export interface SandboxCredentials {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

export const DEFAULT_CREDENTIALS: SandboxCredentials = {
  clientId: 'faturador-sandbox',
  clientSecret: 'sandbox-secret',
  username: 'demo@faturador.test',
  password: 'sandbox-password',
};

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  token_type: 'bearer';
  scope: null;
  refresh_token: string;
}

export interface TokenLifetimes {
  /** Access token lifetime, `expires_in` (Moloni: 3600). */
  accessTokenSeconds: number;
  /** Refresh token lifetime (Moloni: 14 days). */
  refreshTokenSeconds: number;
}

export const DEFAULT_LIFETIMES: TokenLifetimes = {
  accessTokenSeconds: 3600,
  refreshTokenSeconds: 14 * 24 * 3600,
};

interface Issued {
  clientId: string;
  expiresAt: number;
}

export type GrantType = 'password' | 'refresh_token';

export interface SavedTokens {
  access: Array<[string, Issued]>;
  refresh: Array<[string, Issued]>;
}

function token(): string {
  return randomBytes(20).toString('hex');
}

/**
 * Moloni's OAuth2 server (bshaffer/oauth2-server-php, judging by its messages): password and
 * refresh-token grants, refresh tokens rotated on use.
 */
export class TokenStore {
  private readonly access = new Map<string, Issued>();
  private readonly refresh = new Map<string, Issued>();
  /** Successful grants by type, so tests can assert "exactly one refresh". */
  readonly grants: Record<GrantType, number> = { password: 0, refresh_token: 0 };

  constructor(
    readonly credentials: SandboxCredentials,
    private readonly clock: SandboxClock,
    readonly lifetimes: TokenLifetimes = DEFAULT_LIFETIMES,
  ) {}

  /** `GET /v1/grant/?grant_type=…` — only the query string counts, as in production. */
  grant(query: URLSearchParams): TokenResponse {
    const grantType = query.get('grant_type');
    const clientId = query.get('client_id');
    const clientSecret = query.get('client_secret');
    if (!grantType) throw new MoloniAuthError('invalid_request', 'Missing parameters: "grant_type" required');
    if (!clientId || !clientSecret) {
      throw new MoloniAuthError(
        'invalid_request',
        'Missing parameters: "client_id" and "client_secret" required',
      );
    }
    if (grantType !== 'password' && grantType !== 'refresh_token') {
      throw new MoloniAuthError('unsupported_grant_type', `Grant type "${grantType}" not supported`);
    }
    if (clientId !== this.credentials.clientId || clientSecret !== this.credentials.clientSecret) {
      throw new MoloniAuthError('invalid_client', 'The client credentials are invalid');
    }
    if (grantType === 'password') {
      const username = query.get('username');
      const password = query.get('password');
      if (!username || !password) {
        throw new MoloniAuthError(
          'invalid_request',
          'Missing parameters: "username" and "password" required',
        );
      }
      if (username !== this.credentials.username || password !== this.credentials.password) {
        throw new MoloniAuthError('invalid_grant', 'Invalid username and password combination');
      }
    } else {
      this.consumeRefreshToken(query.get('refresh_token'), clientId);
    }
    this.grants[grantType] += 1;
    return this.issue(clientId);
  }

  private consumeRefreshToken(refreshToken: string | null, clientId: string): void {
    if (!refreshToken)
      throw new MoloniAuthError('invalid_request', 'Missing parameter: "refresh_token" is required');
    const issued = this.refresh.get(refreshToken);
    if (!issued || issued.clientId !== clientId) {
      throw new MoloniAuthError('invalid_grant', 'Token is no longer valid');
    }
    if (this.clock.now() >= issued.expiresAt) {
      this.refresh.delete(refreshToken);
      throw new MoloniAuthError('invalid_grant', 'Refresh token has expired');
    }
    // Rotation: the used refresh token dies now, before the new pair exists.
    this.refresh.delete(refreshToken);
  }

  private issue(clientId: string): TokenResponse {
    const now = this.clock.now();
    const accessToken = token();
    const refreshToken = token();
    this.access.set(accessToken, { clientId, expiresAt: now + this.lifetimes.accessTokenSeconds * 1000 });
    this.refresh.set(refreshToken, { clientId, expiresAt: now + this.lifetimes.refreshTokenSeconds * 1000 });
    return {
      access_token: accessToken,
      expires_in: this.lifetimes.accessTokenSeconds,
      token_type: 'bearer',
      scope: null,
      refresh_token: refreshToken,
    };
  }

  /** Throws the HTTP 400 body Moloni sends for a missing, unknown or expired access token. */
  verify(accessToken: string | null): void {
    if (!accessToken) throw new MoloniAuthError('invalid_request', 'The access token was not found');
    const issued = this.access.get(accessToken);
    if (!issued) throw new MoloniAuthError('invalid_request', 'The access token was not found');
    if (this.clock.now() >= issued.expiresAt) {
      throw new MoloniAuthError('invalid_request', 'The access token provided has expired');
    }
  }

  /** The live tokens, for a sandbox that keeps its state across restarts. */
  exportTokens(): SavedTokens {
    return { access: [...this.access], refresh: [...this.refresh] };
  }

  importTokens(saved: SavedTokens): void {
    this.access.clear();
    this.refresh.clear();
    for (const [token, issued] of saved.access) this.access.set(token, issued);
    for (const [token, issued] of saved.refresh) this.refresh.set(token, issued);
  }

  /** Forgets every token (the "user changed password" case); also part of a sandbox reset. */
  revokeAll(): void {
    this.access.clear();
    this.refresh.clear();
    this.grants.password = 0;
    this.grants.refresh_token = 0;
  }
}
