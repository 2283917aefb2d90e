/**
 * createTrackerRouteHandler({ user }) without `authorize`: core's sameOriginSignedIn gate is the
 * default (the same one the Express adapter uses), checked case by case against the gate itself,
 * with a real sign-in against the fake Yandex.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrackerAuth, isConfigurationError, oauthToken, sameOriginSignedIn } from '@tracker-auth/core';
import { createTrackerRouteHandler } from '../src/index.js';
import { APP, signIn, startWorld, type SignInWorld } from './fake-sign-in.js';

let world: SignInWorld;
let cookie: string;
beforeAll(async () => {
  world = await startWorld();
  cookie = await signIn(world);
});
afterAll(() => world.fake.close());

const myself = (headers: Record<string, string> = {}, method = 'GET') =>
  new Request(`${APP}/api/tracker/v3/myself`, { method, headers, ...(method === 'POST' ? { body: '{}' } : {}) });

describe('createTrackerRouteHandler: the default gate with user is core sameOriginSignedIn', () => {
  it('lets exactly the requests through that the core gate lets through (others 403, Tracker not called)', async () => {
    const proxy = createTrackerRouteHandler({ user: world.auth, trackerUrl: world.fake.url, allowPaths: ['/v3/myself'] });
    const gate = sameOriginSignedIn(world.auth.flow);
    const cases: Array<[string, Record<string, string>, boolean]> = [
      ['signed in, same-origin', { cookie, 'sec-fetch-site': 'same-origin' }, true],
      ['signed in, typed URL', { cookie, 'sec-fetch-site': 'none' }, true],
      ['signed in, no Sec-Fetch-Site', { cookie }, true],
      ['signed in, cross-site', { cookie, 'sec-fetch-site': 'cross-site' }, false],
      ['signed in, same-site sibling', { cookie, 'sec-fetch-site': 'same-site' }, false],
      ['no session', {}, false],
      ['forged session', { cookie: 'tracker_session=v1.forged' }, false],
    ];
    for (const [name, headers, allowed] of cases) {
      expect(await gate(myself(headers)), name).toBe(allowed);
      const calls = world.fake.calls.count('tracker');
      const response = await proxy.GET(myself(headers));
      expect(response.status, name).toBe(allowed ? 200 : 403);
      if (allowed) expect(((await response.json()) as { login: string }).login).toBe(world.fake.demo.user.login);
      else expect(((await response.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
      // Exactly one Tracker call when allowed, none when refused.
      expect(world.fake.calls.count('tracker'), name).toBe(calls + (allowed ? 1 : 0));
    }
  });

  it('an explicit authorize replaces the default; allowAnonymous drops it (signed out → 401 from the session)', async () => {
    const own = createTrackerRouteHandler({ user: world.auth, authorize: () => true, trackerUrl: world.fake.url, allowPaths: ['/v3/myself'] });
    expect((await own.GET(myself({ cookie, 'sec-fetch-site': 'cross-site' }))).status).toBe(200);
    const anonymous = createTrackerRouteHandler({ user: world.auth, allowAnonymous: true, trackerUrl: world.fake.url, allowPaths: ['/v3/myself'] });
    expect((await anonymous.GET(myself())).status).toBe(401);
  });

  it('service mode (auth) still needs authorize or allowAnonymous', () => {
    let error: unknown;
    try {
      createTrackerRouteHandler({ auth: createTrackerAuth({ credentials: oauthToken('y0_gate-test-token-0123456789abcdefghijklmnop'), org: { orgId: '1' } }) });
    } catch (caught) {
      error = caught;
    }
    expect(isConfigurationError(error)).toBe(true);
    expect((error as { field: string }).field).toBe('authorize');
  });
});
