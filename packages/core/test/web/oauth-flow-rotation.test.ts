/**
 * Every token rotation reaches the browser, against the fake Yandex in its default mode: a
 * refresh answers the same access token (still long-lived) with a new refresh token
 * (docs/yandex-api.md 2.3), so only the refresh token tells that the session changed.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createOAuthFlow, type OAuthFlow, type OAuthFlowOptions } from '../../src/web/oauth-flow.js';
import { createTrackerClient } from '../../src/client/tracker-client.js';
import { createTrackerProxy } from '../../src/web/proxy.js';
import { flowOptions, useFlowFake } from './flow-options.js';
import { cookiePairOf, refreshed, setCookieOf, signIn, tokensIn, withCookie } from './sign-in-helpers.js';

const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;
/** The fake's access tokens live a year (365 days). */
const TOKEN_LIFETIME_MS = 365 * DAY;
/** `t.skew`: the app's clock runs that far ahead of the fake's (the fake keeps honouring its tokens). */
const t = useFlowFake();

function makeFlow(overrides: Partial<OAuthFlowOptions> = {}): OAuthFlow {
  return createOAuthFlow(flowOptions(t.fake, t.app, t.now, overrides));
}

/** The browser-facing proxy of one app instance, acting as the signed-in user. */
function proxyOf(flow: OAuthFlow) {
  return createTrackerProxy({ auth: (request) => flow.userAuth(request), allowAnonymous: true, basePath: '/api/tracker', trackerUrl: t.fake.url });
}

describe('rotation reaches the browser (fake in its default mode)', () => {
  it('401 → refresh with the same access token → new cookie; a restarted instance 16 min later serves and refreshes with it', async () => {
    const flow = makeFlow();
    const cookie = await signIn(flow);
    const before = (await tokensIn(flow, cookie))!;
    t.fake.calls.reset();

    t.fake.faults.inject('tracker', { status: 401, times: 1 });
    const response = await proxyOf(flow)(withCookie(cookie));
    expect(response.status).toBe(200);
    expect(t.fake.calls.count('oauth.token')).toBe(1);
    const rotated = cookiePairOf(response.headers.getSetCookie());
    const after = (await tokensIn(flow, rotated))!;
    // Yandex's documented answer: the access token is unchanged, the refresh token is new.
    expect(after.accessToken).toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);

    // A restart: a new flow (nothing in memory), 16 minutes later (past the idle time and the
    // forced-refresh cooldown), and only the cookie the browser received.
    t.skew = 16 * MINUTE;
    const restarted = makeFlow();
    const proxy = proxyOf(restarted);
    const served = await proxy(withCookie(rotated));
    expect(served.status).toBe(200);
    expect(served.headers.getSetCookie()).toEqual([]);

    t.fake.faults.inject('tracker', { status: 401, times: 1 });
    const again = await proxy(withCookie(rotated));
    expect(again.status).toBe(200);
    expect(((await again.json()) as { login: string }).login).toBe(t.fake.demo.user.login);
    expect(t.fake.calls.count('oauth.token')).toBe(2);
    const second = cookiePairOf(again.headers.getSetCookie());
    expect((await tokensIn(restarted, second))!.refreshToken).not.toBe(after.refreshToken);
  });

  it('a response during a due refresh (stale-while-revalidate) carries the rotated cookie', async () => {
    const flow = makeFlow();
    const cookie = await signIn(flow);
    const before = (await tokensIn(flow, cookie))!;
    t.fake.calls.reset();
    // Inside the 5-minute window before expiry, still valid: the refresh is due, not required.
    t.skew = TOKEN_LIFETIME_MS - 2 * MINUTE;
    // A slow token endpoint: a refresh left in the background would finish after Tracker answered.
    t.fake.faults.inject('oauth.token', { delayMs: 300 });

    const response = await proxyOf(flow)(withCookie(cookie));
    expect(response.status).toBe(200);
    expect(t.fake.calls.count('oauth.token')).toBe(1);
    const rotated = cookiePairOf(response.headers.getSetCookie());
    const after = (await tokensIn(flow, rotated))!;
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.expiresAt).toBeGreaterThan(before.expiresAt!);
  });

  it('due refreshes seconds apart (maxAgeMs 1 s, requests 2 s apart): each is awaited and its response carries the rotated cookie', async () => {
    // Each due refresh comes seconds after the previous one, well inside the 30 s forced-refresh
    // cooldown: that cooldown is for 401-driven refreshes and must not hold a due one back.
    const flow = makeFlow({ refresh: { now: t.now, maxAgeMs: 1000 } });
    let cookie = await signIn(flow);
    t.fake.calls.reset();
    for (let i = 1; i <= 4; i++) {
      t.skew += 2000;
      const before = (await tokensIn(flow, cookie))!;
      const user = await flow.userAuth(withCookie(cookie));
      await expect(createTrackerClient(user.auth, { trackerUrl: t.fake.url }).get('myself').json()).resolves.toHaveProperty('login');
      expect(t.fake.calls.count('oauth.token')).toBe(i);
      expect(setCookieOf(user)).toBeDefined();
      cookie = cookiePairOf(user.cookies);
      expect((await tokensIn(flow, cookie))!.refreshToken).not.toBe(before.refreshToken);
    }
  });

  it('keeps an undelivered rotation past the idle time until a request brings the new cookie', async () => {
    const flow = makeFlow();
    const cookie = await signIn(flow);
    const proxy = proxyOf(flow);
    t.fake.calls.reset();

    // The refresh happens, but its answer never reaches the browser (a lost response).
    t.fake.faults.inject('tracker', { status: 401, times: 1 });
    const lost = await proxy(withCookie(cookie));
    expect(lost.status).toBe(200);
    await lost.body?.cancel();
    expect(t.fake.calls.count('oauth.token')).toBe(1);

    // 16 minutes later the browser still sends the old cookie, whose refresh token Yandex has
    // rotated away. The pinned rotation serves it and hands over the new cookie; a 401 now
    // refreshes from the rotated refresh token instead of the dead one.
    t.skew = 16 * MINUTE;
    t.fake.faults.inject('tracker', { status: 401, times: 1 });
    const late = await proxy(withCookie(cookie));
    expect(late.status).toBe(200);
    expect(t.fake.calls.count('oauth.token')).toBe(2);
    const delivered = cookiePairOf(late.headers.getSetCookie());

    // The browser now holds the newest cookie: nothing more to send.
    const next = await proxy(withCookie(delivered));
    expect(next.status).toBe(200);
    expect(next.headers.getSetCookie()).toEqual([]);
  });
});

