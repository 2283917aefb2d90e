/**
 * createOAuthFlow({ store }): two flows (two app instances behind a load balancer) sharing one
 * TokenStore. The fake Yandex rotates refresh tokens like Yandex does, so a pre-rotation cookie
 * that reaches the other instance only works when the rotation result is shared.
 */
import { describe, expect, it } from 'vitest';
import { ConfigurationError, SignInRequiredError } from '../../src/errors.js';
import { createMemoryTokenStore, type MemoryTokenStore } from '../../src/refresh/memory-store.js';
import type { TokenStore } from '../../src/types.js';
import { createOAuthFlow, type OAuthFlow, type OAuthFlowOptions } from '../../src/web/oauth-flow.js';
import { createTrackerProxy } from '../../src/web/proxy.js';
import { APP, flowOptions, useFlowFake } from './flow-options.js';
import { refreshed, setCookieOf } from './sign-in-helpers.js';

/** Past the fake's one-year access tokens, inside the 400-day session. */
const PAST_ACCESS_TOKEN_EXPIRY_MS = 366 * 24 * 60 * 60 * 1000;
/**
 * The app instances' clock runs `t.skew` ahead of the fake's. The fake's refresh tokens live exactly
 * as long as its access tokens (docs/yandex-api.md 2.3), so moving the fake's own clock past the
 * access token's expiry would kill the refresh token too; moving the apps' clock makes the access
 * token expired to them while Yandex still honours the refresh token once.
 */
const t = useFlowFake();

/** One app instance: its own flow (own in-memory cache), the shared app clock, optionally a shared store. */
function instance(overrides: Partial<OAuthFlowOptions> = {}): OAuthFlow {
  return createOAuthFlow(flowOptions(t.fake, t.app, () => t.fake.clock.now() + t.skew, overrides));
}

async function signIn(flow: OAuthFlow): Promise<string> {
  const login = await flow.signIn(new Request(`${APP}/auth/sign-in`));
  const loginCookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
  const back = await fetch(login.headers.get('location')!, { redirect: 'manual' });
  const done = await flow.callback(new Request(back.headers.get('location')!, { headers: { cookie: loginCookie } }));
  return done.headers.getSetCookie().find((c) => c.startsWith('tracker_session='))!.split(';')[0]!;
}

const withCookie = (cookie: string) => new Request(`${APP}/api/tracker/v3/myself`, { headers: { cookie } });

async function myself(headers: Record<string, string>): Promise<Response> {
  return fetch(`${t.fake.url}/v3/myself`, { headers });
}

/** Instance A serves cookie C after the access token expired: one refresh, the refresh token rotates. */
async function rotateOn(a: OAuthFlow, cookie: string): Promise<string> {
  t.skew = PAST_ACCESS_TOKEN_EXPIRY_MS;
  // Count token calls from here (the sign-in's code exchange was one).
  t.fake.calls.reset();
  const user = await a.userAuth(withCookie(cookie));
  expect((await myself(await user.auth.headers())).status).toBe(200);
  expect(t.fake.calls.count('oauth.token')).toBe(1);
  expect(setCookieOf(user)).toMatch(/^tracker_session=v1\./);
  return setCookieOf(user)!;
}

