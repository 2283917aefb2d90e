/**
 * createTrackerServerHelpers against the fake Yandex, with Next's real cookie store
 * (`ResponseCookies`, what `cookies()` hands out in actions) and real control-flow errors
 * (`redirect()`, `notFound()`, dynamic-usage bailouts), passed in through `requestScope`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseCookies } from 'next/dist/compiled/@edge-runtime/cookies';
import { isRedirectError } from 'next/dist/client/components/redirect-error';
import { DynamicServerError } from 'next/dist/client/components/hooks-server-context';
import { notFound, redirect } from 'next/navigation';
import { createTrackerAuth, isConfigurationError, isRequestRejectedError, isSignInRequiredError, oauthToken } from '@tracker-auth/core';
import { createTrackerServerHelpers, type RequestScope, type TrackerServerHelpersOptions } from '../src/index.js';
import { APP, PAST_TOKEN_EXPIRY_MS, signIn, startWorld, type SignInWorld } from './fake-sign-in.js';

let world: SignInWorld;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.fake.close());

/** A request scope like Next's in a server action: incoming headers and a writable cookie store. */
function scope(cookie: string | undefined, extra: Record<string, string> = {}) {
  const incoming = new Headers({ host: 'app.test', ...extra });
  if (cookie) incoming.set('cookie', cookie);
  const store = new ResponseCookies(new Headers());
  const requestScope: RequestScope = { headers: async () => incoming, cookies: async () => store };
  return { requestScope, store };
}

function helpers(requestScope: RequestScope, more: Partial<TrackerServerHelpersOptions> = {}) {
  return createTrackerServerHelpers({ user: world.auth, client: { trackerUrl: world.fake.url }, requestScope, ...more });
}

