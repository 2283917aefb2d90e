/**
 * Under `next start`, route handlers get `request.url` on the address Next listens on
 * (`http://localhost:<port>`) whatever the browser typed. These Requests are built that way:
 * the handlers must judge the origin the browser used (Host / X-Forwarded-*, or `baseUrl`),
 * for the proxy's Origin check, sign-in's app-host redirect and the `Secure` cookie, and a
 * malformed Host must not become a URL nor a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConfigurationError } from '@tracker-auth/core';
import { createOAuthRouteHandlers, createSessionRefresher, createTrackerRouteHandler, createTrackerServerHelpers } from '../src/index.js';
import { APP, PAST_TOKEN_EXPIRY_MS, signIn, startWorld, type SignInWorld } from './fake-sign-in.js';

/** What Next 15/16 put in `request.url` under `next start -p 3000`. */
const LISTEN = 'http://localhost:3000';
const APP_HOST = new URL(APP).host;

let world: SignInWorld;
let cookie: string;
beforeAll(async () => {
  world = await startWorld();
  cookie = await signIn(world);
});
afterAll(() => world.fake.close());

/** A request as `next start` hands it to a route handler: listening address in the URL, the browser's Host. */
function asNextGivesIt(path: string, headers: Record<string, string>, init: RequestInit = {}): Request {
  return new Request(`${LISTEN}${path}`, { ...init, headers });
}

