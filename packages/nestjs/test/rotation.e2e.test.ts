/**
 * User mode through NestJS against the fake Yandex in its default mode: a refresh answers the
 * same access token with a new refresh token; that rotation must reach the browser and survive a
 * restart, and a session whose refresh token Yandex refused must be signed out and cleared.
 */
import { Controller, Get, Module } from '@nestjs/common';
import type { OAuthFlow } from '@tracker-auth/core';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { InjectTrackerUserClient, TRACKER_OAUTH_FLOW, TrackerAuthModule, type TrackerClient } from '../src/index.js';
import { cookiesOf, startApp, useFake, type RunningApp } from './helpers.js';

const fake = useFake();
const SESSION_SECRET = 'rotation-session-secret-0123456789-abcdef';
const MINUTE = 60 * 1000;
/** The apps' clock runs `skew` ahead of the fake's. */
let skew = 0;
const running: RunningApp[] = [];

@Controller('user')
class UserController {
  constructor(@InjectTrackerUserClient() private readonly tracker: TrackerClient) {}

  @Get('me')
  me() {
    return this.tracker.get('myself').json();
  }
}

/** One app instance with sign-in routes, a user-mode route, and the shared test clock. */
async function startInstance(): Promise<RunningApp> {
  const { app } = fake().demo;
  @Module({
    imports: [
      TrackerAuthModule.forRoot({
        signInRoutes: true,
        org: { orgId: fake().demo.orgId },
        client: { trackerUrl: fake().url, retry: { limit: 0 } },
        user: {
          clientId: app.clientId,
          clientSecret: app.clientSecret,
          redirectUri: app.redirectUri,
          // The registered URI is not this app's host (the test replays the query to it), so the
          // redirect of sign-in to the app host is off.
          canonicalHost: false,
          sessionSecret: SESSION_SECRET,
          oauthUrl: fake().url,
          refresh: { now: () => Date.now() + skew },
        },
      }),
    ],
    controllers: [UserController],
  })
  class AppModule {}
  const started = await startApp(AppModule);
  running.push(started);
  return started;
}

afterAll(async () => {
  for (const app of running) await app.close();
});
beforeEach(() => {
  skew = 0;
  fake().faults.clear();
  fake().calls.reset();
});

const get = (app: RunningApp, path: string, cookie?: string) => fetch(`${app.url}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });

async function signIn(app: RunningApp): Promise<string> {
  const login = await get(app, '/auth/sign-in');
  const consent = await fetch(login.headers.get('location')!, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  const callback = await get(app, `/auth/callback${back.search}`, `tracker_login=${cookiesOf(login).get('tracker_login')}`);
  expect(callback.status).toBe(302);
  return `tracker_session=${cookiesOf(callback).get('tracker_session')}`;
}

const tokensOf = async (app: RunningApp, cookie: string) =>
  (await app.app.get<OAuthFlow>(TRACKER_OAUTH_FLOW).getSession(new Request(app.url, { headers: { cookie } }), { includeTokens: true }))?.tokens;

describe('NestJS user mode: rotation reaches the browser', () => {
  it('401 → same access token, new refresh token → new cookie; a restarted app 16 min later serves and refreshes with it', async () => {
    const first = await startInstance();
    const cookie = await signIn(first);
    const before = (await tokensOf(first, cookie))!;
    fake().calls.reset();

    fake().faults.inject('tracker', { status: 401, times: 1 });
    const me = await get(first, '/user/me', cookie);
    expect(me.status).toBe(200);
    expect(fake().calls.count('oauth.token')).toBe(1);
    const rotated = `tracker_session=${cookiesOf(me).get('tracker_session')}`;
    const after = (await tokensOf(first, rotated))!;
    expect(after.accessToken).toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);

    // Restart: a new app (nothing in memory), 16 minutes later, only the cookie the browser got.
    skew = 16 * MINUTE;
    const restarted = await startInstance();
    expect((await get(restarted, '/user/me', rotated)).status).toBe(200);
    fake().faults.inject('tracker', { status: 401, times: 1 });
    const again = await get(restarted, '/user/me', rotated);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ login: fake().demo.user.login });
    expect(fake().calls.count('oauth.token')).toBe(2);
    expect(cookiesOf(again).get('tracker_session')).toBeTruthy();
  });

  it('revoked upstream: 401 with the cookie cleared, and no further OAuth call for that cookie', async () => {
    const app = await startInstance();
    const cookie = await signIn(app);
    fake().revoke((await tokensOf(app, cookie))!.refreshToken!);
    fake().calls.reset();

    for (let i = 0; i < 5; i++) {
      const res = await get(app, '/user/me', cookie);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SIGN_IN_REQUIRED');
      expect(res.headers.getSetCookie()).toEqual([expect.stringMatching(/^tracker_session=; Path=\/; Max-Age=0;/)]);
    }
    expect(fake().calls.count('oauth.token')).toBe(1);
    expect(await tokensOf(app, cookie)).toBeUndefined();
  });
});