/** The URL of a Next redirect error (`NEXT_REDIRECT;<type>;<url>;<status>;`). */
function redirectUrl(error: unknown): string {
  expect(isRedirectError(error)).toBe(true);
  return (error as { digest: string }).digest.split(';')[2]!;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('getTrackerClient', () => {
  it("gives the signed-in user's client", async () => {
    const { requestScope } = scope(await signIn(world));
    const client = await helpers(requestScope).getTrackerClient();
    const me = await client.get('myself').json<{ login: string }>();
    expect(me.login).toBe(world.fake.demo.user.login);
  });

  it('without a session: SignInRequiredError, or a Next redirect to the sign-in route', async () => {
    const { requestScope } = scope(undefined);
    expect(isSignInRequiredError(await rejection(helpers(requestScope).getTrackerClient()))).toBe(true);
    const error = await rejection(helpers(requestScope).getTrackerClient({ onSignInRequired: 'redirect', returnTo: '/issues?q=1' }));
    expect(redirectUrl(error)).toBe('/api/auth/sign-in?returnTo=%2Fissues%3Fq%3D1');
  });

  it("gives the app's service client with as: 'service', and never falls back to it", async () => {
    const robot = world.fake.tracker.addUser({ login: 'robot-helpers' });
    const token = world.fake.oauth.issueToken({ uid: robot.uid });
    const service = createTrackerAuth({ credentials: oauthToken(token.accessToken), org: { orgId: world.fake.demo.orgId } });
    const { requestScope } = scope(undefined);
    const both = helpers(requestScope, { service });
    const client = await both.getTrackerClient({ as: 'service' });
    expect((await client.get('myself').json<{ login: string }>()).login).toBe('robot-helpers');
    // Signed out, the default (user) does not silently become the service account.
    expect(isSignInRequiredError(await rejection(both.getTrackerClient()))).toBe(true);
    // Service only: the default is the service client.
    const serviceOnly = createTrackerServerHelpers({ service, client: { trackerUrl: world.fake.url }, requestScope });
    expect((await (await serviceOnly.getTrackerClient()).get('myself').json<{ login: string }>()).login).toBe('robot-helpers');
    expect(isConfigurationError(await rejection(serviceOnly.getTrackerClient({ as: 'user' })))).toBe(true);
    expect(isConfigurationError(await rejection(helpers(requestScope).getTrackerClient({ as: 'service' })))).toBe(true);
  });

  it('writes a rotated session through the cookie store after a refresh', async () => {
    const cookie = await signIn(world);
    const { requestScope, store } = scope(cookie);
    world.clock.offset = PAST_TOKEN_EXPIRY_MS; // the access token has expired by the flow's clock
    try {
      const tokenCalls = world.fake.calls.count('oauth.token');
      const client = await helpers(requestScope).getTrackerClient();
      expect((await client.get('myself').json<{ login: string }>()).login).toBe(world.fake.demo.user.login);
      expect(world.fake.calls.count('oauth.token')).toBe(tokenCalls + 1);
      const rotated = store.get('tracker_session');
      expect(rotated?.value).toBeTruthy();
      expect(`tracker_session=${rotated!.value}`).not.toBe(cookie);
      expect(rotated?.httpOnly).toBe(true);
      expect(rotated?.sameSite).toBe('lax');
      // The rotated cookie is a working session.
      const next = scope(`tracker_session=${rotated!.value}`);
      expect(await helpers(next.requestScope).getSession()).not.toBeNull();
    } finally {
      world.clock.offset = 0;
    }
  });

  it('still answers in a server component, where cookies cannot be written', async () => {
    const cookie = await signIn(world);
    const incoming = new Headers({ host: 'app.test', cookie });
    const readOnly: RequestScope = {
      headers: async () => incoming,
      cookies: async () => ({
        set: () => {
          throw new Error('Cookies can only be modified in a Server Action or Route Handler.');
        },
      }),
    };
    world.clock.offset = PAST_TOKEN_EXPIRY_MS;
    try {
      const client = await helpers(readOnly).getTrackerClient();
      expect((await client.get('myself').json<{ login: string }>()).login).toBe(world.fake.demo.user.login);
    } finally {
      world.clock.offset = 0;
    }
  });
});

describe("Next's control-flow errors pass through untouched", () => {
  const thrown = (make: () => never): unknown => {
    try {
      make();
    } catch (error) {
      return error;
    }
    throw new Error('expected a throw');
  };

  it.each([
    ['redirect()', () => thrown(() => redirect('/elsewhere'))],
    ['notFound()', () => thrown(() => notFound())],
    ['a dynamic-usage bailout', () => new DynamicServerError('Route / used headers()')],
  ])('%s thrown while reading the request reaches Next as the same object', async (_name, make) => {
    const error = make();
    const requestScope: RequestScope = {
      headers: async () => {
        throw error;
      },
      cookies: async () => {
        throw error;
      },
    };
    const h = helpers(requestScope);
    expect(await rejection(h.getTrackerClient())).toBe(error);
    expect(await rejection(h.getTrackerClient({ onSignInRequired: 'redirect' }))).toBe(error);
    expect(await rejection(h.getSession())).toBe(error);
    expect(await rejection(h.signIn())).toBe(error);
    expect(await rejection(h.signOut())).toBe(error);
  });

  it('a redirect thrown while writing a rotated cookie is not swallowed', async () => {
    const cookie = await signIn(world);
    const error = thrown(() => redirect('/from-cookies'));
    const requestScope: RequestScope = {
      headers: async () => new Headers({ host: 'app.test', cookie }),
      cookies: async () => {
        throw error;
      },
    };
    world.clock.offset = PAST_TOKEN_EXPIRY_MS;
    try {
      const client = await helpers(requestScope).getTrackerClient();
      const failure = await rejection(client.get('myself').json());
      // ky wraps nothing thrown by beforeRequest hooks: the very error arrives.
      expect(failure).toBe(error);
    } finally {
      world.clock.offset = 0;
    }
  });
});

describe('signIn / signOut / getSession (server actions)', () => {
  it('signIn() writes the login cookie through the cookie store and redirects to Yandex', async () => {
    const { requestScope, store } = scope(undefined);
    const error = await rejection(helpers(requestScope).signIn({ returnTo: '/issues' }));
    const url = new URL(redirectUrl(error));
    expect(`${url.origin}${url.pathname}`).toBe(`${world.fake.url}/authorize`);
    const login = store.get('tracker_login');
    expect(login?.value).toBeTruthy();
    expect(login?.httpOnly).toBe(true);
    expect(login?.path).toBe('/');
    expect(login?.maxAge).toBeGreaterThan(0);
    // The browser completes the dance with that cookie; the callback honours returnTo.
    const back = (await fetch(url, { redirect: 'manual' })).headers.get('location')!;
    const done = await world.auth.callback(new Request(back, { headers: { cookie: `tracker_login=${login!.value}` } }));
    expect(done.headers.get('location')).toBe('/issues');
  });

  it('getSession() reports the session without tokens; signOut() clears it and redirects', async () => {
    const cookie = await signIn(world);
    const { requestScope, store } = scope(cookie, { origin: APP });
    const h = helpers(requestScope);
    const session = await h.getSession();
    expect(session?.refreshable).toBe(true);
    expect(session?.tokens).toBeUndefined();
    expect(JSON.stringify(session)).not.toMatch(/y0_/);

    const error = await rejection(h.signOut());
    expect(redirectUrl(error)).toBe('/signed-out');
    expect(store.get('tracker_session')?.value).toBe('');
    expect(store.get('tracker_session')?.maxAge).toBe(0);
  });

  it.each(['evil.example:99999', '[::1'])('a malformed Host (%s) is ignored, never a crash: session read, sign-in redirects', async (host) => {
    const cookie = await signIn(world);
    const { requestScope } = scope(cookie, { host });
    const h = helpers(requestScope);
    expect((await h.getSession())?.refreshable).toBe(true);
    // The unusable Host is replaced by `localhost`, not the app's host: sign-in first goes to
    // the sign-in route on the app host (core's canonicalHost), which then redirects to Yandex.
    expect(redirectUrl(await rejection(h.signIn()))).toBe('http://app.test/api/auth/sign-in?tracker_auth_host=1');
  });

  it('signOut() from another site is refused with an error, not a redirect', async () => {
    const { requestScope, store } = scope(await signIn(world), { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    const error = await rejection(helpers(requestScope).signOut());
    expect(isRedirectError(error)).toBe(false);
    expect(isRequestRejectedError(error)).toBe(true);
    expect((error as { code?: string }).code).toBe('BAD_REQUEST');
    expect(String((error as Error).message)).toMatch(/this site/i);
    expect(store.get('tracker_session')).toBeUndefined();
  });
});

describe('createTrackerServerHelpers: options are validated at construction', () => {
  it.each([
    ['user', {}],
    ['user', { user: { flow: {} } }],
    ['service', { service: { headers: 'no' } }],
    ['signInPath', { user: undefined, service: createTrackerAuth({ credentials: oauthToken('y0_abcdefghijklmnopqrstuvwxyz0123456789'), org: { orgId: '1' } }), signInPath: '//evil.example' }],
    ['client', { service: createTrackerAuth({ credentials: oauthToken('y0_abcdefghijklmnopqrstuvwxyz0123456789'), org: { orgId: '1' } }), client: { trackerUrl: 'nope' } }],
  ])('bad %s → ConfigurationError', (field, options) => {
    let caught: unknown;
    try {
      createTrackerServerHelpers(options as never);
    } catch (error) {
      caught = error;
    }
    expect(isConfigurationError(caught)).toBe(true);
    expect((caught as { field: string }).field.startsWith(field === 'client' ? 'trackerUrl' : field)).toBe(true);
  });
});
