import type { KeyObject } from 'node:crypto';
import type { IdGenerator } from './ids.js';
import type { FakeClock, FakeOAuthApp, FakeUser } from './types.js';

/** Rights of a full Tracker token (docs/yandex-api.md 2.1). */
export const TRACKER_SCOPES = ['tracker:read', 'tracker:write'];
/** One year, the `expires_in` Yandex samples show (docs/yandex-api.md 2.6). */
export const DEFAULT_OAUTH_LIFETIME_S = 31_536_000;
/** 12 hours, the IAM maximum (docs/yandex-api.md 3.2). */
export const MAX_IAM_LIFETIME_S = 12 * 3600;

export interface OAuthTokenRecord {
  token: string;
  uid: number;
  scopes: string[];
  clientId: string | undefined;
  deviceId: string | undefined;
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
  refreshToken: string | undefined;
}

export interface RefreshRecord {
  refreshToken: string;
  accessToken: string;
  clientId: string | undefined;
  uid: number;
  scopes: string[];
  deviceId: string | undefined;
  expiresAt: number;
  /** Rotation: a used refresh token is dead (replay → invalid_grant). */
  used: boolean;
}

export interface IamTokenRecord {
  token: string;
  uid: number;
  serviceAccountId: string | undefined;
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
}

export interface ServiceAccountRecord {
  id: string;
  name: string;
  uid: number;
}

export interface KeyRecord {
  id: string;
  serviceAccountId: string;
  publicKey: KeyObject;
}

/** What a Tracker `Authorization` header resolved to. */
export type Principal =
  | { kind: 'oauth'; user: FakeUser; scopes: string[] }
  | { kind: 'iam'; user: FakeUser; scopes: string[] };

/**
 * The shared state of one fake: identities, organizations, apps and every token it issued.
 * Endpoint modules read and write it; nothing here speaks HTTP.
 */
export class FakeState {
  readonly users = new Map<number, FakeUser>();
  readonly orgs = new Set<string>();
  readonly cloudOrgs = new Set<string>();
  readonly apps = new Map<string, FakeOAuthApp>();
  readonly oauthTokens = new Map<string, OAuthTokenRecord>();
  readonly refreshTokens = new Map<string, RefreshRecord>();
  readonly iamTokens = new Map<string, IamTokenRecord>();
  readonly serviceAccounts = new Map<string, ServiceAccountRecord>();
  readonly keys = new Map<string, KeyRecord>();
  iamLifetimeS = MAX_IAM_LIFETIME_S;
  /** When true, IAM may hand back a still-young token for the same subject (docs/yandex-api.md 3.2). */
  iamReuse = false;
  private nextUid = 1_130_000_000_000_001;
  url = '';

  constructor(
    readonly clock: FakeClock,
    readonly ids: IdGenerator,
  ) {}

  /** Adds (or replaces by login) a user; returns it. */
  addUser(input: Partial<FakeUser> & { login: string }): FakeUser {
    const existing = this.userByLogin(input.login);
    const uid = input.uid ?? existing?.uid ?? this.nextUid++;
    const user: FakeUser = {
      uid,
      login: input.login,
      firstName: input.firstName ?? input.login,
      lastName: input.lastName ?? 'Tester',
      email: input.email ?? `${input.login}@example.com`,
      ...(input.cloudUid !== undefined ? { cloudUid: input.cloudUid } : {}),
      ...(input.orgs !== undefined ? { orgs: [...input.orgs] } : {}),
      ...(input.serviceAccountId !== undefined ? { serviceAccountId: input.serviceAccountId } : {}),
    };
    if (existing && existing.uid !== uid) this.users.delete(existing.uid);
    this.users.set(uid, user);
    return user;
  }

  userByLogin(login: string): FakeUser | undefined {
    for (const u of this.users.values()) if (u.login === login) return u;
    return undefined;
  }

  /** Resolves `{ uid }` or `{ login }` to a user or throws a clear error. */
  resolveUser(ref: { uid?: number; login?: string }, fallback: FakeUser): FakeUser {
    if (ref.uid !== undefined) {
      const u = this.users.get(ref.uid);
      if (!u) throw new Error(`fake Yandex: no user with uid ${ref.uid}`);
      return u;
    }
    if (ref.login !== undefined) {
      const u = this.userByLogin(ref.login);
      if (!u) throw new Error(`fake Yandex: no user with login ${ref.login}`);
      return u;
    }
    return fallback;
  }

