import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, SignInRequiredError } from '../../src/errors.js';
import { readCookie } from '../../src/web/cookies.js';
import { createOAuthFlow, type OAuthFlow, type OAuthFlowOptions } from '../../src/web/oauth-flow.js';
import { createTrackerProxy } from '../../src/web/proxy.js';
import { APP, flowOptions, REDIRECT, SECRET, useFlowFake } from './flow-options.js';
import { setCookieOf } from './sign-in-helpers.js';

const DAY = 24 * 60 * 60 * 1000;
/** `t.skew`: the app's clock runs that far ahead of the fake's (to make tokens look expired to the app only). */
const t = useFlowFake([REDIRECT, 'https://secure.test/cb']);

function makeFlow(overrides: Partial<OAuthFlowOptions> = {}): OAuthFlow {
  return createOAuthFlow(flowOptions(t.fake, t.app, t.now, overrides));
}

function setCookies(response: Response): string[] {
  return response.headers.getSetCookie();
}

/** `name=value` of the Set-Cookie named `name`, ready for a Cookie header. */
function cookiePair(response: Response, name: string): string {
  const line = setCookies(response).find((c) => c.startsWith(`${name}=`));
  if (!line) throw new Error(`no Set-Cookie ${name}`);
  return line.split(';')[0]!;
}

/** login → fake /authorize (auto-approve) → the callback URL Yandex redirects to. */
async function startSignIn(flow: OAuthFlow, loginUrl = `${APP}/auth/sign-in`) {
  const login = await flow.signIn(new Request(loginUrl));
  expect(login.status).toBe(302);
  const authorize = login.headers.get('location')!;
  const loginCookie = cookiePair(login, 'tracker_login');
  const yandex = await fetch(authorize, { redirect: 'manual' });
  expect(yandex.status).toBe(302);
  return { login, authorize: new URL(authorize), loginCookie, callbackUrl: yandex.headers.get('location')! };
}

/** The whole sign-in; returns the session cookie pair and the callback response. */
async function signIn(flow: OAuthFlow, loginUrl?: string) {
  const started = await startSignIn(flow, loginUrl);
  const callback = await flow.callback(new Request(started.callbackUrl, { headers: { cookie: started.loginCookie } }));
  expect(callback.status).toBe(302);
  return { ...started, callback, session: cookiePair(callback, 'tracker_session') };
}

async function myself(headers: Record<string, string | undefined>) {
  return fetch(`${t.fake.url}/v3/myself`, { headers: headers as Record<string, string> });
}

