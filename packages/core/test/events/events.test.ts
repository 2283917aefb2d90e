/**
 * `onEvent` over real HTTP against the fake Yandex: refreshes (start, end, retry, failure,
 * cooldown), the client's retries, 429 waits and 401 replays, session rotation and a dead
 * session. No event carries a secret (a scan of JSON.stringify(events) for every token, key
 * and secret the run used), and a handler that throws never breaks a request.
 */
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTrackerAuth } from '../../src/auth.js';
import type { TrackerAuthEvent } from '../../src/events.js';
import { createTrackerClient } from '../../src/client/tracker-client.js';
import { ConfigurationError, SignInRequiredError, UnauthorizedError } from '../../src/errors.js';
import { iamFromServiceAccountKey } from '../../src/tokens/iam-from-service-account.js';
import { oauthToken } from '../../src/tokens/static-tokens.js';
import { createOAuthFlow } from '../../src/web/oauth-flow.js';
import { flowOptions, REDIRECT } from '../web/flow-options.js';
import { setCookieOf, signIn, tokensIn, withCookie } from '../web/sign-in-helpers.js';

let fake: FakeYandex;
beforeAll(async () => {
  fake = await startFakeYandex();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.faults.clear();
  fake.calls.reset();
});

/** Every secret of a run, in the forms a leak would take. */
function expectNoSecret(events: readonly TrackerAuthEvent[], secrets: readonly string[]): void {
  const text = JSON.stringify(events);
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThan(8);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(Buffer.from(secret).toString('base64').slice(0, 24));
  }
}

const types = (events: readonly TrackerAuthEvent[]) => events.map((event) => event.type);

describe('service account: refreshes, retries, 429, 401 replay, cooldown', () => {
  it('reports each with the credential id and the call path only', async () => {
    const events: TrackerAuthEvent[] = [];
    /** Every event of the run, for the secret scan (`events` is emptied between steps). */
    const all: TrackerAuthEvent[] = [];
    const record = (event: TrackerAuthEvent) => {
      events.push(event);
      all.push(event);
    };
    const key = fake.demo.serviceAccount.key;
    const auth = createTrackerAuth({
      credentials: iamFromServiceAccountKey({ key, iamUrl: fake.url, refresh: { backoffMs: 1, maxBackoffMs: 5 } }),
      org: { cloudOrgId: fake.demo.cloudOrgId },
      onEvent: record,
    });
    const tracker = createTrackerClient(auth, { trackerUrl: fake.url });

    // First call: the IAM exchange fails once (503), is retried, then succeeds.
    fake.faults.inject('iam.tokens', { status: 503, times: 1 });
    await tracker.get('myself').json();
    const source = auth.credentials.id;
    expect(events).toEqual([
      { type: 'refresh.start', source, reason: 'expiry' },
      { type: 'refresh.retry', source, attempt: 1, delayMs: expect.any(Number), error: expect.objectContaining({ name: 'TokenExchangeError', code: 'TOKEN_EXCHANGE_FAILED' }) },
      { type: 'refresh.end', source, reason: 'expiry', attempts: 2, durationMs: expect.any(Number), expiresAt: expect.any(Number) },
    ]);
    const iamToken = (await auth.credentials.getToken()).token;

    // 429 with Retry-After, a 503 and a dropped connection for a GET: one event each.
    events.length = 0;
    fake.faults.inject('tracker', { status: 429, retryAfter: 0, times: 1 });
    await tracker.get('myself').json();
    fake.faults.inject('tracker', { status: 503, times: 1 });
    await tracker.get('issues/TEST-1').catch(() => undefined);
    fake.faults.inject('tracker', { drop: true, times: 1 });
    await tracker.get('queues/TEST').json();
    expect(events).toEqual([
      { type: 'request.rate-limited', method: 'GET', path: '/v3/myself', retry: 1, retryAfterMs: 0 },
      { type: 'request.retry', method: 'GET', path: '/v3/issues/TEST-1', retry: 1, status: 503, retryAfterMs: undefined },
      { type: 'request.retry', method: 'GET', path: '/v3/queues/TEST', retry: 1, error: expect.objectContaining({ name: 'NetworkError', code: 'NETWORK_ERROR' }) },
    ]);

    // A 401: the token is invalidated, refreshed (forced) and the call replayed once.
    events.length = 0;
    fake.faults.inject('tracker', { status: 401, times: 1 });
    await tracker.get('myself').json();
    expect(types(events)).toEqual(['request.unauthorized-replay', 'refresh.start', 'refresh.end']);
    expect(events[1]).toMatchObject({ reason: 'forced' });

    // Another 401 moments later: the token was just force-refreshed, so no replay.
    events.length = 0;
    fake.faults.inject('tracker', { status: 401, times: 1 });
    await expect(tracker.get('myself').json()).rejects.toBeInstanceOf(UnauthorizedError);
    expect(events).toEqual([
      { type: 'refresh.cooldown', source },
      { type: 'request.unauthorized-cooldown', method: 'GET', path: '/v3/myself' },
    ]);

    // A refresh that fails for good (not retryable) is a refresh.failure.
    const failing = createTrackerAuth({
      credentials: iamFromServiceAccountKey({ key, iamUrl: fake.url }),
      org: { cloudOrgId: fake.demo.cloudOrgId },
      onEvent: record,
    });
    events.length = 0;
    fake.faults.inject('iam.tokens', { status: 400, times: 1 });
    await expect(failing.headers()).rejects.toThrow();
    expect(events).toEqual([
      { type: 'refresh.start', source: failing.credentials.id, reason: 'expiry' },
      {
        type: 'refresh.failure',
        source: failing.credentials.id,
        reason: 'expiry',
        attempts: 1,
        durationMs: expect.any(Number),
        error: expect.objectContaining({ name: 'TokenExchangeError', code: 'TOKEN_EXCHANGE_FAILED' }),
      },
    ]);

    expect(all.length).toBeGreaterThan(10);
    expectNoSecret(all, [iamToken, key.private_key]);
  });

  it('a client option overrides the auth handler; a handler that throws never breaks a request', async () => {
    const fromAuth: TrackerAuthEvent[] = [];
    const auth = createTrackerAuth({ credentials: oauthToken(fake.demo.oauthToken), org: { orgId: fake.demo.orgId }, onEvent: (e) => fromAuth.push(e) });
    let thrown = 0;
    const tracker = createTrackerClient(auth, {
      trackerUrl: fake.url,
      onEvent: () => {
        thrown++;
        throw new Error('observer failure');
      },
    });
    fake.faults.inject('tracker', { status: 429, retryAfter: 0, times: 1 });
    await expect(tracker.get('myself').json()).resolves.toMatchObject({ login: fake.demo.user.login });
    const rejecting = createTrackerClient(auth, { trackerUrl: fake.url, onEvent: () => Promise.reject(new Error('async observer failure')) as never });
    fake.faults.inject('tracker', { status: 503, times: 1 });
    await expect(rejecting.get('myself').json()).resolves.toMatchObject({ login: fake.demo.user.login });
    expect(thrown).toBe(1);
    expect(fromAuth).toEqual([]);
  });

  it('onEvent must be a function', () => {
    expect(() => createTrackerAuth({ credentials: oauthToken(fake.demo.oauthToken), org: { orgId: fake.demo.orgId }, onEvent: 'log' as never })).toThrow(ConfigurationError);
    const auth = createTrackerAuth({ credentials: oauthToken(fake.demo.oauthToken), org: { orgId: fake.demo.orgId } });
    expect(() => createTrackerClient(auth, { onEvent: {} as never })).toThrow(expect.objectContaining({ field: 'onEvent' }));
  });
});

