/**
 * createSessionRefresher against the fake Yandex in its default mode (a refresh grant returns
 * the same access token with a new refresh token, and the old refresh token dies), with real
 * `Request`s and Next's real `NextResponse`. What the render would read is rebuilt from the
 * response the way Next does it: the `x-middleware-request-*` headers named in
 * `x-middleware-override-headers` replace the request's headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConfigurationError, type OAuthFlow } from '@tracker-auth/core';
import { ResponseCookies } from 'next/dist/compiled/@edge-runtime/cookies';
import { createSessionRefresher, createTrackerServerHelpers, type RequestScope } from '../src/index.js';
import { APP, setCookies, signIn, startWorld, type SignInWorld } from './fake-sign-in.js';

/** Past the 90-day refresh age of user tokens (the fake's tokens live a year): due, not expired. */
const DUE_OFFSET_MS = 91 * 24 * 60 * 60 * 1000;
const MINUTE = 60 * 1000;

let world: SignInWorld;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.fake.close());

/** The request headers the render sees after this proxy/middleware answer (Next's own rule). */
function renderHeaders(request: Request, response: Response): Headers {
  expect(response.headers.get('x-middleware-next')).toBe('1');
  const override = response.headers.get('x-middleware-override-headers');
  if (override === null) return new Headers(request.headers);
  const headers = new Headers();
  for (const name of override.split(',').filter(Boolean)) headers.set(name, response.headers.get(`x-middleware-request-${name}`)!);
  return headers;
}

/** A server component's request scope on those headers: reads only (a write would throw here). */
function readOnlyScope(headers: Headers): RequestScope {
  const store = new ResponseCookies(new Headers());
  const readOnly = Object.assign(Object.create(store) as ResponseCookies, {
    set: () => {
      throw new Error('Cookies can only be modified in a Server Action or Route Handler.');
    },
  });
  return { headers: async () => headers, cookies: async () => readOnly };
}

const page = (cookie: string, path = '/issues') => new Request(`${APP}${path}`, { headers: { cookie, accept: 'text/html' } });

async function tokensOf(flow: OAuthFlow, cookie: string) {
  const session = await flow.getSession(new Request(APP, { headers: { cookie } }), { includeTokens: true });
  return session?.tokens;
}