describe('createOAuthFlow: construction', () => {
  it.each<[string, Partial<OAuthFlowOptions>, string, string]>([
    ['missing clientSecret', { clientSecret: '' }, 'clientSecret', 'INVALID_OPTION'],
    ['short sessionSecret', { sessionSecret: 'short' }, 'sessionSecret', 'INVALID_SECRET'],
    ['short rotated sessionSecret', { sessionSecret: [SECRET, 'short'] }, 'sessionSecret[1]', 'INVALID_SECRET'],
    ['relative redirectUri', { redirectUri: '/auth/callback' }, 'redirectUri', 'INVALID_URL'],
    ['both org kinds', { org: { orgId: '1', cloudOrgId: 'bpf3crucp1v2mm2uxwzz' } as never }, 'org', 'INVALID_ORG'],
    ['bad cookie name', { cookies: { session: 'a b' } }, 'cookies.session', 'INVALID_OPTION'],
    ['same cookie names', { cookies: { session: 'x', signIn: 'x' } }, 'cookies.signIn', 'INVALID_OPTION'],
    ['cookie path injection', { cookies: { path: '/; Domain=evil.example' } }, 'cookies.path', 'INVALID_OPTION'],
    ['open-redirect afterSignInPath', { afterSignInPath: '//evil.example' }, 'afterSignInPath', 'INVALID_OPTION'],
    ['absolute afterSignOutPath', { afterSignOutPath: 'https://evil.example/' }, 'afterSignOutPath', 'INVALID_OPTION'],
    ['session longer than 400 days', { sessionMaxAgeSeconds: 401 * 86400 }, 'sessionMaxAgeSeconds', 'INVALID_OPTION'],
    ['short deviceId', { device: { deviceId: 'abc' } }, 'deviceId', 'INVALID_OPTION'],
    ['bad scope', { scope: ['tracker read'] }, 'scope[0]', 'INVALID_OPTION'],
    ['bad refresh option', { refresh: { earlyMs: -1 } }, 'refresh.earlyMs', 'INVALID_OPTION'],
    ['bad refresh clock', { refresh: { now: 5 as never } }, 'refresh.now', 'INVALID_OPTION'],
    ['zero timeout', { timeoutMs: 0 }, 'timeoutMs', 'INVALID_OPTION'],
    ['oauthUrl with query', { oauthUrl: 'https://oauth.yandex.ru/?x=1' }, 'oauthUrl', 'INVALID_URL'],
  ])('rejects %s', (_name, overrides, field, code) => {
    try {
      makeFlow(overrides);
      expect.unreachable('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).field).toBe(field);
      expect((error as ConfigurationError).code).toBe(code);
      expect((error as Error).message).not.toContain(t.app.clientSecret);
    }
  });
});

describe('createOAuthFlow: login', () => {
  it('redirects to Yandex with state, S256 PKCE and Tracker scopes, and seals them into a login cookie', async () => {
    const flow = makeFlow();
    const response = await flow.signIn(new Request(`${APP}/auth/sign-in`));
    expect(response.status).toBe(302);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const url = new URL(response.headers.get('location')!);
    expect(url.origin + url.pathname).toBe(`${t.fake.url}/authorize`);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('client_id')).toBe(t.app.clientId);
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT);
    expect(url.searchParams.get('scope')).toBe('tracker:read tracker:write');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    const state = url.searchParams.get('state')!;
    expect(state.length).toBeGreaterThanOrEqual(43);
    const [cookie] = setCookies(response);
    expect(cookie).toMatch(/^tracker_login=v1\.[^;]+; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax$/);
    // Sealed: neither the state nor anything readable is in the cookie.
    expect(cookie).not.toContain(state);
  });

  it('sets Secure when the redirect URI is https', async () => {
    const flow = makeFlow({ redirectUri: 'https://secure.test/cb' });
    const [cookie] = setCookies(await flow.signIn(new Request('http://secure.test/login')));
    expect(cookie).toContain('; Secure');
  });

  it('passes device and forceConfirm to Yandex', async () => {
    const flow = makeFlow({ device: { deviceId: 'device-123', deviceName: 'Laptop' }, forceConfirm: true });
    const url = new URL((await flow.signIn(new Request(`${APP}/auth/sign-in`))).headers.get('location')!);
    expect(url.searchParams.get('device_id')).toBe('device-123');
    expect(url.searchParams.get('device_name')).toBe('Laptop');
    expect(url.searchParams.get('force_confirm')).toBe('yes');
  });

  it('answers 405 to other methods', async () => {
    const response = await makeFlow().signIn(new Request(`${APP}/auth/sign-in`, { method: 'DELETE' }));
    expect(response.status).toBe(405);
  });
});

