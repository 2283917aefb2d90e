/**
 * A Tracker that answers 401 to everything, over real HTTP against the fake: the forced-refresh
 * cooldown keeps it to one token exchange per window (IAM in service mode, an OAuth refresh
 * grant in user mode), every request fails fast with UnauthorizedError, and after the window
 * one new attempt is allowed. Without the cooldown each request cost one exchange.
 */
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTrackerAuth } from '../../src/auth.js';
import { UnauthorizedError, isUnauthorizedError } from '../../src/errors.js';
import { createTrackerClient } from '../../src/client/tracker-client.js';
import { iamFromOAuthToken } from '../../src/tokens/iam-from-oauth.js';
import { iamFromServiceAccountKey } from '../../src/tokens/iam-from-service-account.js';
import type { RefreshOptions, TokenSource } from '../../src/types.js';
import { createOAuthFlow } from '../../src/web/oauth-flow.js';
import { APP, flowOptions } from '../web/flow-options.js';
import { setCookieOf } from '../web/sign-in-helpers.js';

const NOT_AUTHORIZED = { errors: {}, errorMessages: ['Not authorized'], statusCode: 401 };
const COOLDOWN = 30_000;

let fake: FakeYandex;
/** The app's clock (`refresh.now`): real time plus what a test has advanced. */
let offset = 0;
const now = () => Date.now() + offset;
/** Move the app's clock and the fake's together (the fake checks JWT and token times on its own). */
const advance = (ms: number) => {
  offset += ms;
  fake.clock.advance(ms);
};

beforeAll(async () => {
  fake = await startFakeYandex();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  offset = 0;
  fake.clock.set(Date.now());
  fake.faults.clear();
  fake.calls.reset();
});

const alwaysUnauthorized = () => fake.faults.inject('tracker', { status: 401, body: NOT_AUTHORIZED, rate: 1 });

/** The UnauthorizedError message when the call was refreshed and replayed once, and when it was not replayed. */
const REPLAYED = /^Tracker rejected the credentials after a refresh and one retry: HTTP 401: GET \/v3\/myself: Not authorized$/;
const NOT_REPLAYED =
  /^Tracker rejected the credentials; the source has no other token to retry with: HTTP 401: GET \/v3\/myself: Not authorized$/;

/**
 * One call; it must fail with UnauthorizedError whose message says what happened (replayed
 * after a refresh, or not replayed). Returns the Tracker calls it made.
 */
async function rejectedCall(client: ReturnType<typeof createTrackerClient>): Promise<number> {
  const before = fake.calls.count('tracker');
  const error = await client.get('myself').json().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnauthorizedError);
  expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401, errorMessages: ['Not authorized'] });
  const calls = fake.calls.count('tracker') - before;
  expect((error as Error).message).toMatch(calls === 2 ? REPLAYED : NOT_REPLAYED);
  return calls;
}

