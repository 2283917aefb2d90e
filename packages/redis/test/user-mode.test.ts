/**
 * User mode through the public API: three app instances (each its own flow, Redis client and
 * local cache) behind one Redis, a browser whose requests land on a random instance, token
 * rotations forced by 401s from Tracker, the fake in its Yandex-default mode (a refresh may
 * return the same access token with a new refresh token).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthFlow, createTrackerProxy, type OAuthFlow } from '@tracker-auth/core';
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { createRedisTokenStore, type RedisTokenStore } from '@tracker-auth/redis';
import { startRedis, type TestRedis } from './redis-server.js';

const APP = 'http://app.test';
const REDIRECT = `${APP}/auth/callback`;
const SECRET = 'user-mode-test-session-secret-32-bytes!';
const REQUESTS = 200;

let fake: FakeYandex;
let redis: TestRedis;
let app: { clientId: string; clientSecret: string };
const stores: RedisTokenStore[] = [];

beforeAll(async () => {
  [fake, redis] = await Promise.all([startFakeYandex(), startRedis()]);
  const registered = fake.oauth.registerApp({ redirectUris: [REDIRECT] });
  app = { clientId: registered.clientId, clientSecret: registered.clientSecret! };
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await Promise.all([fake?.close(), redis?.close()]);
});

function instance(): { flow: OAuthFlow; proxy: (request: Request) => Promise<Response> } {
  const store = createRedisTokenStore({ redis: redis.url, secrets: SECRET });
  stores.push(store);
  const flow = createOAuthFlow({
    ...app,
    redirectUri: REDIRECT,
    org: { orgId: fake.demo.orgId },
    sessionSecret: SECRET,
    oauthUrl: fake.url,
    store,
    // Every 401 forces a rotation (no cooldown), so the run has many of them.
    refresh: { forcedRefreshCooldownMs: 0 },
  });
  const proxy = createTrackerProxy({ auth: (request) => flow.userAuth(request), allowAnonymous: true, basePath: '/api/tracker', trackerUrl: fake.url });
  return { flow, proxy };
}

const cookieOf = (response: Response, name = 'tracker_session') => response.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))?.split(';')[0];

async function signIn(flow: OAuthFlow): Promise<string> {
  const login = await flow.signIn(new Request(`${APP}/auth/sign-in`));
  const yandex = await fetch(login.headers.get('location')!, { redirect: 'manual' });
  const done = await flow.callback(new Request(yandex.headers.get('location')!, { headers: { cookie: cookieOf(login, 'tracker_login')! } }));
  return cookieOf(done)!;
}

describe('createOAuthFlow({ store: redisStore }): three instances, one browser hopping between them', () => {
  it(`${REQUESTS} requests at random instances with forced rotations: 0 SIGN_IN_REQUIRED, 0 lost rotations`, async () => {
    const instances = [instance(), instance(), instance()];
    let cookie = await signIn(instances[0]!.flow);
    const refreshTokens = new Set<string>();
    const seen = new Set<string>([app.clientSecret]);
    const refreshTokenOf = async (c: string) => {
      const tokens = (await instances[0]!.flow.getSession(new Request(`${APP}/`, { headers: { cookie: c } }), { includeTokens: true }))?.tokens;
      for (const token of [tokens?.accessToken, tokens?.refreshToken]) if (token) seen.add(token);
      return tokens?.refreshToken;
    };
    refreshTokens.add((await refreshTokenOf(cookie))!);
    fake.calls.reset();
    const statuses = new Map<number, number>();
    const codes: string[] = [];
    // A fixed pseudo-random walk, so a failure replays the same way.
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < REQUESTS; i++) {
      if (i % 5 === 4) fake.faults.inject('tracker', { status: 401, times: 1 });
      const target = instances[Math.floor(random() * instances.length)]!;
      const response = await target.proxy(new Request(`${APP}/api/tracker/v3/myself`, { headers: { cookie } }));
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status !== 200) codes.push(((await response.json()) as { code?: string }).code ?? String(response.status));
      const next = cookieOf(response);
      if (next !== undefined) {
        expect(next).not.toBe('tracker_session=');
        cookie = next;
        refreshTokens.add((await refreshTokenOf(cookie))!);
      }
    }
    expect(codes).toEqual([]);
    expect([...statuses]).toEqual([[200, REQUESTS]]);
    const rotations = fake.calls.count('oauth.token');
    expect(rotations).toBeGreaterThanOrEqual(REQUESTS / 5);
    // Every refresh's new refresh token reached the browser (no rotation lost in an instance).
    expect(refreshTokens.size).toBe(rotations + 1);
    // The browser's newest cookie still works everywhere.
    for (const { proxy } of instances) {
      expect((await proxy(new Request(`${APP}/api/tracker/v3/myself`, { headers: { cookie } }))).status).toBe(200);
    }
    // Nothing in Redis is a usable token in plaintext.
    const keys = redis.cli('--scan').trim().split('\n').filter(Boolean);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      const value = redis.cli('GET', key);
      for (const secret of seen) {
        expect(key).not.toContain(secret);
        expect(value).not.toContain(secret);
      }
    }
  });
});
