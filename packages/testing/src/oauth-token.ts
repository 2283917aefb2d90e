import type { RequestContext } from './context.js';
import { header, isForm, sendJson } from './http-util.js';
import { pkceMatches, validVerifier, type OAuthStore } from './oauth-store.js';
import type { FakeState, OAuthTokenRecord } from './state.js';
import type { FakeOAuthApp, FakeUser } from './types.js';

/** Tolerance of the device-flow poll-interval check, ms. */
const POLL_SLACK_MS = 250;

/** OAuth error body, HTTP 400 (docs/yandex-api.md 2.3: per-code statuses are not documented). */
export function oauthError(ctx: RequestContext, error: string, description: string, status = 400): void {
  sendJson(ctx.res, status, { error, error_description: description }, { 'cache-control': 'no-store' });
}

/**
 * Share of an access token's lifetime below which a refresh grant issues a new access token.
 * Above it the token "still has long to live" and comes back unchanged with a new refresh
 * token (docs/yandex-api.md 2.3); Yandex publishes no number, so the fake picks 10 %.
 */
export const REFRESH_REISSUE_SHARE = 0.1;

/** Device ids are 6–50 printable ASCII chars, space (32) to `~` (126) (docs/yandex-api.md 2.1). */
export function validDeviceId(id: string): boolean {
  return /^[\x20-\x7e]{6,50}$/.test(id);
}

/** Device names are up to 100 chars (docs/yandex-api.md 2.1). */
function checkDevice(form: URLSearchParams): string | undefined {
  const id = form.get('device_id');
  if (id !== null && !validDeviceId(id)) return 'device_id must be 6-50 printable ASCII characters';
  const name = form.get('device_name');
  if (name !== null && name.length > 100) return 'device_name must be at most 100 characters';
  return undefined;
}

/** Space-separated scope list (docs/yandex-api.md 2.1). */
export function parseScopes(raw: string | null): string[] | undefined {
  if (raw === null) return undefined;
  return raw.split(/[\s,]+/).filter(Boolean);
}

/**
 * `/token`, `/device/code` and `/revoke_token` (docs/yandex-api.md 2.3–2.5). Bodies must be
 * form-encoded; client authentication is Basic or the body pair, and the header wins.
 */
export class OAuthTokenApi {
  constructor(
    private readonly state: FakeState,
    private readonly store: OAuthStore,
    private readonly defaultUser: () => FakeUser,
  ) {}