describe('the public origin of route handler requests', () => {
  it("the proxy's Origin check compares with the Host the browser used, not Next's listening address", async () => {
    const proxy = createTrackerRouteHandler({ user: world.auth, trackerUrl: world.fake.url, allowPaths: ['/v3/myself', '/v3/issues/_search'], methods: ['GET', 'POST'] });
    const own = { cookie, host: APP_HOST, origin: APP, 'sec-fetch-site': 'same-origin' };
    const me = await proxy.GET(asNextGivesIt('/api/tracker/v3/myself', own));
    expect(me.status).toBe(200);
    expect(((await me.json()) as { login: string }).login).toBe(world.fake.demo.user.login);
    // The body of a POST travels on to Tracker.
    const search = await proxy.POST(asNextGivesIt('/api/tracker/v3/issues/_search', { ...own, 'content-type': 'application/json' }, { method: 'POST', body: JSON.stringify({ filter: { queue: 'TEST' } }) }));
    expect(search.status).toBe(200);
    expect(Array.isArray(await search.json())).toBe(true);
    // Another site's Origin is still refused, and so is Next's listening address claimed as Origin.
    for (const origin of ['https://evil.example', LISTEN]) {
      const calls = world.fake.calls.count('tracker');
      expect((await proxy.GET(asNextGivesIt('/api/tracker/v3/myself', { ...own, origin }))).status, origin).toBe(403);
      expect(world.fake.calls.count('tracker')).toBe(calls);
    }
  });

  it("X-Forwarded-Proto/Host (set by Next itself or the reverse proxy in front) win over Host, as for Next's server actions", async () => {
    const proxy = createTrackerRouteHandler({ user: world.auth, trackerUrl: world.fake.url, allowPaths: ['/v3/myself'] });
    const headers = { cookie, host: 'localhost:3000', 'x-forwarded-host': 'app.example.com', 'x-forwarded-proto': 'https' };
    expect((await proxy.GET(asNextGivesIt('/api/tracker/v3/myself', { ...headers, origin: 'https://app.example.com' }))).status).toBe(200);
    expect((await proxy.GET(asNextGivesIt('/api/tracker/v3/myself', { ...headers, origin: 'http://app.example.com' }))).status).toBe(403);
  });

  it('sign-in on the app host goes straight to Yandex; on another host it is first sent to the app host', async () => {
    const direct = await world.auth.GET(asNextGivesIt('/api/auth/sign-in', { host: APP_HOST }));
    expect(direct.status).toBe(302);
    expect(new URL(direct.headers.get('location')!).origin).toBe(world.fake.url);
    expect(direct.headers.getSetCookie().join()).toContain('tracker_login=');

    const elsewhere = await world.auth.GET(asNextGivesIt('/api/auth/sign-in?returnTo=%2Fx', { host: '127.0.0.1:3000' }));
    expect(elsewhere.status).toBe(302);
    expect(elsewhere.headers.get('location')).toBe(`${APP}/api/auth/sign-in?returnTo=%2Fx&tracker_auth_host=1`);
    expect(elsewhere.headers.getSetCookie()).toEqual([]);
  });

  it.each(['evil.example:99999', '[::1', 'user@evil.example', 'a b'])('a malformed Host (%s) is ignored: no crash, the proxy refuses, sign-in goes to the app host', async (host) => {
    const proxy = createTrackerRouteHandler({ user: world.auth, trackerUrl: world.fake.url, allowPaths: ['/v3/myself'] });
    const refused = await proxy.GET(asNextGivesIt('/api/tracker/v3/myself', { cookie, host, origin: APP }));
    expect(refused.status).toBe(403);
    const signInAnswer = await world.auth.GET(asNextGivesIt('/api/auth/sign-in', { host }));
    expect(signInAnswer.status).toBe(302);
    expect(signInAnswer.headers.get('location')).toBe(`${APP}/api/auth/sign-in?tracker_auth_host=1`);
    // Sign-out: core also counts the redirectUri's origin as the app's own; another site is refused.
    const foreign = await world.auth.POST(asNextGivesIt('/api/auth/sign-out', { cookie, host, origin: 'https://evil.example' }, { method: 'POST' }));
    expect(foreign.status).toBe(403);
    const own = await world.auth.POST(asNextGivesIt('/api/auth/sign-out', { host, origin: APP }, { method: 'POST' }));
    expect(own.status).toBe(303);
  });

  it('baseUrl wins over every header, everywhere (sign-in, proxy, sign-out, server helpers, refresher)', async () => {
    // A Host-rewriting reverse proxy in front: the app only ever sees its upstream name.
    const upstream = { host: 'next-upstream:3000' };
    const PUBLIC = 'https://app.example.com';
    const app = world.fake.oauth.registerApp({ redirectUris: [`${PUBLIC}/api/auth/callback`] });
    const auth = createOAuthRouteHandlers({
      clientId: app.clientId,
      clientSecret: app.clientSecret!,
      redirectUri: `${PUBLIC}/api/auth/callback`,
      org: { orgId: world.fake.demo.orgId },
      sessionSecret: world.sessionSecret,
      oauthUrl: world.fake.url,
      baseUrl: `${PUBLIC}/ignored/path`,
    });
    expect(auth.baseUrl).toBe(PUBLIC);
    // Sign-in judges the browser's host by Host: the upstream name is not the app host, so it is
    // sent to the app URL once (marked, so it cannot loop), then goes on to Yandex with a Secure cookie.
    const moved = await auth.GET(asNextGivesIt('/api/auth/sign-in', upstream));
    expect(moved.headers.get('location')).toBe(`${PUBLIC}/api/auth/sign-in?tracker_auth_host=1`);
    const started = await auth.GET(asNextGivesIt('/api/auth/sign-in?tracker_auth_host=1', upstream));
    expect(new URL(started.headers.get('location')!).origin).toBe(world.fake.url);
    expect(started.headers.getSetCookie()[0]).toContain('; Secure');
    // A proxy that also says which host the browser used (X-Forwarded-Host) costs no redirect.
    const direct = await auth.GET(asNextGivesIt('/api/auth/sign-in', { ...upstream, 'x-forwarded-host': 'app.example.com' }));
    expect(new URL(direct.headers.get('location')!).origin).toBe(world.fake.url);

    // The session of `world` opens here too (same session secret).
    const proxy = createTrackerRouteHandler({ user: auth, trackerUrl: world.fake.url, allowPaths: ['/v3/myself'] });
    const myself = (origin: string, handlers = proxy) => handlers.GET(asNextGivesIt('/api/tracker/v3/myself', { ...upstream, cookie, origin }));
    expect((await myself(PUBLIC)).status).toBe(200);
    expect((await myself('http://next-upstream:3000')).status).toBe(403);
    const explicit = createTrackerRouteHandler({ user: auth, baseUrl: 'http://other.example', trackerUrl: world.fake.url, allowPaths: ['/v3/myself'] });
    expect((await myself('http://other.example', explicit)).status).toBe(200);
    expect((await myself(PUBLIC, explicit)).status).toBe(403);

    const out = await auth.POST(asNextGivesIt('/api/auth/sign-out', { ...upstream, origin: PUBLIC }, { method: 'POST' }));
    expect(out.status).toBe(303);

    // The server action's sign-in judges the host the same way: the upstream Host alone is sent
    // to the app's sign-in route first; with X-Forwarded-Host naming the app host, straight to Yandex.
    const signInFrom = async (headers: Record<string, string>) => {
      const helpers = createTrackerServerHelpers({ user: auth, requestScope: { headers: async () => new Headers(headers), cookies: async () => ({ set: () => undefined }) } });
      return ((await helpers.signIn().catch((error: unknown) => error)) as { digest?: string }).digest?.split(';')[2];
    };
    expect(await signInFrom(upstream)).toBe(`${PUBLIC}/api/auth/sign-in?tracker_auth_host=1`);
    expect(await signInFrom({ ...upstream, 'x-forwarded-host': 'app.example.com' })).toMatch(new RegExp(`^${world.fake.url}/authorize\\?`));

    // The refresher re-seals a due session with `Secure`, the public URL being https; a POST's
    // body is left to Next.
    const due = createOAuthRouteHandlers({ flow: world.restart({ offset: PAST_TOKEN_EXPIRY_MS }).flow, baseUrl: PUBLIC });
    const request = new Request(`${LISTEN}/`, { method: 'POST', body: 'kept', headers: { ...upstream, cookie } });
    const refreshed = await createSessionRefresher({ user: due }).refresh(request);
    expect(refreshed.signedIn).toBe(true);
    expect(refreshed.cookies.map(({ name, options }) => [name, options.secure])).toEqual([['tracker_session', true]]);
    expect(await request.text()).toBe('kept');
  });

  it('with baseUrl set, a browser on localhost is first sent to the app URL and ends signed in there', async () => {
    const app = world.fake.oauth.registerApp({ redirectUris: [`${APP}/api/auth/callback`] });
    const auth = createOAuthRouteHandlers({
      clientId: app.clientId,
      clientSecret: app.clientSecret!,
      redirectUri: `${APP}/api/auth/callback`,
      org: { orgId: world.fake.demo.orgId },
      sessionSecret: world.sessionSecret,
      oauthUrl: world.fake.url,
      baseUrl: APP,
    });
    // A browser on Next's own address: `next start` fills X-Forwarded-Host from Host.
    const onLocalhost = { host: 'localhost:3000', 'x-forwarded-host': 'localhost:3000' };
    const first = await auth.GET(asNextGivesIt('/api/auth/sign-in?returnTo=%2Fissues', onLocalhost));
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe(`${APP}/api/auth/sign-in?returnTo=%2Fissues&tracker_auth_host=1`);
    expect(first.headers.getSetCookie()).toEqual([]);

    // The browser follows to the app host: Host and X-Forwarded-Host now name it.
    const onApp = { host: APP_HOST, 'x-forwarded-host': APP_HOST };
    const started = await auth.GET(asNextGivesIt(new URL(first.headers.get('location')!).pathname + new URL(first.headers.get('location')!).search, onApp));
    const authorize = started.headers.get('location')!;
    expect(new URL(authorize).origin).toBe(world.fake.url);
    const login = started.headers.getSetCookie().find((c) => c.startsWith('tracker_login='))!.split(';')[0]!;
    const back = new URL((await fetch(authorize, { redirect: 'manual' })).headers.get('location')!);
    expect(back.origin).toBe(APP);
    const done = await auth.GET(asNextGivesIt(back.pathname + back.search, { ...onApp, cookie: login }));
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/issues');
    expect(done.headers.getSetCookie().join()).toMatch(/tracker_session=[^;]+/);

    // Behind a proxy: X-Forwarded-Host is the browser's host, whatever Host the proxy sent.
    const proxied = await auth.GET(asNextGivesIt('/api/auth/sign-in', { host: APP_HOST, 'x-forwarded-host': 'localhost:3000' }));
    expect(proxied.headers.get('location')).toBe(`${APP}/api/auth/sign-in?tracker_auth_host=1`);
  });

  it('a bad baseUrl is a ConfigurationError naming it, when the routes are built', () => {
    for (const bad of ['not a url', 'ftp://app.example.com', 42]) {
      let error: unknown;
      try {
        createOAuthRouteHandlers({ flow: world.auth.flow, baseUrl: bad as string });
      } catch (caught) {
        error = caught;
      }
      expect(isConfigurationError(error), String(bad)).toBe(true);
      expect((error as { field: string }).field).toBe('baseUrl');
      expect(() => createTrackerRouteHandler({ user: world.auth, baseUrl: bad as string })).toThrow(/baseUrl/);
    }
  });
});