describe('dead sessions', () => {
  it('revoked upstream: 5 requests with the old cookie → exactly 1 OAuth call, the cookie cleared, getSession() null', async () => {
    const flow = makeFlow();
    const cookie = await signIn(flow);
    const tokens = (await tokensIn(flow, cookie))!;
    expect(t.fake.revoke(tokens.refreshToken!)).toBe(true);
    t.fake.calls.reset();

    const proxy = proxyOf(flow);
    for (let i = 0; i < 5; i++) {
      const response = await proxy(withCookie(cookie));
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('SIGN_IN_REQUIRED');
      expect(response.headers.getSetCookie()).toEqual([expect.stringMatching(/^tracker_session=; Path=\/; Max-Age=0;/)]);
    }
    expect(t.fake.calls.count('oauth.token')).toBe(1);
    // The revoked token's one 401 from Tracker; the later requests never reach it.
    expect(t.fake.calls.count('tracker')).toBe(1);
    expect(await flow.getSession(withCookie(cookie))).toBeNull();
    const user = await flow.userAuth(withCookie(cookie));
    expect(user.signedIn).toBe(false);
    expect(refreshed(await flow.refreshSession(withCookie(cookie)))).toEqual({ setCookie: [expect.stringMatching(/^tracker_session=; /)], signedIn: false });
    expect(t.fake.calls.count('oauth.token')).toBe(1);
  });

  it('a refresh token refused while the access token was merely due also ends the session', async () => {
    const flow = makeFlow();
    const cookie = await signIn(flow);
    t.fake.revoke((await tokensIn(flow, cookie))!.refreshToken!);
    t.fake.calls.reset();
    t.skew = TOKEN_LIFETIME_MS - 2 * MINUTE;
    const result = refreshed(await flow.refreshSession(withCookie(cookie)));
    expect(result.signedIn).toBe(false);
    expect(result.setCookie).toEqual([expect.stringMatching(/^tracker_session=; Path=\/; Max-Age=0;/)]);
    expect(await flow.getSession(withCookie(cookie))).toBeNull();
    await expect((await flow.userAuth(withCookie(cookie))).auth.headers()).rejects.toMatchObject({ code: 'SIGN_IN_REQUIRED' });
    expect(t.fake.calls.count('oauth.token')).toBe(1);
  });
});