describe('createOAuthFlow: the full chain against the fake Yandex', () => {
  it('signs in, exposes the session without tokens, acts as the user, refreshes, rotates the cookie and signs out', async () => {
    const flow = makeFlow();
    const { callback, session, callbackUrl } = await signIn(flow, `${APP}/auth/sign-in?returnTo=%2Fissues%3Fq%3D1`);

    // Callback: back to returnTo, login cookie cleared, session cookie set.
    expect(callback.headers.get('location')).toBe('/issues?q=1');
    const cookies = setCookies(callback);
    expect(cookies.find((c) => c.startsWith('tracker_login='))).toMatch(/^tracker_login=; Path=\/; Max-Age=0;/);
    expect(cookies.find((c) => c.startsWith('tracker_session='))).toMatch(/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    const code = new URL(callbackUrl).searchParams.get('code')!;
    expect(cookies.join('\n')).not.toContain(code);
    expect(t.fake.calls.count('oauth.token')).toBe(1);

    // getSession: info, no tokens unless asked.
    const request = () => new Request(`${APP}/api`, { headers: { cookie: session } });
    const info = await flow.getSession(request());
    expect(info).toMatchObject({ refreshable: true });
    expect(info!.tokens).toBeUndefined();
    expect(info!.signedInAt).toBeLessThanOrEqual(t.now());
    const withTokens = await flow.getSession(request(), { includeTokens: true });
    expect(withTokens!.tokens!.accessToken).toMatch(/^y[0-3]_/);
    const firstAccess = withTokens!.tokens!.accessToken;
    expect(withTokens!.tokens!.refreshToken).toMatch(/\S/);
    for (const secret of [firstAccess, withTokens!.tokens!.refreshToken!]) {
      expect(JSON.stringify(withTokens)).not.toContain(secret);
      expect(inspect(withTokens, { depth: 5 })).not.toContain(secret);
    }

    // userAuth: Tracker answers as the demo user.
    const user = await flow.userAuth(request());
    const me = await myself(await user.auth.headers());
    expect(me.status).toBe(200);
    expect(((await me.json()) as { login: string }).login).toBe(t.fake.demo.user.login);
    expect(setCookieOf(user)).toBeUndefined();
    expect(inspect(user)).not.toContain(firstAccess);
    expect(JSON.stringify(user)).not.toContain(firstAccess);

    // A year later (to the app's clock), the access token has expired: one refresh, a new cookie.
    // Yandex (and the fake, by default) may answer with the same access token, still long-lived
    // to its own clock, and a new refresh token: the cookie changes all the same.
    t.skew = 366 * DAY;
    const stale = await flow.userAuth(request());
    const refreshed = await stale.auth.headers();
    expect((await myself(refreshed)).status).toBe(200);
    expect(t.fake.calls.count('oauth.token')).toBe(2);
    const rotated = setCookieOf(stale)!;
    const rotatedTokens = (await flow.getSession(new Request(APP, { headers: { cookie: rotated.split(';')[0]! } }), { includeTokens: true }))!.tokens!;
    expect(rotatedTokens.refreshToken).not.toBe(withTokens!.tokens!.refreshToken);
    expect(refreshed.Authorization).toBe(`OAuth ${rotatedTokens.accessToken}`);
    expect(JSON.stringify(stale)).not.toContain(rotated.split(';')[0]!.split('=')[1]!);
    expect(inspect(stale)).not.toContain(rotated.split(';')[0]!.split('=')[1]!);
    expect(JSON.stringify(stale)).toContain('[REDACTED]');
    expect(rotated).toMatch(/^tracker_session=v1\.[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);

    // A request still carrying the old cookie (sent before the browser stored the new one)
    // reuses the rotated tokens: no second refresh with the already-rotated refresh token.
    const late = await flow.userAuth(request());
    expect((await late.auth.headers()).Authorization).toBe(refreshed.Authorization);
    expect(setCookieOf(late)).toBeDefined();
    expect(t.fake.calls.count('oauth.token')).toBe(2);

    // The new cookie carries the new tokens and needs no refresh.
    const newSession = rotated.split(';')[0]!;
    const next = await flow.userAuth(new Request(`${APP}/api`, { headers: { cookie: newSession } }));
    expect((await next.auth.headers()).Authorization).toBe(refreshed.Authorization);
    expect(setCookieOf(next)).toBeUndefined();
    expect(t.fake.calls.count('oauth.token')).toBe(2);

    // Sign-out: POST from this site clears the cookie and revokes the token at Yandex.
    const out = await flow.signOut(new Request(`${APP}/auth/sign-out?returnTo=/bye`, { method: 'POST', headers: { cookie: newSession, origin: APP } }));
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/bye');
    expect(setCookies(out).find((c) => c.startsWith('tracker_session='))).toMatch(/^tracker_session=; Path=\/; Max-Age=0;/);
    expect(t.fake.calls.count('oauth.revoke')).toBe(1);
    // Yandex revokes only device-bound tokens (docs/yandex-api.md 2.5): this one still works upstream,
    // but the browser no longer holds it.
    expect((await myself(refreshed)).status).toBe(200);
  });

  it('serves the user through the proxy and hands the rotated cookie to the browser', async () => {
    const flow = makeFlow();
    const { session } = await signIn(flow);
    const proxy = createTrackerProxy({
      auth: (request) => flow.userAuth(request),
      authorize: async (request) => (await flow.getSession(request)) !== null,
      basePath: '/api/tracker',
      trackerUrl: t.fake.url,
    });
    const get = () => proxy(new Request(`${APP}/api/tracker/v3/myself`, { headers: { cookie: session } }));
    const first = await get();
    expect(first.status).toBe(200);
    expect(first.headers.get('set-cookie')).toBeNull();

    t.skew = 366 * DAY;
    const second = await get();
    expect(second.status).toBe(200);
    expect(second.headers.get('set-cookie')).toMatch(/^tracker_session=v1\./);

    const anonymous = await proxy(new Request(`${APP}/api/tracker/v3/myself`));
    expect(anonymous.status).toBe(403);
  });

  it('turns a dead refresh token into SignInRequiredError', async () => {
    const flow = makeFlow();
    const { session } = await signIn(flow);
    const tokens = (await flow.getSession(new Request(APP, { headers: { cookie: session } }), { includeTokens: true }))!.tokens!;
    t.fake.revoke(tokens.refreshToken!);
    t.skew = 366 * DAY;
    const user = await flow.userAuth(new Request(APP, { headers: { cookie: session } }));
    await expect(user.auth.headers()).rejects.toBeInstanceOf(SignInRequiredError);
  });
});

describe('createOAuthFlow: callback refusals', () => {
  async function errorOf(response: Response) {
    const text = await response.text();
    return { text, error: (JSON.parse(text) as { error: { code: string; message: string } }).error };
  }

  it('refuses a callback without the login cookie (400 STATE_MISSING) and never exchanges the code', async () => {
    const flow = makeFlow();
    const { callbackUrl } = await startSignIn(flow);
    const response = await flow.callback(new Request(callbackUrl));
    expect(response.status).toBe(400);
    const { text, error } = await errorOf(response);
    expect(error.code).toBe('STATE_MISSING');
    expect(text).not.toContain(new URL(callbackUrl).searchParams.get('code')!);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(setCookies(response)[0]).toMatch(/^tracker_login=; /);
    expect(t.fake.calls.count('oauth.token')).toBe(0);
  });

  it('refuses a callback whose state belongs to another sign-in (400 STATE_MISMATCH)', async () => {
    const flow = makeFlow();
    const first = await startSignIn(flow);
    const second = await startSignIn(flow);
    const response = await flow.callback(new Request(first.callbackUrl, { headers: { cookie: second.loginCookie } }));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).error.code).toBe('STATE_MISMATCH');
    expect(t.fake.calls.count('oauth.token')).toBe(0);
  });

  it('refuses a tampered login cookie and a session cookie used as a login cookie', async () => {
    const flow = makeFlow();
    const started = await startSignIn(flow);
    const tampered = started.loginCookie.slice(0, -3) + (started.loginCookie.endsWith('AAA') ? 'BBB' : 'AAA');
    const r1 = await flow.callback(new Request(started.callbackUrl, { headers: { cookie: tampered } }));
    expect((await errorOf(r1)).error.code).toBe('STATE_MISSING');

    const { session } = await signIn(flow);
    const asLogin = `tracker_login=${session.slice('tracker_session='.length)}`;
    const again = await startSignIn(flow);
    const r2 = await flow.callback(new Request(again.callbackUrl, { headers: { cookie: asLogin } }));
    expect((await errorOf(r2)).error.code).toBe('STATE_MISSING');
  });

  it('refuses a login cookie used as a session cookie', async () => {
    const flow = makeFlow();
    const { loginCookie } = await startSignIn(flow);
    const asSession = `tracker_session=${loginCookie.slice('tracker_login='.length)}`;
    await expect(flow.userAuth(new Request(APP, { headers: { cookie: asSession } }))).rejects.toBeInstanceOf(SignInRequiredError);
    expect(await flow.getSession(new Request(APP, { headers: { cookie: asSession } }))).toBeNull();
  });

  it('answers 403 OAUTH_ERROR when the user refuses access', async () => {
    const flow = makeFlow();
    t.fake.oauth.setAutoApprove(false);
    try {
      const login = await flow.signIn(new Request(`${APP}/auth/sign-in`));
      const state = new URL(login.headers.get('location')!).searchParams.get('state')!;
      const refused = `${REDIRECT}?error=access_denied&error_description=User+denied&state=${encodeURIComponent(state)}`;
      const response = await flow.callback(new Request(refused, { headers: { cookie: cookiePair(login, 'tracker_login') } }));
      expect(response.status).toBe(403);
      expect((await errorOf(response)).error.code).toBe('OAUTH_ERROR');
    } finally {
      t.fake.oauth.setAutoApprove(true);
    }
  });

  it('does not accept a code twice', async () => {
    const flow = makeFlow();
    const started = await startSignIn(flow);
    const request = () => new Request(started.callbackUrl, { headers: { cookie: started.loginCookie } });
    expect((await flow.callback(request())).status).toBe(302);
    const replay = await flow.callback(request());
    expect(replay.status).toBeGreaterThanOrEqual(400);
    expect(setCookies(replay).some((c) => c.startsWith('tracker_session=v1'))).toBe(false);
    const { text } = await errorOf(replay);
    expect(text).not.toContain(new URL(started.callbackUrl).searchParams.get('code')!);
    expect(text).not.toContain(t.app.clientSecret);
  });

  it('answers 405 to POST and HEAD callbacks without spending the code', async () => {
    const flow = makeFlow();
    const started = await startSignIn(flow);
    for (const method of ['POST', 'HEAD']) {
      const response = await flow.callback(new Request(started.callbackUrl, { method, headers: { cookie: started.loginCookie } }));
      expect(response.status).toBe(405);
    }
    expect(t.fake.calls.count('oauth.token')).toBe(0);
    const ok = await flow.callback(new Request(started.callbackUrl, { headers: { cookie: started.loginCookie } }));
    expect(ok.status).toBe(302);
  });
});

