import { Controller, Get, Module } from '@nestjs/common';
import type { OAuthFlow } from '@tracker-auth/core';
import { ValueBrowser } from '@tracker-auth-tools/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InjectTrackerUserClient, TRACKER_OAUTH_FLOW, TrackerAuthModule, TrackerService, type TrackerClient } from '../src/index.js';
import { cookiesOf, startApp, useFake, userModeApp, type RunningApp } from './helpers.js';

const fake = useFake();
const SESSION_SECRET = 'test-session-secret-0123456789-abcdef';

// Request-scoped: a new controller per request, holding that user's client.
@Controller('user')
class UserController {
  constructor(@InjectTrackerUserClient() private readonly tracker: TrackerClient) {}

  @Get('me')
  me() {
    return this.tracker.get('myself').json();
  }
}

// Service mode is off in this app (no `credentials`): TrackerService says so instead of failing obscurely.
@Controller('service')
class ServiceController {
  constructor(private readonly tracker: TrackerService) {}

  @Get('me')
  me() {
    return this.tracker.verifyAccess();
  }
}

describe('user mode: sign-in routes (signInRoutes) and the per-request user client', () => {
  let running: RunningApp;
  beforeAll(async () => {
    const { app } = fake().demo;
    @Module({
      imports: [
        TrackerAuthModule.forRootAsync({
          signInRoutes: true,
          useFactory: () => ({
            org: { orgId: fake().demo.orgId },
            client: { trackerUrl: fake().url },
            user: {
              clientId: app.clientId,
              clientSecret: app.clientSecret,
              // The demo app's registered redirect URI; the test replays its query to /auth/callback.
              redirectUri: app.redirectUri,
              // The registered URI is not this app's host (the test replays the query to it), so the
              // redirect of sign-in to the app host is off.
              canonicalHost: false,
              sessionSecret: SESSION_SECRET,
              oauthUrl: fake().url,
            },
          }),
        }),
      ],
      controllers: [UserController, ServiceController],
    })
    class AppModule {}
    running = await startApp(AppModule);
  });
  afterAll(() => running.close());

  const get = (path: string, cookie?: string) => fetch(`${running.url}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });

  async function signIn(): Promise<string> {
    const login = await get('/auth/sign-in?returnTo=/user/me');
    expect(login.status).toBe(302);
    const authorize = new URL(login.headers.get('location')!);
    expect(authorize.origin + authorize.pathname).toBe(`${fake().url}/authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const loginCookie = cookiesOf(login).get('tracker_login');
    expect(loginCookie).toBeTruthy();

    const consent = await fetch(authorize, { redirect: 'manual' }); // the fake approves at once
    const back = new URL(consent.headers.get('location')!);
    expect(back.searchParams.get('code')).toBeTruthy();

    const callback = await get(`/auth/callback${back.search}`, `tracker_login=${loginCookie}`);
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/user/me');
    const cookies = cookiesOf(callback);
    expect(cookies.get('tracker_login')).toBe('');
    const session = cookies.get('tracker_session');
    expect(session).toBeTruthy();
    return `tracker_session=${session}`;
  }

  it('without a session the user client answers 401 SIGN_IN_REQUIRED', async () => {
    const res = await get('/user/me');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'SIGN_IN_REQUIRED', message: expect.any(String) } });
  });

  it('login → Yandex → callback → session cookie → the signed-in user’s Tracker calls → logout', async () => {
    const cookie = await signIn();
    const me = await get('/user/me', cookie);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ login: fake().demo.user.login });

    const logout = await fetch(`${running.url}/auth/sign-out`, { method: 'POST', redirect: 'manual', headers: { cookie } });
    expect(logout.status).toBe(303);
    expect(cookiesOf(logout).get('tracker_session')).toBe('');
    expect((await get('/user/me', 'tracker_session=')).status).toBe(401);
  });

  it('an unknown name below the sign-in path (the old /auth/login too) is core\'s 404 NOT_FOUND', async () => {
    for (const path of ['/auth/login', '/auth/logout', '/auth/nope']) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
    }
  });

  it('TrackerService without `credentials` answers 500 naming the missing option', async () => {
    const res = await get('/service/me');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: 'INVALID_OPTION', message: expect.stringContaining('`credentials`') } });
  });

  it('a tampered session cookie is 401, not 500', async () => {
    const cookie = await signIn();
    const res = await get('/user/me', `${cookie.slice(0, -4)}AAAA`);
    expect(res.status).toBe(401);
  });

  it('user mode 401 → refresh → replay, and the re-sealed session cookie reaches the browser', async () => {
    const cookie = await signIn();
    const flow = running.app.get<OAuthFlow>(TRACKER_OAUTH_FLOW);
    const before = await flow.getSession(new Request(running.url, { headers: { cookie } }), { includeTokens: true });
    // Tracker refuses the user's access token once, as it would after an upstream revocation.
    fake().faults.inject('tracker', { status: 401, body: { errors: {}, errorMessages: ['Not authorized'], statusCode: 401 } });
    fake().calls.reset();

    const res = await get('/user/me', cookie);
    expect(res.status).toBe(200);
    expect(fake().calls.count('oauth.token')).toBe(1);
    expect(fake().requests.filter((r) => r.endpoint === 'tracker').map((r) => r.status)).toEqual([401, 200]);
    const rotated = cookiesOf(res).get('tracker_session');
    expect(rotated).toBeTruthy();
    expect(rotated).not.toBe(cookie.split('=')[1]);
    const after = await flow.getSession(new Request(running.url, { headers: { cookie: `tracker_session=${rotated}` } }), { includeTokens: true });
    // Yandex's answer to a refresh: the same (long-lived) access token with a new refresh token.
    expect(after!.tokens!.refreshToken).not.toBe(before!.tokens!.refreshToken);

    // The new cookie carries the new tokens: no further refresh.
    fake().calls.reset();
    expect((await get('/user/me', `tracker_session=${rotated}`)).status).toBe(200);
    expect(fake().calls.count('oauth.token')).toBe(0);
  });
});