describe('sign-in flow: rotation and a dead session', () => {
  it('a 401 rotates the session (session.rotated); a revoked refresh token ends it (session.dead); nothing secret is reported', async () => {
    const registered = fake.oauth.registerApp({ redirectUris: [REDIRECT] });
    const app = { clientId: registered.clientId, clientSecret: registered.clientSecret! };
    const events: TrackerAuthEvent[] = [];
    const all: TrackerAuthEvent[] = [];
    const record = (event: TrackerAuthEvent) => {
      events.push(event);
      all.push(event);
    };
    const flow = createOAuthFlow(flowOptions(fake, app, Date.now, { onEvent: record }));
    const cookie = await signIn(flow);
    const before = (await tokensIn(flow, cookie))!;

    const user = await flow.userAuth(withCookie(cookie));
    const tracker = createTrackerClient(user.auth, { trackerUrl: fake.url });
    fake.faults.inject('tracker', { status: 401, times: 1 });
    await tracker.get('myself').json();
    expect(types(events)).toEqual(['request.unauthorized-replay', 'refresh.start', 'refresh.end', 'session.rotated']);
    const rotated = events[3] as Extract<TrackerAuthEvent, { type: 'session.rotated' }>;
    expect(rotated).toEqual({ type: 'session.rotated', session: expect.stringMatching(/^[A-Za-z0-9_-]{12}$/), refreshTokenRotated: true });
    const newCookie = setCookieOf(user)!.split(';')[0]!;
    const after = (await tokensIn(flow, newCookie))!;

    // Another session, whose refresh token Yandex revoked: the forced refresh is refused.
    const other = await signIn(flow);
    const otherTokens = (await tokensIn(flow, other))!;
    expect(fake.revoke(otherTokens.refreshToken!)).toBe(true);
    events.length = 0;
    const otherUser = await flow.userAuth(withCookie(other));
    const otherTracker = createTrackerClient(otherUser.auth, { trackerUrl: fake.url });
    await expect(otherTracker.get('myself').json()).rejects.toBeInstanceOf(SignInRequiredError);
    expect(types(events)).toEqual(['request.unauthorized-replay', 'refresh.start', 'session.dead', 'refresh.failure']);
    expect(events[2]).toEqual({ type: 'session.dead', session: expect.stringMatching(/^[A-Za-z0-9_-]{12}$/) });
    expect(events[3]).toMatchObject({ error: { name: 'SignInRequiredError', code: 'SIGN_IN_REQUIRED' } });

    const secrets = [before.accessToken, before.refreshToken!, after.refreshToken!, otherTokens.accessToken, otherTokens.refreshToken!, app.clientSecret];
    secrets.push(cookie.split('=')[1]!, newCookie.split('=')[1]!, other.split('=')[1]!);
    expectNoSecret(all, secrets);
  });
});