  /** Reads the form or answers invalid_request (wrong method or content type). */
  private async readForm(ctx: RequestContext): Promise<URLSearchParams | undefined> {
    if (ctx.method !== 'POST') {
      oauthError(ctx, 'invalid_request', `${ctx.method} is not supported; use POST`, 405);
      return undefined;
    }
    if (!isForm(ctx.req)) {
      await ctx.body();
      oauthError(ctx, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
      return undefined;
    }
    return ctx.form();
  }

  /** Client authentication (docs/yandex-api.md 2.3): Basic header wins over the body pair. */
  private authenticate(ctx: RequestContext, form: URLSearchParams, requireSecret: boolean): FakeOAuthApp | undefined {
    const auth = header(ctx.req, 'authorization');
    let clientId: string | null;
    let secret: string | null;
    if (auth !== undefined) {
      const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(auth);
      const decoded = m ? Buffer.from(m[1] ?? '', 'base64').toString('utf8') : '';
      const colon = decoded.indexOf(':');
      if (!m || colon < 0) {
        oauthError(ctx, 'invalid_client', 'malformed Basic client authentication');
        return undefined;
      }
      clientId = safeDecode(decoded.slice(0, colon));
      secret = safeDecode(decoded.slice(colon + 1));
    } else {
      clientId = form.get('client_id');
      secret = form.get('client_secret');
    }
    if (!clientId) {
      oauthError(ctx, 'invalid_client', 'client_id is missing');
      return undefined;
    }
    const app = this.state.apps.get(clientId);
    if (!app) {
      oauthError(ctx, 'invalid_client', 'unknown client_id');
      return undefined;
    }
    if (requireSecret && app.clientSecret !== undefined && secret !== app.clientSecret) {
      oauthError(ctx, 'invalid_client', secret ? 'wrong client_secret' : 'client_secret is missing');
      return undefined;
    }
    return app;
  }

  /**
   * The success body (docs/yandex-api.md 2.3). `scope` appears only when fewer rights were granted
   * than asked (`asked`), listing the granted ones space-separated.
   */
  private sendToken(ctx: RequestContext, rec: OAuthTokenRecord, asked: readonly string[] = rec.scopes): void {
    const fewer = asked.some((s) => !rec.scopes.includes(s));
    sendJson(
      ctx.res,
      200,
      {
        access_token: rec.token,
        refresh_token: rec.refreshToken,
        token_type: 'bearer',
        expires_in: this.state.secondsLeft(rec.expiresAt),
        ...(fewer ? { scope: rec.scopes.join(' ') } : {}),
      },
      { 'cache-control': 'no-store' },
    );
  }

  /** `POST /token`. */
  async token(ctx: RequestContext): Promise<void> {
    const form = await this.readForm(ctx);
    if (!form) return;
    const grant = form.get('grant_type');
    if (!grant) return oauthError(ctx, 'invalid_request', 'grant_type is missing');
    if (!['authorization_code', 'refresh_token', 'device_code', 'urn:ietf:params:oauth:grant-type:device_code'].includes(grant)) {
      return oauthError(ctx, 'unsupported_grant_type', `grant_type ${grant} is not supported`);
    }
    const deviceError = checkDevice(form);
    if (deviceError) return oauthError(ctx, 'invalid_request', deviceError);
    const app = this.authenticate(ctx, form, true);
    if (!app) return;
    if (grant === 'authorization_code') return this.codeGrant(ctx, form, app);
    if (grant === 'refresh_token') return this.refreshGrant(ctx, form, app);
    return this.deviceGrant(ctx, form, app);
  }

  private codeGrant(ctx: RequestContext, form: URLSearchParams, app: FakeOAuthApp): void {
    const code = form.get('code');
    if (!code) return oauthError(ctx, 'invalid_request', 'code is missing');
    if (!/^\d{7}$/.test(code)) return oauthError(ctx, 'bad_verification_code', 'the code is malformed');
    const rec = this.store.codes.get(code);
    const now = this.state.clock.now();
    if (!rec || rec.used) return oauthError(ctx, 'invalid_grant', 'the code is unknown or was already used');
    if (rec.expiresAt <= now) return oauthError(ctx, 'invalid_grant', 'the code has expired');
    if (rec.clientId !== app.clientId) return oauthError(ctx, 'invalid_grant', 'the code was issued to another client');
    const redirectUri = form.get('redirect_uri');
    // Yandex does not ask for redirect_uri here; when a client sends one it must match (RFC 6749 4.1.3).
    if (redirectUri !== null && redirectUri !== rec.redirectUri) {
      return oauthError(ctx, 'invalid_grant', 'redirect_uri does not match the authorization request');
    }
    const verifier = form.get('code_verifier');
    if (verifier !== null && !validVerifier(verifier)) {
      return oauthError(ctx, 'invalid_request', 'code_verifier must be 43-128 characters of [A-Za-z0-9-._~]');
    }
    if (rec.codeChallenge !== undefined) {
      if (verifier === null) return oauthError(ctx, 'invalid_grant', 'code_verifier is required for this code');
      if (!pkceMatches(verifier, rec.codeChallenge, rec.codeChallengeMethod ?? 'plain')) {
        return oauthError(ctx, 'invalid_grant', 'code_verifier does not match code_challenge');
      }
    }
    rec.used = true; // single use, even when the exchange below fails later
    const deviceId = form.get('device_id') ?? rec.deviceId;
    const tok = this.state.issueOAuth({ uid: rec.uid, scopes: rec.scopes, clientId: app.clientId, ...(deviceId ? { deviceId } : {}) });
    this.sendToken(ctx, tok, rec.askedScopes);
  }

  private refreshGrant(ctx: RequestContext, form: URLSearchParams, app: FakeOAuthApp): void {
    const refresh = form.get('refresh_token');
    if (!refresh) return oauthError(ctx, 'invalid_request', 'refresh_token is missing');
    const rec = this.state.refreshTokens.get(refresh);
    const now = this.state.clock.now();
    if (!rec || rec.used) return oauthError(ctx, 'invalid_grant', 'the refresh token is unknown, revoked or already used');
    if (rec.expiresAt <= now) return oauthError(ctx, 'invalid_grant', 'the refresh token has expired');
    if (rec.clientId !== undefined && rec.clientId !== app.clientId) {
      return oauthError(ctx, 'invalid_grant', 'the refresh token was issued to another client');
    }
    // Rotation: the old refresh token dies; a replay gets invalid_grant.
    rec.used = true;
    this.state.refreshTokens.delete(refresh);
    const old = this.state.oauthTokens.get(rec.accessToken);
    const longToLive = old !== undefined && !old.revoked && old.expiresAt - now > (old.expiresAt - old.issuedAt) * REFRESH_REISSUE_SHARE;
    if (old && longToLive && !this.store.refreshAlwaysNewAccessToken) {
      // Yandex's default (docs/yandex-api.md 2.3): the access token comes back unchanged, with a
      // new refresh token that lives as long as it does.
      const newRefresh = this.state.issueRefresh(old);
      old.refreshToken = newRefresh.refreshToken;
      return this.sendToken(ctx, old);
    }
    const lifetimeS = old ? Math.round((old.expiresAt - old.issuedAt) / 1000) : undefined;
    const tok = this.state.issueOAuth({
      uid: rec.uid,
      scopes: rec.scopes,
      clientId: app.clientId,
      ...(lifetimeS ? { expiresInS: lifetimeS } : {}),
      ...(rec.deviceId ? { deviceId: rec.deviceId } : {}),
    });
    this.sendToken(ctx, tok);
  }

  private deviceGrant(ctx: RequestContext, form: URLSearchParams, app: FakeOAuthApp): void {
    // Yandex takes `code=<device_code>`; accept the RFC 8628 `device_code` name too.
    const code = form.get('code') ?? form.get('device_code');
    if (!code) return oauthError(ctx, 'invalid_request', 'code (the device_code) is missing');
    const rec = this.store.deviceCodes.get(code);
    const now = this.state.clock.now();
    if (!rec || rec.clientId !== app.clientId) return oauthError(ctx, 'invalid_grant', 'unknown device code');
    if (rec.status === 'consumed') return oauthError(ctx, 'invalid_grant', 'the device code was already used');
    if (rec.expiresAt <= now) return oauthError(ctx, 'invalid_grant', 'the device code has expired');
    const last = rec.lastPollAt;
    rec.lastPollAt = now;
    // Polling faster than `interval` is refused (docs/yandex-api.md 2.4); RFC 8628 names it slow_down.
    // A little slack absorbs wall-clock vs timer rounding of clients that sleep exactly `interval`.
    const minGapMs = this.store.deviceIntervalS * 1000 - POLL_SLACK_MS;
    if ((rec.status === 'pending' || rec.status === 'approved') && last !== undefined && now - last < minGapMs) {
      return oauthError(ctx, 'slow_down', `poll no more often than every ${this.store.deviceIntervalS} s`);
    }
    if (rec.status === 'pending') {
      // autoApprove: the "user" enters the code while the first pending answer travels back,
      // so clients exercise at least one authorization_pending round.
      if (this.store.autoApprove) {
        rec.status = 'approved';
        rec.uid = this.store.userFor(undefined, this.defaultUser()).uid;
      }
      return oauthError(ctx, 'authorization_pending', 'the user has not entered the code yet');
    }
    if (rec.status === 'denied') {
      rec.status = 'consumed';
      return oauthError(ctx, 'access_denied', 'the user denied access');
    }
    rec.status = 'consumed';
    const tok = this.state.issueOAuth({ uid: rec.uid ?? 0, scopes: rec.scopes, clientId: app.clientId, ...(rec.deviceId ? { deviceId: rec.deviceId } : {}) });
    this.sendToken(ctx, tok, rec.askedScopes);
  }

  /** `POST /device/code` (docs/yandex-api.md 2.4). */
  async deviceCode(ctx: RequestContext): Promise<void> {
    const form = await this.readForm(ctx);
    if (!form) return;
    const deviceError = checkDevice(form);
    if (deviceError) return oauthError(ctx, 'invalid_request', deviceError);
    const app = this.authenticate(ctx, form, false);
    if (!app) return;
    const required = parseScopes(form.get('scope')) ?? app.scopes;
    const bad = required.find((s) => !app.scopes.includes(s));
    if (bad) return oauthError(ctx, 'invalid_scope', `the app may not request ${bad}`);
    const optional = parseScopes(form.get('optional_scope')) ?? [];
    // Optional rights the app may not have are dropped, not refused: fewer rights than asked.
    const granted = [...new Set([...required, ...optional.filter((s) => app.scopes.includes(s))])];
    const rec = this.store.newDeviceCode(app.clientId, granted, [...new Set([...required, ...optional])], form.get('device_id') ?? undefined);
    sendJson(ctx.res, 200, {
      device_code: rec.deviceCode,
      user_code: rec.userCode,
      verification_url: `${this.state.url}/device`,
      interval: this.store.deviceIntervalS,
      expires_in: Math.round((rec.expiresAt - this.state.clock.now()) / 1000),
    });
  }

  /** `POST /revoke_token` (docs/yandex-api.md 2.5). */
  async revoke(ctx: RequestContext): Promise<void> {
    const form = await this.readForm(ctx);
    if (!form) return;
    const app = this.authenticate(ctx, form, true);
    if (!app) return;
    const token = form.get('access_token');
    if (!token) return oauthError(ctx, 'invalid_request', 'access_token is missing');
    const rec = this.state.oauthTokens.get(token);
    if (!rec || (rec.clientId !== undefined && rec.clientId !== app.clientId)) {
      return oauthError(ctx, 'invalid_request', 'no such token for this client');
    }
    if (!this.store.revokeAnyToken && rec.deviceId === undefined) {
      return oauthError(ctx, 'unsupported_token_type', 'only tokens issued for a device_id can be revoked');
    }
    this.state.revoke(token);
    sendJson(ctx.res, 200, { status: 'ok' });
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