describe('sign-in opened on another host, with the module\'s baseUrl set', () => {
  /** An app at http://127.0.0.1:<port> whose module names that URL as `baseUrl`. */
  async function appWithBaseUrl(extra: { trustProxy?: boolean } = {}): Promise<RunningApp> {
    const { listenPort, url, user } = await userModeApp(fake(), SESSION_SECRET);
    @Module({
      imports: [
        TrackerAuthModule.forRoot({
          signInRoutes: true,
          org: { orgId: fake().demo.orgId },
          client: { trackerUrl: fake().url },
          baseUrl: url,
          ...extra,
          user: { ...user, afterSignInPath: '/user/me' },
        }),
      ],
      controllers: [UserController],
    })
    class BaseUrlModule {}
    return startApp(BaseUrlModule, listenPort);
  }

  let plain: RunningApp;
  let trusting: RunningApp;
  beforeAll(async () => {
    plain = await appWithBaseUrl();
    trusting = await appWithBaseUrl({ trustProxy: true });
  });
  afterAll(async () => {
    await plain?.close();
    await trusting?.close();
  });

  it('a browser on localhost is moved to the app URL (127.0.0.1) first and ends signed in there', async () => {
    const localhost = plain.url.replace('127.0.0.1', 'localhost');
    const browser = new ValueBrowser();
    const { hops, response } = await browser.follow(`${localhost}/auth/sign-in`);
    expect(hops[0]).toEqual({ url: `${localhost}/auth/sign-in`, status: 302 });
    expect(hops[1]!.url).toBe(`${plain.url}/auth/sign-in?tracker_auth_host=1`);
    expect(hops.at(-1)).toEqual({ url: `${plain.url}/user/me`, status: 200 });
    expect(await response.json()).toMatchObject({ login: fake().demo.user.login });
    expect(browser.cookies(plain.url).has('tracker_session')).toBe(true);
    expect(browser.cookies(localhost).size).toBe(0);
  });

  it('X-Forwarded-Host counts only with trustProxy: a trusted proxy saying localhost gets the redirect', async () => {
    const forwarded = (url: string) => fetch(`${url}/auth/sign-in`, { redirect: 'manual', headers: { 'x-forwarded-host': `localhost:${new URL(url).port}` } });
    expect((await forwarded(plain.url)).headers.get('location')).toMatch(new RegExp(`^${fake().url}/authorize\\?`));
    const moved = await forwarded(trusting.url);
    expect(moved.status).toBe(302);
    expect(moved.headers.get('location')).toBe(`${trusting.url}/auth/sign-in?tracker_auth_host=1`);
  });
});