describe.each([
  {
    name: 'iamFromServiceAccountKey',
    source: (refresh: RefreshOptions): TokenSource => iamFromServiceAccountKey({ key: fake.demo.serviceAccount.key, iamUrl: fake.url, refresh }),
  },
  {
    name: 'iamFromOAuthToken',
    source: (refresh: RefreshOptions): TokenSource => iamFromOAuthToken({ oauthToken: fake.demo.oauthToken, iamUrl: fake.url, refresh }),
  },
])('service mode ($name): Tracker always answers 401', ({ source }) => {
  it('20 requests → 1 IAM exchange; each fails fast with UNAUTHORIZED; after the window one more exchange', async () => {
    const auth = createTrackerAuth({ credentials: source({ now }), org: { cloudOrgId: fake.demo.cloudOrgId } });
    const tracker = createTrackerClient(auth, { trackerUrl: fake.url });
    await auth.headers(); // the app's first token (obtained on start-up, or by an earlier call)
    expect(fake.calls.count('iam.tokens')).toBe(1);
    alwaysUnauthorized();
    fake.calls.reset();

    // The first 401 gets its refresh and replay; the token it produced is then held back.
    expect(await rejectedCall(tracker)).toBe(2);
    expect(fake.calls.count('iam.tokens')).toBe(1);
    for (let i = 1; i < 20; i++) expect(await rejectedCall(tracker)).toBe(1);
    // Concurrent ones too: no replay, no exchange.
    const errors = await Promise.all(Array.from({ length: 10 }, () => tracker.get('myself').json().catch((e: unknown) => e)));
    expect(errors.every(isUnauthorizedError)).toBe(true);
    expect(fake.calls.count('iam.tokens')).toBe(1);
    expect(fake.calls.count('tracker')).toBe(31);

    advance(COOLDOWN - 1_000);
    expect(await rejectedCall(tracker)).toBe(1);
    expect(fake.calls.count('iam.tokens')).toBe(1);

    advance(1_000); // the window is over: one new attempt, then a new window
    expect(await rejectedCall(tracker)).toBe(2);
    expect(fake.calls.count('iam.tokens')).toBe(2);
    for (let i = 0; i < 5; i++) expect(await rejectedCall(tracker)).toBe(1);
    expect(fake.calls.count('iam.tokens')).toBe(2);

    // Tracker recovers: the token held back is used at once.
    fake.faults.clear();
    await expect(tracker.get('myself').json()).resolves.toHaveProperty('login');
    expect(fake.calls.count('iam.tokens')).toBe(2);
  });

  it('forcedRefreshCooldownMs: 0 restores one exchange per 401', async () => {
    const auth = createTrackerAuth({ credentials: source({ now, forcedRefreshCooldownMs: 0 }), org: { cloudOrgId: fake.demo.cloudOrgId } });
    const tracker = createTrackerClient(auth, { trackerUrl: fake.url });
    await auth.headers();
    alwaysUnauthorized();
    fake.calls.reset();
    for (let i = 0; i < 3; i++) expect(await rejectedCall(tracker)).toBe(2);
    expect(fake.calls.count('iam.tokens')).toBe(3);
  });
});

describe('user mode (createOAuthFlow): Tracker always answers 401', () => {
  it('20 requests → at most 1 refresh grant; each fails fast with UNAUTHORIZED; after the window one more', async () => {
    const registered = fake.oauth.registerApp({ redirectUris: [`${APP}/auth/callback`] });
    const flow = createOAuthFlow(flowOptions(fake, { clientId: registered.clientId, clientSecret: registered.clientSecret ?? '' }, now));

    // Sign in: login → the fake's /authorize (auto-approve) → callback.
    const login = await flow.signIn(new Request(`${APP}/auth/sign-in`));
    const loginCookie = login.headers.getSetCookie().find((c) => c.startsWith('tracker_login='))!.split(';')[0]!;
    const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual' });
    const callback = await flow.callback(new Request(authorize.headers.get('location')!, { headers: { cookie: loginCookie } }));
    expect(callback.status).toBe(302);
    // The browser's cookie jar: updated from every response, as a browser would.
    let session = callback.headers.getSetCookie().find((c) => c.startsWith('tracker_session='))!.split(';')[0]!;

    alwaysUnauthorized();
    fake.calls.reset();
    const refreshGrants = () => fake.requests.filter((r) => r.endpoint === 'oauth.token' && r.params?.grant_type === 'refresh_token').length;
    /** One app request: the user's auth from the cookie, one Tracker call, the cookie sent back. */
    const request = async () => {
      const user = await flow.userAuth(new Request(`${APP}/api`, { headers: { cookie: session } }));
      const error = await createTrackerClient(user.auth, { trackerUrl: fake.url }).get('myself').json().catch((e: unknown) => e);
      expect(isUnauthorizedError(error)).toBe(true);
      if (setCookieOf(user) !== undefined) session = setCookieOf(user)!.split(';')[0]!;
    };

    for (let i = 0; i < 20; i++) await request();
    expect(refreshGrants()).toBeLessThanOrEqual(1);
    // One replay at most (after that refresh); every other request made one Tracker call.
    expect(fake.calls.count('tracker')).toBeLessThanOrEqual(21);

    advance(COOLDOWN);
    const before = refreshGrants();
    for (let i = 0; i < 5; i++) await request();
    expect(refreshGrants() - before).toBe(1);
  });
});