describe('createSessionRefresher', () => {
  it('lets a request with a fresh session through untouched, without calling Yandex', async () => {
    const cookie = await signIn(world);
    const refreshSession = createSessionRefresher({ user: world.auth });
    const before = world.fake.calls.count('oauth.token');
    const request = page(`theme=dark; ${cookie}`);
    const response = await refreshSession(request);
    expect(response.headers.get('x-middleware-next')).toBe('1');
    expect(response.headers.get('x-middleware-override-headers')).toBeNull();
    expect(response.headers.getSetCookie()).toEqual([]);
    expect((await refreshSession(page('theme=dark'))).headers.getSetCookie()).toEqual([]);
    expect(response.headers.get('cache-control')).toBeNull();
    expect(world.fake.calls.count('oauth.token')).toBe(before);
    const result = await refreshSession.refresh(request);
    expect(result.signedIn).toBe(true);
    expect(result.cookies).toEqual([]);
    expect(result.requestHeaders.get('cookie')).toBe(`theme=dark; ${cookie}`);
  });

  it('refreshes a due session before the render: the render reads the new cookie, the browser gets it, and only it works after a restart', async () => {
    const cookie = await signIn(world);
    const refreshSession = createSessionRefresher({ user: world.auth });
    const old = await tokensOf(world.auth.flow, cookie);
    world.clock.offset = DUE_OFFSET_MS;
    try {
      const before = world.fake.calls.count('oauth.token');
      const request = page(`theme=dark; ${cookie}; lang=en`);
      const response = await refreshSession(request);
      expect(world.fake.calls.count('oauth.token')).toBe(before + 1);

      // The browser: one Set-Cookie with the re-sealed session, core's attributes intact.
      const [header, ...others] = response.headers.getSetCookie();
      expect(others).toEqual([]);
      expect(header).toMatch(/^tracker_session=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
      // Never kept by a shared cache, even on a page Next serves with s-maxage.
      expect(response.headers.get('cache-control')).toBe('private, no-cache, no-store, max-age=0, must-revalidate');
      const rotated = `tracker_session=${setCookies(response).get('tracker_session')}`;
      expect(rotated).not.toBe(cookie);
      // Yandex's documented answer (the fake's default): same access token, new refresh token.
      const next = await tokensOf(world.auth.flow, rotated);
      expect(next?.accessToken).toBe(old?.accessToken);
      expect(next?.refreshToken).toBeDefined();
      expect(next?.refreshToken).not.toBe(old?.refreshToken);

      // The render: the same cookie on the request, other cookies kept in order; a server
      // component reads the session and calls Tracker without any cookie write or OAuth call.
      const headers = renderHeaders(request, response);
      expect(headers.get('cookie')).toBe(`theme=dark; lang=en; ${rotated}`);
      expect(headers.get('accept')).toBe('text/html');
      const render = createTrackerServerHelpers({ user: world.auth, client: { trackerUrl: world.fake.url }, requestScope: readOnlyScope(headers) });
      expect(await render.getSession()).not.toBeNull();
      const me = await (await render.getTrackerClient()).get('myself').json<{ login: string }>();
      expect(me.login).toBe(world.fake.demo.user.login);
      expect(world.fake.calls.count('oauth.token')).toBe(before + 1);

      // A restart 16 minutes later, with only the new cookie: no memory of the refresh, and it
      // serves Tracker calls (the old refresh token is dead at Yandex by now).
      const clock = { offset: DUE_OFFSET_MS + 16 * MINUTE };
      const restarted = world.restart(clock);
      const again = createSessionRefresher({ user: restarted });
      const quiet = await again(page(rotated));
      expect(quiet.headers.getSetCookie()).toEqual([]);
      const after = createTrackerServerHelpers({ user: restarted, client: { trackerUrl: world.fake.url }, requestScope: readOnlyScope(new Headers({ host: 'app.test', cookie: rotated })) });
      expect((await (await after.getTrackerClient()).get('myself').json<{ login: string }>()).login).toBe(world.fake.demo.user.login);
      // ...and when it is due again, it refreshes again: no SIGN_IN_REQUIRED.
      clock.offset = 2 * DUE_OFFSET_MS;
      const second = await again.refresh(page(rotated));
      expect(second.signedIn).toBe(true);
      expect(second.cookies).toHaveLength(1);
      expect(second.requestHeaders.get('cookie')).not.toBe(rotated);
      expect(world.fake.calls.count('oauth.token')).toBe(before + 2);
    } finally {
      world.clock.offset = 0;
    }
  });

  it('shares one refresh between the parallel requests of a page (prefetches, RSC, assets)', async () => {
    const cookie = await signIn(world);
    const refreshSession = createSessionRefresher({ user: world.auth });
    const old = await tokensOf(world.auth.flow, cookie);
    world.clock.offset = DUE_OFFSET_MS;
    try {
      const before = world.fake.calls.count('oauth.token');
      const responses = await Promise.all(['/a', '/b', '/c', '/d', '/e'].map((path) => refreshSession(page(cookie, path))));
      expect(world.fake.calls.count('oauth.token')).toBe(before + 1);
      // Every response carries a session cookie, and all of them hold the one rotated token set
      // (the sealed values may differ: sealing is randomized).
      const values = responses.map((response) => setCookies(response).get('tracker_session'));
      expect(values.every(Boolean)).toBe(true);
      const refreshTokens = new Set(await Promise.all(values.map(async (value) => (await tokensOf(world.auth.flow, `tracker_session=${value}`))?.refreshToken)));
      expect(refreshTokens.size).toBe(1);
      expect([...refreshTokens][0]).toBeDefined();
      expect([...refreshTokens][0]).not.toBe(old?.refreshToken);
    } finally {
      world.clock.offset = 0;
    }
  });

  it('clears a dead session on both sides: the browser deletes the cookie, the render reads signed out', async () => {
    const cookie = await signIn(world);
    world.clock.offset = DUE_OFFSET_MS;
    try {
      // Rotate once, so the first cookie's refresh token is dead at Yandex...
      const rotated = await createSessionRefresher({ user: world.auth }).refresh(page(cookie));
      expect(rotated.cookies).toHaveLength(1);
      // ...then a restarted server gets the old cookie (a browser that missed the rotation).
      const restarted = world.restart({ offset: DUE_OFFSET_MS });
      const refreshSession = createSessionRefresher({ user: restarted });
      const before = world.fake.calls.count('oauth.token');
      const request = page(`theme=dark; ${cookie}`);
      const response = await refreshSession(request);
      expect(world.fake.calls.count('oauth.token')).toBe(before + 1);
      expect(setCookies(response).get('tracker_session')).toBe('');
      expect(response.headers.getSetCookie()[0]).toMatch(/Max-Age=0/);
      const headers = renderHeaders(request, response);
      expect(headers.get('cookie')).toBe('theme=dark');
      const render = createTrackerServerHelpers({ user: restarted, requestScope: readOnlyScope(headers) });
      expect(await render.getSession()).toBeNull();

      // Only a session cookie: the render gets no Cookie header at all. No second OAuth call.
      const alone = await refreshSession.refresh(page(cookie));
      expect(alone.signedIn).toBe(false);
      expect(alone.requestHeaders.has('cookie')).toBe(false);
      expect(world.fake.calls.count('oauth.token')).toBe(before + 1);
    } finally {
      world.clock.offset = 0;
    }
  });

  it('refuses options that are not sign-in routes, naming the field', () => {
    for (const bad of [undefined, {}, { user: {} }, { user: { flow: {} } }]) {
      let thrown: unknown;
      try {
        createSessionRefresher(bad as never);
      } catch (error) {
        thrown = error;
      }
      expect(isConfigurationError(thrown)).toBe(true);
      expect((thrown as { field: string }).field).toBe('user');
    }
  });
});