describe('createOAuthFlow: returnTo is same-origin only', () => {
  it.each([
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example/', '/'],
    ['javascript:alert(1)', '/'],
    ['\t//evil.example', '/'],
    ['/%09/evil.example', '/%09/evil.example'],
    ['/issues/TEST-1#comments', '/issues/TEST-1#comments'],
  ])('returnTo=%s → %s', async (returnTo, expected) => {
    const flow = makeFlow();
    const { callback } = await signIn(flow, `${APP}/auth/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
    expect(callback.headers.get('location')).toBe(expected);
  });
});

describe('createOAuthFlow: sessions and logout', () => {
  it('userAuth throws SignInRequiredError without a session or with a forged one', async () => {
    const flow = makeFlow();
    await expect(flow.userAuth(new Request(APP))).rejects.toBeInstanceOf(SignInRequiredError);
    await expect(flow.userAuth(new Request(APP, { headers: { cookie: 'tracker_session=v1.AAAAAAAA.AAAA.AAAA' } }))).rejects.toBeInstanceOf(
      SignInRequiredError,
    );
    expect(await flow.getSession(new Request(APP, { headers: { cookie: 'tracker_session=garbage' } }))).toBeNull();
  });

  it('opens sessions sealed with a previous secret after rotation', async () => {
    const old = makeFlow();
    const { session } = await signIn(old);
    const rotated = makeFlow({ sessionSecret: ['a-brand-new-session-secret-32-bytes-long!', SECRET] });
    expect(await rotated.getSession(new Request(APP, { headers: { cookie: session } }))).not.toBeNull();
    const other = makeFlow({ sessionSecret: 'a-completely-different-secret-32-bytes!!' });
    expect(await other.getSession(new Request(APP, { headers: { cookie: session } }))).toBeNull();
  });

  it('ends the session after sessionMaxAgeSeconds', async () => {
    const flow = makeFlow({ sessionMaxAgeSeconds: 3600 });
    const { session, callback } = await signIn(flow);
    expect(setCookies(callback).find((c) => c.startsWith('tracker_session='))).toMatch(/Max-Age=(3600|3599);/);
    t.skew = 3601 * 1000;
    expect(await flow.getSession(new Request(APP, { headers: { cookie: session } }))).toBeNull();
    await expect(flow.userAuth(new Request(APP, { headers: { cookie: session } }))).rejects.toBeInstanceOf(SignInRequiredError);
  });

  it('logout refuses GET and cross-site POSTs, and works without a session', async () => {
    const flow = makeFlow();
    const { session } = await signIn(flow);
    const get = await flow.signOut(new Request(`${APP}/auth/sign-out`, { headers: { cookie: session } }));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const foreign = await flow.signOut(new Request(`${APP}/auth/sign-out`, { method: 'POST', headers: { cookie: session, origin: 'https://evil.example' } }));
    expect(foreign.status).toBe(403);
    const crossSite = await flow.signOut(new Request(`${APP}/auth/sign-out`, { method: 'POST', headers: { cookie: session, 'sec-fetch-site': 'cross-site' } }));
    expect(crossSite.status).toBe(403);
    expect(setCookies(foreign)).toHaveLength(0);
    expect(t.fake.calls.count('oauth.revoke')).toBe(0);
    expect(await flow.getSession(new Request(APP, { headers: { cookie: session } }))).not.toBeNull();

    const none = await flow.signOut(new Request(`${APP}/auth/sign-out`, { method: 'POST' }));
    expect(none.status).toBe(303);
    expect(none.headers.get('location')).toBe('/');
  });

  it('logout clears the cookie even when Yandex refuses the revocation', async () => {
    const flow = makeFlow();
    const { session } = await signIn(flow);
    const errors: unknown[] = [];
    const observed = makeFlow({ onError: (e) => errors.push(e) });
    // The fake, like Yandex, refuses to revoke a token issued without device_id.
    const out = await observed.signOut(new Request(`${APP}/auth/sign-out`, { method: 'POST', headers: { cookie: session } }));
    expect(out.status).toBe(303);
    expect(readCookie(setCookies(out).join('; ').replace(/, /g, '; '), 'tracker_session')).toBe('');
    // unsupported_token_type is expected for tokens without a device: not reported.
    expect(errors).toHaveLength(0);
    expect(t.fake.calls.count('oauth.revoke')).toBe(1);
    expect(t.fake.requests.find((r) => r.endpoint === 'oauth.revoke')?.status).toBe(400);
  });
});
