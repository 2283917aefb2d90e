/**
 * Test helpers: the fake Yandex with an OAuth app registered for http://app.test, sign-in
 * routes pointing at it, a tiny cookie jar, and the browser's part of the sign-in dance
 * (follow the redirect to the fake's /authorize, come back to the callback) with plain Requests.
 */
import { randomBytes } from 'node:crypto';
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { createOAuthRouteHandlers, type OAuthRouteHandlers, type OAuthRouteHandlersOptions } from '../src/index.js';

export const APP = 'http://app.test';
export const CALLBACK = `${APP}/api/auth/callback`;
/** A clock shift that puts the fake's one-year access tokens inside the refresh window. */
export const PAST_TOKEN_EXPIRY_MS = 366 * 24 * 60 * 60 * 1000;

export interface SignInWorld {
  fake: FakeYandex;
  auth: OAuthRouteHandlers;
  clientSecret: string;
  sessionSecret: string;
  /** Shift of the flow's clock, ms (token expiry is judged on it). */
  clock: { offset: number };
  /**
   * The same sign-in routes as a new server process would build them (a restart: no memory of
   * earlier refreshes), on a clock of their own.
   */
  restart(clock: { offset: number }): OAuthRouteHandlers;
}

export async function startWorld(): Promise<SignInWorld> {
  const fake = await startFakeYandex();
  const app = fake.oauth.registerApp({ redirectUris: [CALLBACK] });
  const sessionSecret = randomBytes(32).toString('base64url');
  const clock = { offset: 0 };
  const options = (flowClock: { offset: number }): OAuthRouteHandlersOptions => ({
    clientId: app.clientId,
    clientSecret: app.clientSecret!,
    redirectUri: CALLBACK,
    org: { orgId: fake.demo.orgId },
    sessionSecret,
    oauthUrl: fake.url,
    afterSignOutPath: '/signed-out',
    // Longer than the fake's one-year tokens, so a test can move the clock past a token's
    // expiry while the session itself stays valid.
    sessionMaxAgeSeconds: 400 * 24 * 60 * 60,
    refresh: { now: () => Date.now() + flowClock.offset },
  });
  const auth = createOAuthRouteHandlers(options(clock));
  const restart = (flowClock: { offset: number }) => createOAuthRouteHandlers(options(flowClock));
  return { fake, auth, clientSecret: app.clientSecret!, sessionSecret, clock, restart };
}

/** `name=value` pairs of Set-Cookie headers; a cleared cookie maps to ''. */
export function setCookies(response: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const header of response.headers.getSetCookie()) {
    const pair = header.split(';')[0]!;
    const eq = pair.indexOf('=');
    out.set(pair.slice(0, eq), /Max-Age=0/i.test(header) ? '' : pair.slice(eq + 1));
  }
  return out;
}

/** Sign in through the routes and the fake; returns the Cookie header value of the session. */
export async function signIn(world: SignInWorld, returnTo = '/'): Promise<string> {
  const start = await world.auth.GET(new Request(`${APP}/api/auth/sign-in?returnTo=${encodeURIComponent(returnTo)}`));
  const login = setCookies(start).get('tracker_login');
  const authorize = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  const back = authorize.headers.get('location')!;
  const done = await world.auth.GET(new Request(back, { headers: { cookie: `tracker_login=${login}` } }));
  const session = setCookies(done).get('tracker_session');
  if (!session) throw new Error(`sign-in did not set a session (status ${done.status})`);
  return `tracker_session=${session}`;
}