  /** Issues an OAuth access + refresh token pair. */
  issueOAuth(opts: { uid: number; scopes: string[]; expiresInS?: number; clientId?: string; deviceId?: string }): OAuthTokenRecord {
    const now = this.clock.now();
    const lifetime = opts.expiresInS ?? DEFAULT_OAUTH_LIFETIME_S;
    const rec: OAuthTokenRecord = {
      token: this.ids.oauthToken(),
      uid: opts.uid,
      scopes: [...opts.scopes],
      clientId: opts.clientId,
      deviceId: opts.deviceId,
      issuedAt: now,
      expiresAt: now + lifetime * 1000,
      revoked: false,
      refreshToken: undefined,
    };
    this.oauthTokens.set(rec.token, rec);
    rec.refreshToken = this.issueRefresh(rec).refreshToken;
    return rec;
  }

  /** A new refresh token for `access`; it lives as long as the access token (docs/yandex-api.md 2.3). */
  issueRefresh(access: OAuthTokenRecord): RefreshRecord {
    const refresh: RefreshRecord = {
      refreshToken: this.ids.refreshToken(),
      accessToken: access.token,
      clientId: access.clientId,
      uid: access.uid,
      scopes: access.scopes,
      deviceId: access.deviceId,
      expiresAt: access.expiresAt,
      used: false,
    };
    this.refreshTokens.set(refresh.refreshToken, refresh);
    return refresh;
  }

  /**
   * Seconds left until `expiresAt` (≥ 0), rounded: with the system clock a few milliseconds
   * pass between issuing and answering, and a fresh token must still report its full lifetime.
   */
  secondsLeft(expiresAt: number): number {
    return Math.max(0, Math.round((expiresAt - this.clock.now()) / 1000));
  }

  /** A live (known, unrevoked, unexpired) OAuth token record. */
  liveOAuth(token: string): OAuthTokenRecord | undefined {
    const rec = this.oauthTokens.get(token);
    if (!rec || rec.revoked || rec.expiresAt <= this.clock.now()) return undefined;
    return rec;
  }

  /** Issues an IAM token for a user or service account, or reuses a young one when enabled. */
  issueIam(uid: number, serviceAccountId?: string): IamTokenRecord {
    const now = this.clock.now();
    const lifetimeMs = this.iamLifetimeS * 1000;
    if (this.iamReuse) {
      for (const rec of this.iamTokens.values()) {
        if (rec.uid === uid && !rec.revoked && rec.expiresAt - now > lifetimeMs / 2) return rec;
      }
    }
    const rec: IamTokenRecord = {
      token: this.ids.iamToken(),
      uid,
      serviceAccountId,
      issuedAt: now,
      expiresAt: now + lifetimeMs,
      revoked: false,
    };
    this.iamTokens.set(rec.token, rec);
    return rec;
  }

  liveIam(token: string): IamTokenRecord | undefined {
    const rec = this.iamTokens.get(token);
    if (!rec || rec.revoked || rec.expiresAt <= this.clock.now()) return undefined;
    return rec;
  }

  /** Revokes any token the fake issued (OAuth access, refresh or IAM). Returns whether it knew it. */
  revoke(token: string): boolean {
    const oauth = this.oauthTokens.get(token);
    if (oauth) {
      oauth.revoked = true;
      if (oauth.refreshToken) this.refreshTokens.delete(oauth.refreshToken);
      return true;
    }
    const refresh = this.refreshTokens.get(token);
    if (refresh) {
      this.refreshTokens.delete(token);
      const access = this.oauthTokens.get(refresh.accessToken);
      if (access) access.revoked = true;
      return true;
    }
    const iam = this.iamTokens.get(token);
    if (iam) {
      iam.revoked = true;
      return true;
    }
    return false;
  }

  /** Resolves an `Authorization` header value to a principal (docs/yandex-api.md 1.2). */
  principalFor(authorization: string | undefined): Principal | undefined {
    if (!authorization) return undefined;
    const m = /^(\S+) +(\S+)\s*$/.exec(authorization);
    if (!m) return undefined;
    const scheme = (m[1] ?? '').toLowerCase();
    const token = m[2] ?? '';
    if (scheme === 'oauth') {
      const rec = this.liveOAuth(token);
      const user = rec && this.users.get(rec.uid);
      return rec && user ? { kind: 'oauth', user, scopes: rec.scopes } : undefined;
    }
    if (scheme === 'bearer') {
      const rec = this.liveIam(token);
      const user = rec && this.users.get(rec.uid);
      // IAM tokens carry the account's own rights (docs/yandex-api.md 1.2).
      return rec && user ? { kind: 'iam', user, scopes: TRACKER_SCOPES } : undefined;
    }
    return undefined;
  }
}
