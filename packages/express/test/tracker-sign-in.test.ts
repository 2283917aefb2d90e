import { isConfigurationError } from '@tracker-auth/core';
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import type { NextFunction, Request, Response } from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { trackerAuth, trackerErrorHandler, trackerSignIn, trackerProxy, type TrackerSignIn } from '../src/index.js';
import { Browser } from './browser.js';
import { express, listen } from './express.js';
import { thrownBy } from './thrown.js';

let fake: FakeYandex;
let app: Awaited<ReturnType<typeof listen>>;
let oauth: TrackerSignIn;
const SECRET = 'x'.repeat(32) + '-session-secret-for-tests';

const route = (handler: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
  handler(req, res).catch(next);
};

beforeAll(async () => {
  // The app's own URL is known only after listen(), so the redirect URI is registered after.
  fake = await startFakeYandex();
  const server = express();
  let base = '';
  server.use((req, res, next) => (oauth ? oauth(req, res, next) : next()));
  server.get('/', (_req, res) => void res.send('home'));
  server.get('/session', route(async (req, res) => void res.json(await oauth.getSession(req))));
  server.use('/api/tracker', (req, res, next) => proxy(req, res, next));
  server.use('/me', (req, res, next) => userAuth(req, res, next));
  server.get('/me', route(async (req, res) => void res.json({ login: (await req.tracker!.verifyAccess()).login })));
  server.use(trackerErrorHandler());
  app = await listen(server);
  base = app.url;
  fake.oauth.registerApp({ clientId: 'express-test', clientSecret: 'express-test-secret', redirectUris: [`${base}/auth/callback`] });
  oauth = trackerSignIn({
    clientId: 'express-test',
    clientSecret: 'express-test-secret',
    redirectUri: `${base}/auth/callback`,
    org: { orgId: fake.demo.orgId },
    sessionSecret: SECRET,
    oauthUrl: fake.url,
  });
  proxy = trackerProxy({ user: oauth, authorize: () => true, trackerUrl: fake.url, allowPaths: ['/v3/myself'] });
  userAuth = trackerAuth({ user: oauth, client: { trackerUrl: fake.url, retry: { limit: 0 } } });
});
let proxy: ReturnType<typeof trackerProxy>;
let userAuth: ReturnType<typeof trackerAuth>;

afterAll(async () => {
  await app?.close();
  await fake?.close();
});
beforeEach(() => {
  fake.faults.clear();
  fake.calls.reset();
});

async function signIn(browser = new Browser()) {
  const chain = await browser.follow(`${app.url}/auth/sign-in`);
  return { browser, ...chain };
}