describe('refreshSession (for a middleware before rendering)', () => {
  it('does nothing, with no network, while the token is fresh', async () => {
    const flow = makeFlow();
    const cookie = await signIn(flow);
    t.fake.calls.reset();
    expect(refreshed(await flow.refreshSession(withCookie(cookie)))).toEqual({ setCookie: [], signedIn: true });
    expect(refreshed(await flow.refreshSession(new Request('http://app.test/')))).toEqual({ setCookie: [], signedIn: false });
    expect(refreshed(await flow.refreshSession(withCookie('tracker_session=garbage')))).toEqual({ setCookie: [], signedIn: false });
    expect(t.fake.requests).toHaveLength(0);
  });

  it('refreshes a due token before answering and returns the rotated cookie once', async () => {
    const flow = makeFlow();
    const cookie = await signIn(flow);
    t.fake.calls.reset();
    t.skew = TOKEN_LIFETIME_MS - 2 * MINUTE;
    t.fake.faults.inject('oauth.token', { delayMs: 200 });
    const raw = await flow.refreshSession(withCookie(cookie));
    const result = refreshed(raw);
    expect(result.signedIn).toBe(true);
    expect(t.fake.calls.count('oauth.token')).toBe(1);
    const rotated = cookiePairOf(result.setCookie);
    expect(result.setCookie[0]).toMatch(/; HttpOnly; SameSite=Lax$/);
    expect(JSON.stringify(result)).not.toContain((await tokensIn(flow, rotated))!.refreshToken!);
    // The sealed session prints redacted: the result, each cookie, and the new Cookie header.
    const sealed = rotated.slice('tracker_session='.length);
    expect(raw.cookies[0]!.value).toBe(sealed);
    expect(raw.requestHeaders.get('cookie')).toBe(rotated);
    for (const printed of [JSON.stringify(raw), inspect(raw), JSON.stringify(raw.cookies), inspect(raw.cookies[0])]) {
      expect(printed).not.toContain(sealed);
      expect(printed).toContain('[REDACTED]');
    }
    // With the new cookie, nothing is due any more.
    expect(refreshed(await flow.refreshSession(withCookie(rotated)))).toEqual({ setCookie: [], signedIn: true });
    expect(t.fake.calls.count('oauth.token')).toBe(1);
  });

  it('a due token whose refresh outlasts refresh.timeoutMs: the answer does not wait for it and keeps the cookie', async () => {
    const flow = makeFlow({ refresh: { now: t.now, timeoutMs: 150, retries: 0 } });
    const cookie = await signIn(flow);
    t.fake.calls.reset();
    t.skew = TOKEN_LIFETIME_MS - 2 * MINUTE;
    t.fake.faults.inject('oauth.token', { delayMs: 5000 });
    const started = Date.now();
    expect(refreshed(await flow.refreshSession(withCookie(cookie)))).toEqual({ setCookie: [], signedIn: true });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(t.fake.calls.count('oauth.token')).toBe(1);
  });

  it('an expired token with Yandex down: signed in, no cookie, the error reported', async () => {
    const errors: unknown[] = [];
    const flow = makeFlow({ onError: (error) => errors.push(error), refresh: { now: t.now, retries: 0 } });
    const cookie = await signIn(flow);
    t.skew = TOKEN_LIFETIME_MS + DAY;
    t.fake.faults.inject('oauth.token', { status: 503, times: 1 });
    expect(refreshed(await flow.refreshSession(withCookie(cookie)))).toEqual({ setCookie: [], signedIn: true });
    expect(errors).toHaveLength(1);
    expect((errors[0] as { code?: string }).code).toBeDefined();
  });
});
