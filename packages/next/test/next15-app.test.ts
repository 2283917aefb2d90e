/**
 * The Next 15 leg as a real app: test-matrix/next15 (App Router, JavaScript) is built with
 * Next 15's `next build` against the built packages and run with `next start` against the fake
 * Yandex. Sign-in, server components, the proxy route and sign-out are driven over HTTP. A
 * second tiny app that imports @tracker-auth/next into a client component must fail to build.
 *
 * Runs in the `next15` project only (the Next 16 side is the next-sample e2e in Chromium).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { freePort, nextBuild, nextStart, type RunningNext } from './next-process.js';

const appDir = fileURLToPath(new URL('../test-matrix/next15/', import.meta.url));
const nextBin = `${appDir}node_modules/next/dist/bin/next`;
const dists = ['../../core/dist/index.js', '../dist/index.js'].map((p) => fileURLToPath(new URL(p, import.meta.url)));

/** Cookie header value from Set-Cookie headers (cleared cookies dropped). */
function cookieFrom(response: Response, jar = new Map<string, string>()): Map<string, string> {
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq);
    if (/Max-Age=0/i.test(header)) jar.delete(name);
    else jar.set(name, pair!.slice(eq + 1));
  }
  return jar;
}
const header = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

/** A GET with the path sent exactly as written (fetch would normalize dot segments). */
function rawGet(url: string, path: string, cookie: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; location?: string | undefined }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, headers: { cookie, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** GET an app route with the jar's cookies (no redirect followed), storing what it sets. */
async function appGet(target: string, jar: Map<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  const answer = await fetch(target, { redirect: 'manual', headers: { cookie: header(jar), ...headers } });
  cookieFrom(answer, jar);
  return answer;
}

/**
 * Sign in through the running app's routes and the fake; returns the cookie jar. Sign-in on the
 * app's own host goes straight to Yandex: no detour through core's app-host redirect, although
 * Next 15's `request.url` names the address `next start` listens on (`localhost`).
 */
async function signInOver(url: string): Promise<Map<string, string>> {
  const jar = new Map<string, string>();
  const start = await appGet(`${url}/api/auth/sign-in`, jar);
  expect(start.status).toBe(302);
  expect(start.headers.get('location')).not.toMatch(new RegExp(`^${url}/`));
  expect(jar.has('tracker_login')).toBe(true);
  const back = (await fetch(start.headers.get('location')!, { redirect: 'manual' })).headers.get('location')!;
  const done = await appGet(back, jar);
  expect(done.status).toBe(302);
  expect(jar.has('tracker_session')).toBe(true);
  return jar;
}

describe.runIf(process.env.NEXT_MAJOR === '15')('Next.js 15: a real app built and started', { timeout: 180_000 }, () => {
  let fake: FakeYandex;
  let next: RunningNext;
  let serviceLogin: string;
  /** The app's environment for a server on `appUrl` (a new OAuth app registered for its callback). */
  let envFor: (appUrl: string) => Record<string, string>;

  // `next build` takes a minute or two on a busy two-core machine.
  beforeAll(async () => {
    for (const dist of dists) {
      if (!existsSync(dist)) throw new Error(`${dist} is missing: build the packages first (npx nx run @tracker-auth/next:build)`);
    }
    const built = nextBuild(nextBin, appDir);
    if (built.status !== 0) throw new Error(`next build (Next 15) failed:\n${built.output}`);
    fake = await startFakeYandex();
    const robot = fake.tracker.addUser({ login: 'robot-next15' });
    serviceLogin = robot.login;
    envFor = (appUrl) => {
      const app = fake.oauth.registerApp({ redirectUris: [`${appUrl}/api/auth/callback`] });
      return {
        APP_URL: appUrl,
        TRACKER_API_URL: fake.url,
        YANDEX_OAUTH_URL: fake.url,
        TRACKER_ORG_ID: fake.demo.orgId,
        YANDEX_CLIENT_ID: app.clientId,
        YANDEX_CLIENT_SECRET: app.clientSecret!,
        SESSION_SECRET: randomBytes(32).toString('base64url'),
        TRACKER_OAUTH_TOKEN: fake.oauth.issueToken({ uid: robot.uid }).accessToken,
      };
    };
    const port = await freePort();
    next = await nextStart(nextBin, appDir, envFor(`http://127.0.0.1:${port}`), port);
  }, 400_000);

  afterAll(async () => {
    await next?.stop();
    await fake?.close();
  });

  it('runs the Next 15 install', async () => {
    const version = await fetch(`${next.url}/`).then((r) => r.headers.get('x-powered-by'));
    expect(version).toBe('Next.js');
    const pkg = (await import(`${appDir}node_modules/next/package.json`, { with: { type: 'json' } })) as { default: { version: string } };
    expect(pkg.default.version.startsWith('15.')).toBe(true);
  });

  it('signs in through the route handlers, renders the user in a server component, proxies, signs out', async () => {
    try {
      const anonymous = await (await fetch(`${next.url}/`)).text();
      expect(anonymous).toContain(`service:${serviceLogin}`);
      expect(anonymous).toContain('signed-out');

      const jar = await signInOver(next.url);
      const cookie = header(jar);

      const page = await (await fetch(`${next.url}/`, { headers: { cookie } })).text();
      expect(page).toContain(`user:${fake.demo.user.login}`);

      const me = await fetch(`${next.url}/api/tracker/v3/myself`, { headers: { cookie } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { login: string }).login).toBe(fake.demo.user.login);
      // What the app's own browser code sends (a same-origin fetch carries its Origin): allowed;
      // another site's Origin: refused.
      const browserHeaders = { cookie, origin: next.url, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' };
      const search = await fetch(`${next.url}/api/tracker/v3/issues/_search`, { method: 'POST', headers: browserHeaders, body: JSON.stringify({ filter: { queue: 'TEST' } }) });
      expect(search.status).toBe(200);
      expect((await fetch(`${next.url}/api/tracker/v3/myself`, { headers: { ...browserHeaders, origin: 'https://evil.example' } })).status).toBe(403);
      expect((await fetch(`${next.url}/api/tracker/v3/myself`)).status).toBe(403);
      expect((await fetch(`${next.url}/api/tracker/v3/issues/TEST-1`, { method: 'DELETE', headers: { cookie } })).status).toBe(405);
      // Refused by the proxy (4xx) or already by Next's router (a 308 that collapses `//`);
      // either way nothing reaches Tracker.
      const trackerCalls = fake.calls.count('tracker');
      for (const path of ['/api/tracker/v1/issues', '/api/tracker/v3/%2e%2e/%2e%2e/admin', '/api/tracker/v3/issues%2F..%2Fx', '/api/tracker/v3//evil.example']) {
        const answer = await rawGet(next.url, path, cookie);
        expect([308, 400, 404], path).toContain(answer.status);
      }
      expect(fake.calls.count('tracker')).toBe(trackerCalls);

      // Opened as http://localhost:<port>: sign-in first moves to the app's host (its login
      // cookie must be set where Yandex sends the browser back to).
      const { port } = new URL(next.url);
      const elsewhere = await rawGet(next.url, '/api/auth/sign-in?returnTo=%2F', '', { host: `localhost:${port}` });
      expect(elsewhere.status).toBe(302);
      expect(elsewhere.location).toBe(`${next.url}/api/auth/sign-in?returnTo=%2F&tracker_auth_host=1`);

      const out = await fetch(`${next.url}/api/auth/sign-out`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: next.url } });
      expect(out.status).toBe(303);
      cookieFrom(out, jar);
      expect(jar.has('tracker_session')).toBe(false);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- next start output ---\n${next.output()}`, { cause: error });
    }
  });

  it('rotates a due session in middleware.js (Edge runtime): the page response carries the new cookie, and only it works after a restart', async () => {
    // A server of its own whose sessions are due 3 s after each refresh (core's default is ~3 months).
    const refreshAfterS = 3;
    const port = await freePort();
    const env = { ...envFor(`http://127.0.0.1:${port}`), SESSION_REFRESH_AFTER_SECONDS: String(refreshAfterS) };
    let rotating = await nextStart(nextBin, appDir, env, port);
    /** A clock to pass (the token must age), not work to settle. */
    const untilDue = (from: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, from + refreshAfterS * 1000 + 250 - Date.now())));
    try {
      const jar = await signInOver(rotating.url);
      const first = jar.get('tracker_session')!;
      const authorizations = fake.calls.count('oauth.authorize');
      await untilDue(Date.now());

      const refreshes = fake.calls.count('oauth.token');
      const page = await fetch(`${rotating.url}/`, { headers: { cookie: header(jar) } });
      const rotatedAt = Date.now();
      expect(page.status).toBe(200);
      // The render already read the new session (no refresh of its own, no sign-in again)...
      expect(await page.text()).toContain(`user:${fake.demo.user.login}`);
      expect(fake.calls.count('oauth.token')).toBe(refreshes + 1);
      // ...and the page response brings the browser the rotated cookie.
      expect(page.headers.getSetCookie().join('\n')).toMatch(/tracker_session=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax/);
      cookieFrom(page, jar);
      const rotated = jar.get('tracker_session')!;
      expect(rotated).not.toBe(first);

      // Restart: nothing remembered. Only the rotated cookie, due again: refreshed, signed in.
      await rotating.stop();
      rotating = await nextStart(nextBin, appDir, env, port);
      await untilDue(rotatedAt);
      const again = await fetch(`${rotating.url}/`, { headers: { cookie: `tracker_session=${rotated}` } });
      expect(await again.text()).toContain(`user:${fake.demo.user.login}`);
      expect(fake.calls.count('oauth.token')).toBe(refreshes + 2);
      const renewed = cookieFrom(again).get('tracker_session');
      expect(renewed).toBeTruthy();
      expect(renewed).not.toBe(rotated);
      // The pre-rotation cookie is dead at Yandex: cleared, and the page renders signed out.
      const stale = await fetch(`${rotating.url}/`, { headers: { cookie: `tracker_session=${first}` } });
      expect(stale.status).toBe(200);
      expect(await stale.text()).toContain('signed-out');
      expect(stale.headers.getSetCookie().join('\n')).toMatch(/tracker_session=; .*Max-Age=0/);
      expect(fake.calls.count('oauth.authorize')).toBe(authorizations);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- next start output ---\n${rotating.output()}`, { cause: error });
    } finally {
      await rotating.stop();
    }
  });

  it('with baseUrl set, sign-in opened on localhost moves to the app URL (127.0.0.1) and ends signed in there', async () => {
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}`;
    const withBase = await nextStart(nextBin, appDir, { ...envFor(appUrl), PUBLIC_APP_URL: appUrl }, port);
    try {
      const localhost = `http://localhost:${port}`;
      const jars = { localhost: new Map<string, string>(), app: new Map<string, string>() };
      const first = await appGet(`${localhost}/api/auth/sign-in?returnTo=%2F`, jars.localhost);
      expect(first.status).toBe(302);
      expect(first.headers.get('location')).toBe(`${appUrl}/api/auth/sign-in?returnTo=%2F&tracker_auth_host=1`);
      expect(jars.localhost.size).toBe(0);

      const start = await appGet(first.headers.get('location')!, jars.app);
      expect(new URL(start.headers.get('location')!).origin).toBe(fake.url);
      const back = (await fetch(start.headers.get('location')!, { redirect: 'manual' })).headers.get('location')!;
      expect(new URL(back).origin).toBe(appUrl);
      const done = await appGet(back, jars.app);
      expect(done.status).toBe(302);
      expect(jars.app.has('tracker_session')).toBe(true);
      const page = await (await fetch(`${appUrl}/`, { headers: { cookie: header(jars.app) } })).text();
      expect(page).toContain(`user:${fake.demo.user.login}`);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- next start output ---\n${withBase.output()}`, { cause: error });
    } finally {
      await withBase.stop();
    }
  });

  // TRACE is not here: Next 15's own server answers it with its 500 page before any route
  // handler or middleware runs (it cannot build a web Request for it), out of the adapter's reach.
  it('answers TRACK, CONNECT and a malformed Host with 4xx (or a closed connection), never 5xx, on every route', async () => {
    const { port } = new URL(next.url);
    /** One raw request on its own connection; the raw answer once the server closed it. */
    const send = (head: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write(`${head}\r\nConnection: close\r\n\r\n`));
        let data = '';
        socket.setEncoding('latin1');
        socket.on('data', (chunk: string) => (data += chunk));
        socket.on('error', reject);
        socket.on('close', () => resolve(data));
      });
    const routes = ['/api/tracker/v3/myself', '/api/auth/sign-in', '/api/auth/callback?code=1&state=2', '/api/auth/sign-out', '/'];
    for (const path of routes) {
      for (const method of ['TRACK', 'CONNECT']) {
        const answer = await send(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}`);
        expect(answer, `${method} ${path}`).not.toMatch(/^HTTP\/1\.1 5/);
        if (answer !== '') expect(answer, `${method} ${path}`).toMatch(/^HTTP\/1\.1 4\d\d /);
      }
      for (const host of ['evil.example:99999', '[::1']) {
        const method = path === '/api/auth/sign-out' ? 'POST' : 'GET';
        const answer = await send(`${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 0`);
        expect(answer, `${host} ${path}\n${next.output()}`).not.toMatch(/^HTTP\/1\.1 5/);
        // The page renders (the Host is ignored, its service call included); the proxy refuses.
        if (path.startsWith('/api/tracker/')) expect(answer, `${host} ${path}`).toMatch(/^HTTP\/1\.1 4\d\d /);
      }
    }
  });

  it('refuses to build a client component that imports @tracker-auth/next (server-only)', () => {
    const result = nextBuild(nextBin, appDir, 'client-import');
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('needs "server-only"');
  });
});
