/**
 * createOAuthRouteHandlers with plain web Requests against the fake Yandex: the whole sign-in
 * → proxy → sign-out cycle, then the bad-input corpus of the callback and the dispatcher.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConfigurationError } from '@tracker-auth/core';
import { createOAuthRouteHandlers, createTrackerRouteHandler } from '../src/index.js';
import { APP, CALLBACK, setCookies, signIn, startWorld, type SignInWorld } from './fake-sign-in.js';

let world: SignInWorld;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.fake.close());

async function bodyOf(response: Response): Promise<string> {
  return response.text();
}

describe('createOAuthRouteHandlers: the sign-in cycle', () => {
  it('sign-in redirects to Yandex with state + PKCE and sets an HttpOnly login cookie', async () => {
    const response = await world.auth.signIn(new Request(`${APP}/api/auth/sign-in`));
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(`${world.fake.url}/authorize`);
    expect(location.searchParams.get('redirect_uri')).toBe(CALLBACK);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const [cookie] = response.headers.getSetCookie();
    expect(cookie).toMatch(/^tracker_login=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
  });

  it('signs in, serves the user through the proxy route, and signs out', async () => {
    const cookie = await signIn(world, '/issues');
    const proxy = createTrackerRouteHandler({ user: world.auth, trackerUrl: world.fake.url });
    const me = await proxy.GET(new Request(`${APP}/api/tracker/v3/myself`, { headers: { cookie } }));
    expect(me.status).toBe(200);
    expect(((await me.json()) as { login: string }).login).toBe(world.fake.demo.user.login);

    // No session (or a forged one): the proxy's default gate refuses before Tracker is called.
    const calls = world.fake.calls.count('tracker');
    expect((await proxy.GET(new Request(`${APP}/api/tracker/v3/myself`))).status).toBe(403);
    expect((await proxy.GET(new Request(`${APP}/api/tracker/v3/myself`, { headers: { cookie: 'tracker_session=forged' } }))).status).toBe(403);
    // Another site (or a same-site sibling) making the browser call the proxy: refused too.
    for (const site of ['cross-site', 'same-site']) {
      const forged = await proxy.POST(
        new Request(`${APP}/api/tracker/v3/issues`, { method: 'POST', body: '{"queue":"TEST","summary":"csrf"}', headers: { cookie, 'sec-fetch-site': site } }),
      );
      expect(forged.status).toBe(403);
    }
    const sameOrigin = await proxy.GET(new Request(`${APP}/api/tracker/v3/myself`, { headers: { cookie, 'sec-fetch-site': 'same-origin' } }));
    expect(sameOrigin.status).toBe(200);
    expect(world.fake.calls.count('tracker')).toBe(calls + 1);

    const out = await world.auth.POST(new Request(`${APP}/api/auth/sign-out`, { method: 'POST', headers: { cookie, origin: APP } }));
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/signed-out');
    expect(setCookies(out).get('tracker_session')).toBe('');
  });

  it('the callback returns to the returnTo path given at sign-in, and refuses open redirects', async () => {
    const start = await world.auth.GET(new Request(`${APP}/api/auth/sign-in?returnTo=${encodeURIComponent('//evil.example/x')}`));
    const login = setCookies(start).get('tracker_login');
    const back = (await fetch(start.headers.get('location')!, { redirect: 'manual' })).headers.get('location')!;
    const done = await world.auth.callback(new Request(back, { headers: { cookie: `tracker_login=${login}` } }));
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/');
  });
});

describe('createOAuthRouteHandlers: bad-input corpus', () => {
  it.each([
    ['no login cookie', `${CALLBACK}?code=1234567&state=abcdefghijklmnopqrstuvwxyz`, '', 400],
    ['forged login cookie', `${CALLBACK}?code=1234567&state=abcdefghijklmnopqrstuvwxyz`, 'tracker_login=forged', 400],
    ['no code, no error', `${CALLBACK}?state=abcdefghijklmnopqrstuvwxyz`, '', 400],
    ['user refused consent', `${CALLBACK}?error=access_denied&state=abcdefghijklmnopqrstuvwxyz`, '', 400],
    ['a code repeated in the query', `${CALLBACK}?code=1&code=2&state=abcdefghijklmnopqrstuvwxyz`, '', 400],
  ])('callback with %s (%s, cookie %j) → %i, no session, login cookie cleared', async (_name, url, cookie, status) => {
    const tokenCalls = world.fake.calls.count('oauth.token');
    const response = await world.auth.GET(new Request(url, { headers: cookie ? { cookie } : {} }));
    expect(response.status).toBe(status);
    expect(world.fake.calls.count('oauth.token')).toBe(tokenCalls);
    const cookies = setCookies(response);
    expect(cookies.has('tracker_session')).toBe(false);
    expect(cookies.get('tracker_login')).toBe('');
  });

  it('a callback with a state that does not match the login cookie is refused and spends no code', async () => {
    const start = await world.auth.GET(new Request(`${APP}/api/auth/sign-in`));
    const login = setCookies(start).get('tracker_login');
    const back = new URL((await fetch(start.headers.get('location')!, { redirect: 'manual' })).headers.get('location')!);
    back.searchParams.set('state', 'x'.repeat(43));
    const tokenCalls = world.fake.calls.count('oauth.token');
    const response = await world.auth.GET(new Request(back, { headers: { cookie: `tracker_login=${login}` } }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('STATE_MISMATCH');
    expect(world.fake.calls.count('oauth.token')).toBe(tokenCalls);
  });

  it('a cross-site sign-out is refused and keeps the session', async () => {
    const cookie = await signIn(world);
    const response = await world.auth.POST(
      new Request(`${APP}/api/auth/sign-out`, { method: 'POST', headers: { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } }),
    );
    expect(response.status).toBe(403);
    expect(setCookies(response).has('tracker_session')).toBe(false);
  });

  it.each([
    ['GET', '/api/auth/sign-out', 405, 'POST'],
    ['POST', '/api/auth/callback', 405, 'GET'],
    ['PUT', '/api/auth/sign-in', 405, 'GET, POST'],
    ['GET', '/api/auth/unknown', 404, null],
    ['GET', '/api/auth/', 404, null],
    ['POST', '/api/auth/sign-out/extra', 404, null],
  ])('the [action] dispatcher: %s %s → %i', async (method, path, status, allow) => {
    // GET and POST are one dispatcher: the flow judges the method.
    const handler = method === 'GET' ? world.auth.GET : world.auth.POST;
    const response = await handler(new Request(`${APP}${path}`, { method, headers: { origin: APP } }));
    expect(response.status).toBe(status);
    expect(response.headers.get('allow')).toBe(allow);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('the [action] dispatcher: POST …/sign-in (a form button) starts sign-in like GET', async () => {
    const response = await world.auth.POST(new Request(`${APP}/api/auth/sign-in?returnTo=%2Fx`, { method: 'POST', headers: { host: new URL(APP).host, origin: APP } }));
    // The redirect's status is the flow's (302 or 303: either way the browser GETs Yandex).
    expect([302, 303]).toContain(response.status);
    expect(response.headers.get('location')).toMatch(new RegExp(`^${world.fake.url}/authorize\\?`));
    expect(setCookies(response).get('tracker_login')).toBeTruthy();
  });

  it('no answer of the routes holds the client secret or a token', async () => {
    const cookie = await signIn(world);
    const session = await world.auth.flow.getSession(new Request(APP, { headers: { cookie } }), { includeTokens: true });
    const secrets = [world.clientSecret, world.sessionSecret, session!.tokens!.accessToken, session!.tokens!.refreshToken!];
    const answers = [
      await world.auth.GET(new Request(`${APP}/api/auth/sign-in`, { headers: { cookie } })),
      await world.auth.GET(new Request(`${CALLBACK}?code=1234567&state=abcdefghijklmnopqrstuvwxyz`, { headers: { cookie } })),
      await world.auth.POST(new Request(`${APP}/api/auth/sign-out`, { method: 'POST', headers: { cookie, origin: APP } })),
    ];
    for (const answer of answers) {
      const text = `${JSON.stringify([...answer.headers])}${await bodyOf(answer)}`;
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });
});

describe('createOAuthRouteHandlers: options are validated at construction', () => {
  const good = {
    clientId: 'a'.repeat(32),
    clientSecret: 'b'.repeat(32),
    redirectUri: CALLBACK,
    org: { orgId: '1234567' },
    sessionSecret: 'c'.repeat(43),
  };
  it.each([
    ['clientSecret', { ...good, clientSecret: '' }],
    ['sessionSecret', { ...good, sessionSecret: 'short' }],
    ['redirectUri', { ...good, redirectUri: 'not a url' }],
    ['org', { ...good, org: {} }],
    ['flow', { flow: { login: () => undefined } }],
  ])('bad %s → ConfigurationError naming it', (field, options) => {
    let caught: unknown;
    try {
      createOAuthRouteHandlers(options as never);
    } catch (error) {
      caught = error;
    }
    expect(isConfigurationError(caught)).toBe(true);
    expect((caught as { field: string }).field.startsWith(field)).toBe(true);
  });

  it('accepts a flow built elsewhere and shares it', () => {
    const handlers = createOAuthRouteHandlers({ flow: world.auth.flow });
    expect(handlers.flow).toBe(world.auth.flow);
  });
});