describe('createOAuthFlow: sessions shared between instances (store)', () => {
  it('control: without a store, the stale cookie at another instance ends in SignInRequiredError', async () => {
    const a = instance();
    const b = instance();
    const cookie = await signIn(a);
    await rotateOn(a, cookie);

    const user = await b.userAuth(withCookie(cookie));
    const error = await user.auth.headers().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SignInRequiredError);
    // B replayed the rotated-away refresh token: the fake refused it.
    expect(t.fake.calls.count('oauth.token')).toBe(2);
  });

  it('with a shared store, the other instance serves the rotated tokens and re-seals the cookie', async () => {
    const { store, memory, keys: storeKeys } = sharedStore();
    const a = instance({ store });
    const b = instance({ store });
    const cookie = await signIn(a);
    const original = await a.getSession(withCookie(cookie), { includeTokens: true });
    const rotatedOnA = await rotateOn(a, cookie);

    // Store keys name the session by a SHA-256 fingerprint, never by a token.
    const keys = storeKeys();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^oauth:user:sha256:[A-Za-z0-9_-]{43}$/);
    const stored = memory.get(keys[0]!)!;
    expect(stored.refreshToken).not.toBe(original?.tokens?.refreshToken);
    for (const secret of [stored.refreshToken!, stored.token, original!.tokens!.refreshToken!, original!.tokens!.accessToken]) {
      expect(keys[0]).not.toContain(secret);
    }

    const user = await b.userAuth(withCookie(cookie));
    const headers = await user.auth.headers();
    expect((await myself(headers)).status).toBe(200);
    // No second refresh: B took A's rotation from the store.
    expect(t.fake.calls.count('oauth.token')).toBe(1);
    expect(headers.Authorization).toBe(`OAuth ${stored.token}`);
    const resealed = setCookieOf(user);
    expect(resealed).toMatch(/^tracker_session=v1\.[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);

    // B's new cookie holds the rotated tokens: it opens on A (and on B) with the rotated access token.
    for (const flow of [a, b]) {
      const next = await flow.getSession(withCookie(resealed!.split(';')[0]!), { includeTokens: true });
      expect(next?.tokens?.accessToken).toBe(stored.token);
      expect(next?.tokens?.refreshToken).toBe(stored.refreshToken);
    }
    const fromA = await a.getSession(withCookie(rotatedOnA.split(';')[0]!), { includeTokens: true });
    expect(fromA?.tokens?.refreshToken).toBe(stored.refreshToken);
  });

  it('through the proxy: the stale cookie at instance B answers 200 with a re-sealed Set-Cookie', async () => {
    const { store } = sharedStore();
    const a = instance({ store });
    const b = instance({ store });
    const cookie = await signIn(a);
    await rotateOn(a, cookie);

    const proxyB = createTrackerProxy({ auth: (request) => b.userAuth(request), allowAnonymous: true, basePath: '/api/tracker', trackerUrl: t.fake.url });
    const response = await proxyB(withCookie(cookie));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { login: string }).login).toBe(t.fake.demo.user.login);
    expect(response.headers.getSetCookie()).toHaveLength(1);
    expect(response.headers.getSetCookie()[0]).toMatch(/^tracker_session=v1\./);
    expect(t.fake.calls.count('oauth.token')).toBe(1);
  });

  it('sign-out deletes the session from the store', async () => {
    const { store, memory } = sharedStore();
    const a = instance({ store });
    const cookie = await signIn(a);
    await rotateOn(a, cookie);
    expect(memory.size).toBe(1);
    const out = await a.signOut(new Request(`${APP}/auth/sign-out`, { method: 'POST', headers: { cookie, origin: APP } }));
    expect(out.status).toBe(303);
    expect(memory.size).toBe(0);
  });

  it('a cookie whose refresh token another instance spent leads to its successor through the store', async () => {
    const { store } = sharedStore();
    const [a, b, c] = [instance({ store }), instance({ store }), instance({ store })];
    const proxy = (flow: OAuthFlow) => createTrackerProxy({ auth: (request) => flow.userAuth(request), allowAnonymous: true, basePath: '/api/tracker', trackerUrl: t.fake.url });
    const cookie = await signIn(a);
    // Browser 1 gets the first rotation from A.
    const fromA = (await rotateOn(a, cookie)).split(';')[0]!;
    // Browser 2, still on the sign-in cookie, reaches B; Tracker answers 401 there, so B spends
    // the refresh token browser 1 holds.
    t.fake.calls.reset();
    t.fake.faults.inject('tracker', { status: 401, times: 1 });
    expect((await proxy(b)(withCookie(cookie))).status).toBe(200);
    expect(t.fake.calls.count('oauth.token')).toBe(1);
    // Browser 1's next request reaches C (nothing in memory), and Tracker answers 401 again: C
    // refreshes from the successor B stored, not from the spent token.
    t.fake.faults.inject('tracker', { status: 401, times: 1 });
    const onC = await proxy(c)(withCookie(fromA));
    expect(onC.status).toBe(200);
    expect(t.fake.calls.count('oauth.token')).toBe(2);
    expect(onC.headers.getSetCookie()[0]).toMatch(/^tracker_session=v1\./);
  });

  it('100 trials: two instances refresh one session at once → 0 lost sessions; both browsers\' cookies keep working', async () => {
    // Each trial moves the apps' clock on by 2 minutes twice; with maxAgeMs 1 minute, a token is
    // due (still valid) at each step, so both instances refresh it at the same moment.
    const DUE_STEP = 2 * 60 * 1000;
    const refresh = { now: () => t.fake.clock.now() + t.skew, maxAgeMs: 60 * 1000 };
    let lost = 0;
    let raced = 0;
    for (let trial = 0; trial < 100; trial++) {
      const { store } = sharedStore();
      const [a, b] = [instance({ store, refresh }), instance({ store, refresh })];
      const cookie = await signIn(a);
      t.skew += DUE_STEP;
      t.fake.calls.reset();
      const [onA, onB] = (await Promise.all([a.refreshSession(withCookie(cookie)), b.refreshSession(withCookie(cookie))])).map(refreshed) as [ReturnType<typeof refreshed>, ReturnType<typeof refreshed>];
      // 2 token calls: both spent the same refresh token; the loser took the winner's answer.
      if (t.fake.calls.count('oauth.token') > 1) raced++;
      if (!onA.signedIn || !onB.signedIn || onA.setCookie.length !== 1 || onB.setCookie.length !== 1) {
        lost++;
        continue;
      }
      // The browsers' next requests, each at a fresh instance (nothing in memory), once the
      // tokens are due again: each refreshes or takes the other's rotation, and Tracker answers.
      t.skew += DUE_STEP;
      const [c, d] = [instance({ store, refresh }), instance({ store, refresh })];
      for (const [flow, set] of [[c, onA.setCookie], [d, onB.setCookie]] as const) {
        const next = refreshed(await flow.refreshSession(withCookie(set[0]!.split(';')[0]!)));
        const user = await flow.userAuth(withCookie(next.setCookie[0]?.split(';')[0] ?? set[0]!.split(';')[0]!));
        const ok = next.signedIn && (await myself(await user.auth.headers()).catch(() => undefined))?.status === 200;
        if (!ok) lost++;
      }
    }
    expect(lost).toBe(0);
    // Not asserted (timing decides): how many trials really had both refreshes reach Yandex.
    // The race really happened (both refreshes reached Yandex), or the trials proved nothing.
    expect(raced).toBeGreaterThan(0);
  }, 60_000);

  it('refuses a store that is not a TokenStore at construction', () => {
    for (const bad of [null, 'redis', {}, { get: () => undefined, set: () => undefined }]) {
      let error: unknown;
      try {
        instance({ store: bad as unknown as TokenStore });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).field).toBe('store');
    }
  });
});

/** A memory store that also tells which keys were written (a Redis user could list them too). */
function sharedStore(): { store: TokenStore; memory: MemoryTokenStore; keys: () => string[] } {
  const memory = createMemoryTokenStore();
  const written = new Set<string>();
  const store: TokenStore = {
    get: (key) => memory.get(key),
    set: (key, value) => {
      written.add(key);
      memory.set(key, value);
    },
    delete: (key) => {
      written.delete(key);
      memory.delete(key);
    },
  };
  return { store, memory, keys: () => [...written] };
}
