/**
 * The first sign-in of a new user, over real HTTP (the app on 127.0.0.1, the fake Yandex):
 * - opened on `localhost` while the app URL is `127.0.0.1`, login first redirects to the app
 *   host, so the login cookie comes back and sign-in works;
 *   (judged by the `Host` the browser sent, also when the adapter builds the URL from `baseUrl`,
 *   and by `X-Forwarded-Host` only when the app trusts its proxy);
 * - without that redirect, the callback's STATE_MISSING names the likely causes;
 * - with `errorPath`, a declined consent (and a missing state) sends the browser to the app's
 *   page with a fixed code instead of a JSON body.
 */
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import { sendWebResponse, toWebRequest, type ToWebRequestOptions } from '../../src/node/http-bridge.js';
import { createOAuthFlow, type OAuthFlow, type OAuthFlowOptions } from '../../src/web/oauth-flow.js';
import { SECRET } from './flow-options.js';

let fake: FakeYandex;
let server: Server;
let port: number;
let flow: OAuthFlow;
/** How the app builds its web requests (an adapter's `baseUrl` / `trustProxy`); reset per test. */
let bridge: ToWebRequestOptions = {};
const seen: unknown[] = [];

beforeAll(async () => {
  fake = await startFakeYandex();
  // The app: its flow is swapped per test; the error page shows the code it was given.
  server = createServer((req, res) => {
    const request = toWebRequest(req, bridge);
    const path = new URL(request.url).pathname;
    const answer =
      path === '/auth/sign-in'
        ? flow.signIn(request)
        : path === '/auth/callback'
          ? flow.callback(request)
          : Promise.resolve(new Response(`page ${path}${new URL(request.url).search}`, { status: 200 }));
    answer.then((response) => sendWebResponse(res, response)).catch((error: unknown) => res.destroy(error as Error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await fake.close();
});
afterEach(() => {
  bridge = {};
  fake.oauth.setAuthorizeHook(undefined);
  seen.length = 0;
});

const appUrl = () => `http://127.0.0.1:${port}`;

function useFlow(overrides: Partial<OAuthFlowOptions> = {}): void {
  const registered = fake.oauth.registerApp({ redirectUris: [`${appUrl()}/auth/callback`] });
  flow = createOAuthFlow({
    clientId: registered.clientId,
    clientSecret: registered.clientSecret ?? '',
    redirectUri: `${appUrl()}/auth/callback`,
    org: { orgId: fake.demo.orgId },
    sessionSecret: SECRET,
    oauthUrl: fake.url,
    onError: (error) => seen.push(error),
    ...overrides,
  });
}

/** A browser: follows redirects by hand, keeping cookies per host (as browsers do for host-only cookies). */
function browser() {
  const jars = new Map<string, Map<string, string>>();
  const visited: Array<{ url: string; status: number }> = [];
  async function open(start: string, maxHops = 10): Promise<{ response: Response; url: string }> {
    let url = start;
    for (let hop = 0; hop < maxHops; hop++) {
      const host = new URL(url).host;
      const jar = jars.get(host) ?? new Map<string, string>();
      jars.set(host, jar);
      const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
      const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
      visited.push({ url, status: response.status });
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair!.indexOf('=');
        const [name, value] = [pair!.slice(0, eq), pair!.slice(eq + 1)];
        if (value === '' || /max-age=0/i.test(line)) jar.delete(name);
        else jar.set(name, value);
      }
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null) return { response, url };
      url = new URL(location, url).href;
    }
    throw new Error('too many redirects');
  }
  return { open, visited, jars };
}

describe('sign-in started on another host than the app URL', () => {
  it('localhost → 302 to the same path on 127.0.0.1 (returnTo kept), then sign-in completes', async () => {
    useFlow();
    const b = browser();
    const { response, url } = await b.open(`http://localhost:${port}/auth/sign-in?returnTo=%2Fissues`);
    expect(b.visited[0]!.status).toBe(302);
    expect(b.visited[1]!.url).toBe(`${appUrl()}/auth/sign-in?returnTo=%2Fissues&tracker_auth_host=1`);
    expect(response.status).toBe(200);
    expect(url).toBe(`${appUrl()}/issues`);
    expect(b.jars.get(`127.0.0.1:${port}`)?.has('tracker_session')).toBe(true);
    // Nothing was set on the wrong host.
    expect(b.jars.get(`localhost:${port}`)?.size ?? 0).toBe(0);
  });

  it('the redirect is sent once: a request that already carries its mark is not redirected again (a Host-rewriting proxy cannot loop)', async () => {
    useFlow();
    const response = await fetch(`http://localhost:${port}/auth/sign-in?tracker_auth_host=1`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(new RegExp(`^${fake.url}/authorize\\?`));
  });

  it('POST login on another host gets 303; the app host itself is never redirected', async () => {
    useFlow();
    const post = await fetch(`http://localhost:${port}/auth/sign-in`, { method: 'POST', redirect: 'manual' });
    expect(post.status).toBe(303);
    expect(post.headers.get('location')).toBe(`${appUrl()}/auth/sign-in?tracker_auth_host=1`);
    const own = await fetch(`${appUrl()}/auth/sign-in`, { redirect: 'manual' });
    expect(own.headers.get('location')).toMatch(new RegExp(`^${fake.url}/authorize\\?`));
  });

  it('canonicalHost: false → the login cookie stays on localhost and the callback says why (STATE_MISSING)', async () => {
    useFlow({ canonicalHost: false });
    const b = browser();
    const { response } = await b.open(`http://localhost:${port}/auth/sign-in`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('STATE_MISSING');
    expect(body.error.message).toContain(`open the app at ${appUrl()}, allow its cookies and sign in again within 10 minutes`);
    expect(body.error.message).not.toContain('expectedState');
  });

  it('canonicalHost must be a boolean', () => {
    expect(() => useFlow({ canonicalHost: 'yes' as never })).toThrow(ConfigurationError);
  });
});

describe("the browser's host is the Host header, not the request URL", () => {
  const authorizeUrl = () => new RegExp(`^${fake.url}/authorize\\?`);

  it('a Request whose URL is on the app host but whose Host is localhost is redirected to the app URL', async () => {
    useFlow();
    const response = await flow.signIn(new Request(`${appUrl()}/auth/sign-in?returnTo=%2Fissues`, { headers: { host: `localhost:${port}` } }));
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${appUrl()}/auth/sign-in?returnTo=%2Fissues&tracker_auth_host=1`);
    expect(response.headers.getSetCookie()).toEqual([]);
    // The Host of the app URL itself goes straight to Yandex.
    const own = await flow.signIn(new Request(`${appUrl()}/auth/sign-in`, { headers: { host: `127.0.0.1:${port}` } }));
    expect(own.headers.get('location')).toMatch(authorizeUrl());
  });

  it.each(['evil.example:99999', '[::1', 'user@evil.example', 'a b', 'localhost:x', 'localhost:3000, 127.0.0.1', '/path'])(
    'a malformed Host (%s) is ignored: the URL host decides, no redirect, no 500',
    async (host) => {
      useFlow();
      const response = await flow.signIn(new Request(`${appUrl()}/auth/sign-in`, { headers: { host } }));
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toMatch(authorizeUrl());
      expect(response.headers.getSetCookie().join()).toContain('tracker_login=');
      expect(seen).toEqual([]);
    },
  );

  it('with baseUrl set (the URL says 127.0.0.1), a browser on localhost is still moved to the app URL and ends signed in', async () => {
    bridge = { baseUrl: appUrl() };
    useFlow();
    const b = browser();
    const { response, url } = await b.open(`http://localhost:${port}/auth/sign-in?returnTo=%2Fissues`);
    expect(b.visited[0]).toEqual({ url: `http://localhost:${port}/auth/sign-in?returnTo=%2Fissues`, status: 302 });
    expect(b.visited[1]!.url).toBe(`${appUrl()}/auth/sign-in?returnTo=%2Fissues&tracker_auth_host=1`);
    expect(response.status).toBe(200);
    expect(url).toBe(`${appUrl()}/issues`);
    expect(b.jars.get(`127.0.0.1:${port}`)?.has('tracker_session')).toBe(true);
    expect(b.jars.get(`localhost:${port}`)?.size ?? 0).toBe(0);
  });

  it('with baseUrl set, a malformed Host reaches the flow (the bridge does not read it) and is ignored', async () => {
    bridge = { baseUrl: appUrl() };
    useFlow();
    const { request } = await import('node:http');
    const answer = await new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/auth/sign-in', headers: { host: 'evil.example:99999' } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, location: res.headers.location });
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(302);
    expect(answer.location).toMatch(authorizeUrl());
  });

  it('X-Forwarded-Host decides only when the app trusts its proxy (trustProxy), with or without baseUrl', async () => {
    useFlow();
    const login = (headers: Record<string, string>) => fetch(`${appUrl()}/auth/sign-in`, { redirect: 'manual', headers });
    // Untrusted: a client-sent X-Forwarded-Host changes nothing.
    bridge = { baseUrl: appUrl() };
    expect((await login({ 'x-forwarded-host': `localhost:${port}` })).headers.get('location')).toMatch(authorizeUrl());
    // Trusted: the proxy says the browser is on localhost → moved to the app URL …
    for (const options of [{ baseUrl: appUrl(), trustProxy: true }, { trustProxy: true }]) {
      bridge = options;
      const moved = await login({ 'x-forwarded-host': `localhost:${port}` });
      expect(moved.status, JSON.stringify(options)).toBe(302);
      expect(moved.headers.get('location')).toBe(`${appUrl()}/auth/sign-in?tracker_auth_host=1`);
    }
    // … and a proxy that rewrites Host but forwards the public one needs no extra redirect.
    bridge = { baseUrl: appUrl(), trustProxy: true };
    const direct = await fetch(`http://localhost:${port}/auth/sign-in`, { redirect: 'manual', headers: { 'x-forwarded-host': `127.0.0.1:${port}` } });
    expect(direct.headers.get('location')).toMatch(authorizeUrl());
    // A malformed forwarded host leaves the Host the browser sent.
    const malformed = await fetch(`http://localhost:${port}/auth/sign-in`, { redirect: 'manual', headers: { 'x-forwarded-host': 'a b' } });
    expect(malformed.headers.get('location')).toBe(`${appUrl()}/auth/sign-in?tracker_auth_host=1`);
  });
});

describe('errorPath', () => {
  it('a declined consent redirects to errorPath?error=access_denied (no upstream text), and clears the login cookie', async () => {
    useFlow({ errorPath: '/sign-in-error' });
    fake.oauth.setAuthorizeHook(() => 'deny');
    const b = browser();
    const { response, url } = await b.open(`${appUrl()}/auth/sign-in`);
    expect(url).toBe(`${appUrl()}/sign-in-error?error=access_denied`);
    expect(await response.text()).toBe('page /sign-in-error?error=access_denied');
    const callback = b.visited.find((v) => v.url.includes('/auth/callback'))!;
    expect(callback.status).toBe(303);
    expect(b.jars.get(`127.0.0.1:${port}`)?.has('tracker_login')).toBe(false);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ code: 'OAUTH_ERROR', error: 'access_denied' });
  });

  it('a callback without the login cookie → errorPath?error=state_missing', async () => {
    useFlow({ errorPath: '/sign-in-error' });
    const response = await fetch(`${appUrl()}/auth/callback?code=1234567&state=abc`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/sign-in-error?error=state_missing');
  });

  it('a refused code exchange → errorPath?error=exchange_failed; without errorPath the JSON answer stays', async () => {
    useFlow({ errorPath: '/sign-in-error' });
    fake.faults.inject('oauth.token', { status: 400, body: { error: 'invalid_grant', error_description: 'Code has expired' } });
    const b = browser();
    const { url } = await b.open(`${appUrl()}/auth/sign-in`);
    expect(url).toBe(`${appUrl()}/sign-in-error?error=exchange_failed`);
    fake.faults.clear();

    useFlow();
    fake.oauth.setAuthorizeHook(() => 'deny');
    const { response } = await browser().open(`${appUrl()}/auth/sign-in`);
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('OAUTH_ERROR');
  });

  it('errorPath is checked at construction', () => {
    for (const bad of ['sign-in-error', '//evil.example', '/error?x=1', '/a/../b', 42]) {
      expect(() => useFlow({ errorPath: bad as never })).toThrow(expect.objectContaining({ name: 'ConfigurationError', field: 'errorPath' }));
    }
  });
});
