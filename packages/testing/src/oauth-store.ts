import { createHash, randomBytes } from 'node:crypto';
import type { FakeState } from './state.js';
import { TRACKER_SCOPES } from './state.js';
import type { FakeOAuthApp, FakeUser } from './types.js';

/** Codes and device codes live 10 minutes (docs/yandex-api.md 2.4, 2.6). */
export const CODE_LIFETIME_MS = 10 * 60_000;

export interface AuthCodeRecord {
  code: string;
  clientId: string;
  /** The redirect_uri the code was sent to; /token must not name a different one. */
  redirectUri: string;
  uid: number;
  scopes: string[];
  /** Rights the client asked for (`scope` + `optional_scope`); more than `scopes` → `/token` names `scope`. */
  askedScopes: string[];
  codeChallenge: string | undefined;
  codeChallengeMethod: 'S256' | 'plain' | undefined;
  deviceId: string | undefined;
  expiresAt: number;
  used: boolean;
}

export interface DeviceCodeRecord {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scopes: string[];
  /** Rights the client asked for; see {@link AuthCodeRecord.askedScopes}. */
  askedScopes: string[];
  deviceId: string | undefined;
  expiresAt: number;
  status: 'pending' | 'approved' | 'denied' | 'consumed';
  uid: number | undefined;
  lastPollAt: number | undefined;
}

/** What an /authorize request asks for, as shown to hooks and the consent page. */
export interface AuthorizeRequest {
  responseType: 'code' | 'token';
  clientId: string;
  redirectUri: string;
  /** Rights that will be granted: `scope`, plus the `optional_scope` entries the app may have. */
  scopes: string[];
  /** Rights asked for (`scope` + `optional_scope`), granted or not. */
  askedScopes: string[];
  state: string | undefined;
  loginHint: string | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: 'S256' | 'plain' | undefined;
  deviceId: string | undefined;
  deviceName: string | undefined;
}

/** A consent waiting for Allow/Deny (autoApprove off). */
export interface PendingConsent extends AuthorizeRequest {
  id: string;
  uid: number;
}

/** Decides an /authorize request in tests: `allow`, `deny`, or undefined for the default path. */
export type AuthorizeHook = (request: AuthorizeRequest & { user: FakeUser }) => 'allow' | 'deny' | undefined;

/** RFC 7636 verifier syntax: 43–128 chars of `[A-Za-z0-9-._~]`. */
export function validVerifier(v: string): boolean {
  return /^[A-Za-z0-9\-._~]{43,128}$/.test(v);
}

/** PKCE check (RFC 7636 4.6). */
export function pkceMatches(verifier: string, challenge: string, method: 'S256' | 'plain'): boolean {
  if (method === 'plain') return verifier === challenge;
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}

/**
 * Redirect URI matching: exact (docs/yandex-api.md 2.1: one registered for the app). Only an app
 * registered with `anyLoopbackPort` (the demo app) lets a registered loopback URI without a
 * port match any port (RFC 8252 7.3), so sample apps on random ports can share it.
 */
export function redirectUriAllowed(app: FakeOAuthApp, uri: string): boolean {
  if (app.redirectUris.includes(uri)) return true;
  if (!app.anyLoopbackPort) return false;
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) return false;
  return app.redirectUris.some((r) => {
    try {
      const reg = new URL(r);
      return reg.port === '' && reg.protocol === 'http:' && reg.hostname === u.hostname && reg.pathname === u.pathname && reg.search === u.search;
    } catch {
      return false;
    }
  });
}

/** OAuth apps, codes, device codes and consents of one fake. */
export class OAuthStore {
  readonly codes = new Map<string, AuthCodeRecord>();
  readonly deviceCodes = new Map<string, DeviceCodeRecord>();
  readonly consents = new Map<string, PendingConsent>();
  autoApprove: boolean;
  hook: AuthorizeHook | undefined;
  deviceIntervalS = 5;
  /**
   * Opt-in, kinder than Yandex: `/revoke_token` also revokes tokens issued without a
   * `device_id`. Yandex documents revocation for device tokens only and answers
   * `unsupported_token_type` for the others (docs/yandex-api.md 2.5).
   */
  revokeAnyToken = false;
  /**
   * Opt-in: every refresh grant returns a new access token. By default, as Yandex documents
   * (docs/yandex-api.md 2.3), a token with long to live comes back unchanged (see oauth-token.ts).
   */
  refreshAlwaysNewAccessToken = false;
  signedInUid: number | undefined;

  constructor(
    private readonly state: FakeState,
    autoApprove: boolean,
  ) {
    this.autoApprove = autoApprove;
  }