describe('trackerSignIn: sign-in chain', () => {
  it('sign-in → Yandex (state + PKCE in a sealed HttpOnly SameSite=Lax cookie) → callback → session', async () => {
    const browser = new Browser();
    const login = await browser.fetch(`${app.url}/auth/sign-in`);
    expect(login.status).toBe(302);
    const authorize = new URL(login.headers.get('location')!);
    expect(authorize.origin + authorize.pathname).toBe(`${fake.url}/authorize`);
    expect(authorize.searchParams.get('client_id')).toBe('express-test');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{16,}$/);
    const loginCookie = browser.setCookies.find((c) => c.startsWith('tracker_login='))!;
    expect(loginCookie).toMatch(/HttpOnly/i);
    expect(loginCookie).toMatch(/SameSite=Lax/i);
    expect(loginCookie).not.toMatch(/Secure/i); // plain http here
    // The cookie is sealed: neither state nor verifier can be read from it.
    expect(loginCookie).not.toContain(authorize.searchParams.get('state')!);

    const { hops, response } = await browser.follow(authorize.href);
    expect(hops.map((h) => h.status)).toEqual([302, 302, 200]);
    expect(new URL(hops[1]!.url).pathname).toBe('/auth/callback');
    expect(new URL(hops[2]!.url).pathname).toBe('/');
    await response.body?.cancel();
    expect(browser.cookies(app.url).has('tracker_session')).toBe(true);
    expect(browser.cookies(app.url).has('tracker_login')).toBe(false);
    expect(fake.calls.count('oauth.token')).toBe(1);

    const me = await browser.fetch(`${app.url}/me`);
    expect(await me.json()).toEqual({ login: fake.demo.user.login });
    const session = (await (await browser.fetch(`${app.url}/session`)).json()) as Record<string, unknown>;
    expect(session.refreshable).toBe(true);
    expect(JSON.stringify(session)).not.toMatch(/y0_|"tokens"|refreshToken/);

    const viaProxy = await browser.fetch(`${app.url}/api/tracker/v3/myself`);
    expect(viaProxy.status).toBe(200);
  });

  it('user mode without a session: 401 through Express error handling, nothing sent to Tracker', async () => {
    const res = await fetch(`${app.url}/me`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SIGN_IN_REQUIRED');
    expect((await fetch(`${app.url}/api/tracker/v3/myself`)).status).toBe(401);
    expect(fake.calls.count('tracker')).toBe(0);
  });

  it('refreshes the user token with the refresh token and re-seals the cookie', async () => {
    const { browser } = await signIn();
    const before = browser.cookies(app.url).get('tracker_session');
    fake.calls.reset();
    fake.faults.inject('tracker', { status: 401, times: 1 });
    const me = await browser.fetch(`${app.url}/me`);
    expect(me.status).toBe(200);
    expect(fake.calls.count('oauth.token')).toBe(1);
    const refresh = fake.requests.find((r) => r.endpoint === 'oauth.token');
    expect(refresh?.params?.grant_type).toBe('refresh_token');
    expect(browser.cookies(app.url).get('tracker_session')).not.toBe(before);
  });

  it('sign-out: POST from the same site clears the session; GET and cross-site POST are refused', async () => {
    const { browser } = await signIn();
    expect((await browser.fetch(`${app.url}/auth/sign-out`)).status).toBe(405);
    const cross = await browser.fetch(`${app.url}/auth/sign-out`, { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(cross.status).toBe(403);
    expect(browser.cookies(app.url).has('tracker_session')).toBe(true);

    const out = await browser.fetch(`${app.url}/auth/sign-out`, { method: 'POST', headers: { origin: app.url } });
    expect(out.status).toBe(303);
    expect(browser.cookies(app.url).has('tracker_session')).toBe(false);
    expect((await browser.fetch(`${app.url}/me`)).status).toBe(401);
  });
});

describe('trackerSignIn: device tokens', () => {
  it('sign-out revokes a device-bound token at Yandex, after which Tracker refuses it', async () => {
    const server = express();
    const local = await listen(server);
    fake.oauth.registerApp({ clientId: 'express-device', clientSecret: 'device-secret', redirectUris: [`${local.url}/auth/callback`] });
    const device = trackerSignIn({
      clientId: 'express-device',
      clientSecret: 'device-secret',
      redirectUri: `${local.url}/auth/callback`,
      org: { orgId: fake.demo.orgId },
      sessionSecret: SECRET,
      oauthUrl: fake.url,
      device: { deviceId: 'express-test-device', deviceName: 'Express tests' },
    });
    server.use(device);
    // The token set hides its secrets from JSON: hand the access token over explicitly.
    server.get(
      '/',
      route(async (req, res) => void res.json({ accessToken: (await device.getSession(req, { includeTokens: true }))?.tokens?.accessToken })),
    );
    try {
      const browser = new Browser();
      const { response } = await browser.follow(`${local.url}/auth/sign-in`);
      const tokens = (await response.json()) as { accessToken: string };
      const authorize = fake.requests.find((r) => r.endpoint === 'oauth.authorize');
      expect(authorize?.path).toContain('device_id=express-test-device');
      const before = await fetch(`${fake.url}/v3/myself`, { headers: { Authorization: `OAuth ${tokens.accessToken}`, 'X-Org-ID': fake.demo.orgId } });
      expect(before.status).toBe(200);

      fake.calls.reset();
      const out = await browser.fetch(`${local.url}/auth/sign-out`, { method: 'POST', headers: { origin: local.url } });
      expect(out.status).toBe(303);
      expect(fake.calls.count('oauth.revoke')).toBe(1);
      expect(fake.requests.find((r) => r.endpoint === 'oauth.revoke')?.status).toBe(200);
      const after = await fetch(`${fake.url}/v3/myself`, { headers: { Authorization: `OAuth ${tokens.accessToken}`, 'X-Org-ID': fake.demo.orgId } });
      expect(after.status).toBe(401);
    } finally {
      await local.close();
    }
  });
});

describe('trackerSignIn: bad-input corpus (clear error, no code exchange)', () => {
  async function startLogin() {
    const browser = new Browser();
    const login = await browser.fetch(`${app.url}/auth/sign-in`);
    const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual' });
    const callback = new URL(authorize.headers.get('location')!);
    return { browser, callback };
  }

  it('missing state → 400 STATE_MISSING', async () => {
    const { browser, callback } = await startLogin();
    callback.searchParams.delete('state');
    fake.calls.reset();
    const res = await browser.fetch(callback.href);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('STATE_MISSING');
    expect(fake.calls.count('oauth.token')).toBe(0);
  });

  it('mismatched state → 400 STATE_MISMATCH', async () => {
    const { browser, callback } = await startLogin();
    callback.searchParams.set('state', 'forged-state-value-0123456789');
    fake.calls.reset();
    const res = await browser.fetch(callback.href);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('STATE_MISMATCH');
    expect(fake.calls.count('oauth.token')).toBe(0);
  });

  it('tampered login cookie → 400, no code exchange', async () => {
    const { browser, callback } = await startLogin();
    const cookies = browser.cookies(app.url);
    const sealed = cookies.get('tracker_login')!;
    cookies.set('tracker_login', sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA'));
    fake.calls.reset();
    const res = await browser.fetch(callback.href);
    expect(res.status).toBe(400);
    expect(fake.calls.count('oauth.token')).toBe(0);
    expect(browser.cookies(app.url).has('tracker_session')).toBe(false);
  });

  it('callback without the login cookie (another browser) → 400, no code exchange', async () => {
    const { callback } = await startLogin();
    fake.calls.reset();
    const res = await fetch(callback.href, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(fake.calls.count('oauth.token')).toBe(0);
  });

  it('replayed code → refused, no session', async () => {
    const { browser, callback } = await startLogin();
    const loginCookie = browser.cookies(app.url).get('tracker_login')!;
    const first = await browser.fetch(callback.href);
    expect(first.status).toBe(302);
    const replay = await fetch(callback.href, { redirect: 'manual', headers: { cookie: `tracker_login=${loginCookie}` } });
    expect(replay.status).toBeGreaterThanOrEqual(400);
    expect(replay.headers.getSetCookie().some((c) => c.startsWith('tracker_session=') && !/Max-Age=0/i.test(c))).toBe(false);
  });

  it('tampered session cookie → treated as signed out', async () => {
    const { browser } = await signIn();
    const cookies = browser.cookies(app.url);
    const sealed = cookies.get('tracker_session')!;
    cookies.set('tracker_session', sealed.slice(0, 10) + (sealed[10] === 'A' ? 'B' : 'A') + sealed.slice(11));
    fake.calls.reset();
    expect((await browser.fetch(`${app.url}/me`)).status).toBe(401);
    expect(await (await browser.fetch(`${app.url}/session`)).json()).toBeNull();
    expect(fake.calls.count('tracker')).toBe(0);
  });
});

describe('trackerSignIn: options', () => {
  const base = {
    clientId: 'id',
    clientSecret: 'secret',
    redirectUri: 'https://app.example.com/auth/callback',
    org: { orgId: '1' },
    sessionSecret: SECRET,
  };
  const cases: Array<[string, () => unknown, string]> = [
    ['bad path', () => trackerSignIn({ ...base, paths: { signIn: 'login' } }), 'paths.signIn'],
    ['traversal in a path', () => trackerSignIn({ ...base, paths: { callback: '/a/../b' } }), 'paths.callback'],
    ['duplicate paths', () => trackerSignIn({ ...base, paths: { signIn: '/auth/x', signOut: '/auth/x' } }), 'paths'],
    ['short session secret', () => trackerSignIn({ ...base, sessionSecret: 'short' }), 'sessionSecret'],
    ['bad redirectUri', () => trackerSignIn({ ...base, redirectUri: 'not a url' }), 'redirectUri'],
    ['bad baseUrl', () => trackerSignIn({ ...base, baseUrl: 'ftp://x' }), 'baseUrl'],
  ];
  it.each(cases)('%s → ConfigurationError at construction', (_name, create, field) => {
    const error = thrownBy(create);
    expect(isConfigurationError(error)).toBe(true);
    expect((error as { field: string }).field).toBe(field);
  });

  it('marks cookies Secure when the app is served over https', async () => {
    // The app URL is https://app.example.com while this server is http://127.0.0.1: keep
    // sign-in here instead of redirecting it to the app host, to see the cookie it sets.
    const secure = trackerSignIn({ ...base, oauthUrl: fake.url, canonicalHost: false });
    const server = express();
    server.use(secure);
    const local = await listen(server);
    try {
      const res = await fetch(`${local.url}/auth/sign-in`, { redirect: 'manual' });
      expect(res.headers.getSetCookie()[0]).toMatch(/; Secure/i);
    } finally {
      await local.close();
    }
  });
});

describe('trackerSignIn: sign-in opened on another host, with baseUrl set', () => {
  /** An app whose trackerSignIn has `baseUrl` (its app URL, 127.0.0.1) and the given extras. */
  async function appWithBaseUrl(configure: (server: ReturnType<typeof express>) => void = () => undefined) {
    const server = express();
    configure(server);
    // Built after listen (the redirect URI names the port); requests before that pass through.
    const built: { router?: TrackerSignIn } = {};
    server.use((req, res, next) => (built.router ? built.router(req, res, next) : next()));
    server.get('/issues', (_req, res) => void res.send('issues'));
    const local = await listen(server);
    const registered = fake.oauth.registerApp({ redirectUris: [`${local.url}/auth/callback`] });
    built.router = trackerSignIn({
      clientId: registered.clientId,
      clientSecret: registered.clientSecret!,
      redirectUri: `${local.url}/auth/callback`,
      org: { orgId: fake.demo.orgId },
      sessionSecret: SECRET,
      oauthUrl: fake.url,
      baseUrl: local.url,
    });
    return local;
  }

  it('a browser on localhost is moved to the app URL (127.0.0.1) first and ends signed in there', async () => {
    const local = await appWithBaseUrl();
    try {
      const localhost = local.url.replace('127.0.0.1', 'localhost');
      const browser = new Browser();
      const { hops, response } = await browser.follow(`${localhost}/auth/sign-in?returnTo=%2Fissues`);
      expect(hops[0]).toEqual({ url: `${localhost}/auth/sign-in?returnTo=%2Fissues`, status: 302 });
      expect(hops[1]!.url).toBe(`${local.url}/auth/sign-in?returnTo=%2Fissues&tracker_auth_host=1`);
      expect(hops.at(-1)!.url).toBe(`${local.url}/issues`);
      expect(await response.text()).toBe('issues');
      expect(browser.cookies(local.url).has('tracker_session')).toBe(true);
      expect(browser.cookies(localhost).size).toBe(0);
    } finally {
      await local.close();
    }
  });

  it("X-Forwarded-Host counts only with Express's trust proxy: a trusted proxy saying localhost gets the redirect", async () => {
    const untrusting = await appWithBaseUrl();
    const trusting = await appWithBaseUrl((server) => server.set('trust proxy', true));
    try {
      const forwarded = (url: string) => fetch(`${url}/auth/sign-in`, { redirect: 'manual', headers: { 'x-forwarded-host': `localhost:${new URL(url).port}` } });
      expect((await forwarded(untrusting.url)).headers.get('location')).toMatch(new RegExp(`^${fake.url}/authorize\\?`));
      const moved = await forwarded(trusting.url);
      expect(moved.status).toBe(302);
      expect(moved.headers.get('location')).toBe(`${trusting.url}/auth/sign-in?tracker_auth_host=1`);
    } finally {
      await untrusting.close();
      await trusting.close();
    }
  });
});