  /** Registers (or replaces) an app. Omit `clientSecret` for a public client. */
  registerApp(input: { clientId?: string; clientSecret?: string | null; redirectUris: string[]; scopes?: string[]; name?: string; anyLoopbackPort?: boolean }): FakeOAuthApp {
    if (!Array.isArray(input.redirectUris) || input.redirectUris.length === 0) {
      throw new TypeError('oauth.registerApp: redirectUris must list at least one URI');
    }
    for (const r of input.redirectUris) {
      try {
        new URL(r);
      } catch {
        throw new TypeError(`oauth.registerApp: redirect URI "${r}" is not an absolute URL`);
      }
    }
    const app: FakeOAuthApp = {
      clientId: input.clientId ?? this.state.ids.hex32(),
      clientSecret: input.clientSecret === null ? undefined : (input.clientSecret ?? this.state.ids.hex32()),
      redirectUris: [...input.redirectUris],
      scopes: input.scopes ? [...input.scopes] : [...TRACKER_SCOPES],
      name: input.name ?? 'Test app',
      anyLoopbackPort: input.anyLoopbackPort === true,
    };
    this.state.apps.set(app.clientId, app);
    return app;
  }

  /** A fresh 7-digit confirmation code (Yandex codes are 7 digits, docs/yandex-api.md 2.3). */
  newCode(rec: Omit<AuthCodeRecord, 'code' | 'expiresAt' | 'used'>): AuthCodeRecord {
    let code: string;
    do code = this.state.ids.digits(7);
    while (this.codes.has(code));
    const full: AuthCodeRecord = { ...rec, code, expiresAt: this.state.clock.now() + CODE_LIFETIME_MS, used: false };
    this.codes.set(code, full);
    return full;
  }

  newDeviceCode(clientId: string, scopes: string[], askedScopes: string[], deviceId: string | undefined): DeviceCodeRecord {
    let userCode: string;
    do userCode = this.state.ids.digits(7);
    while ([...this.deviceCodes.values()].some((d) => d.userCode === userCode));
    const rec: DeviceCodeRecord = {
      deviceCode: randomBytes(16).toString('hex'),
      userCode,
      clientId,
      scopes,
      askedScopes,
      deviceId,
      expiresAt: this.state.clock.now() + CODE_LIFETIME_MS,
      status: 'pending',
      uid: undefined,
      lastPollAt: undefined,
    };
    this.deviceCodes.set(rec.deviceCode, rec);
    return rec;
  }

  deviceByUserCode(userCode: string): DeviceCodeRecord | undefined {
    const normalized = userCode.replace(/[\s-]/g, '');
    for (const d of this.deviceCodes.values()) if (d.userCode === normalized) return d;
    return undefined;
  }

  newConsent(request: AuthorizeRequest, uid: number): PendingConsent {
    const consent: PendingConsent = { ...request, id: randomBytes(12).toString('hex'), uid };
    this.consents.set(consent.id, consent);
    return consent;
  }

  /** The user who "is signed in" at the fake's /authorize: login_hint, then the chosen one, then the demo user. */
  userFor(loginHint: string | undefined, fallback: FakeUser): FakeUser {
    if (loginHint) {
      const u = this.state.userByLogin(loginHint);
      if (u) return u;
    }
    if (this.signedInUid !== undefined) return this.state.users.get(this.signedInUid) ?? fallback;
    return fallback;
  }

  /**
   * Where the browser goes after a decision (docs/yandex-api.md 2.2, fact 6): code flow puts
   * `code`/`state` (or `error`) in the query; implicit flow puts token data in the fragment.
   */
  completeAuthorize(request: AuthorizeRequest, uid: number, decision: 'allow' | 'deny'): string {
    const target = new URL(request.redirectUri);
    const params = new URLSearchParams();
    if (decision === 'deny') {
      params.set('error', 'access_denied');
      params.set('error_description', 'The user denied access');
    } else if (request.responseType === 'code') {
      const rec = this.newCode({
        clientId: request.clientId,
        redirectUri: request.redirectUri,
        uid,
        scopes: request.scopes,
        askedScopes: request.askedScopes,
        codeChallenge: request.codeChallenge,
        codeChallengeMethod: request.codeChallengeMethod,
        deviceId: request.deviceId,
      });
      params.set('code', rec.code);
    } else {
      const tok = this.state.issueOAuth({ uid, scopes: request.scopes, clientId: request.clientId, ...(request.deviceId ? { deviceId: request.deviceId } : {}) });
      // The implicit flow returns no refresh token.
      if (tok.refreshToken) this.state.refreshTokens.delete(tok.refreshToken);
      tok.refreshToken = undefined;
      params.set('access_token', tok.token);
      params.set('token_type', 'bearer');
      params.set('expires_in', String(this.state.secondsLeft(tok.expiresAt)));
    }
    if (request.state !== undefined) params.set('state', request.state);
    if (request.responseType === 'token') {
      target.hash = params.toString();
    } else {
      for (const [k, v] of params) target.searchParams.append(k, v);
    }
    return target.toString();
  }
}
