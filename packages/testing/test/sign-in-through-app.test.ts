/**
 * signInThroughApp() against a small hand-written app (node:http, no library of ours): login
 * sets a state cookie and redirects to the fake; the callback checks the state, exchanges the
 * code at the fake's /token and sets a session cookie.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signInThroughApp, startFakeYandex, type FakeOAuthApp, type FakeYandex } from '../src/index.js';

let fake: FakeYandex;
let app: { url: string; port: number; server: Server; oauthApp: FakeOAuthApp; callbackSetsCookie: boolean };

function cookieOf(header: string | undefined, name: string): string | undefined {
  return header
    ?.split(';')
    .map((part) => part.trim().split('='))
    .find(([key]) => key === name)?.[1];
}

/** The app under test: canonical host 127.0.0.1 (localhost is redirected there first, as real apps do). */
async function startApp(): Promise<typeof app> {
  const sessions = new Map<string, string>();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const canonical = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (url.host !== canonical) {
      res.writeHead(302, { location: `http://${canonical}${url.pathname}${url.search}` }).end();
      return;
    }
    const redirectUri = `http://${canonical}/auth/callback`;
    if (url.pathname === '/auth/sign-in') {
      const loginState = randomBytes(8).toString('hex');
      const authorize = new URL('/authorize', fake.url);
      authorize.search = new URLSearchParams({ response_type: 'code', client_id: app.oauthApp.clientId, redirect_uri: redirectUri, state: loginState }).toString();
      res.writeHead(302, { location: authorize.href, 'set-cookie': `login=${loginState}; Path=/; HttpOnly` }).end();
    } else if (url.pathname === '/auth/callback') {
      const code = url.searchParams.get('code');
      if (!code || url.searchParams.get('state') !== cookieOf(req.headers.cookie, 'login')) {
        res.writeHead(302, { location: '/sign-in-error' }).end();
        return;
      }
      const token = await fetch(`${fake.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: app.oauthApp.clientId, client_secret: app.oauthApp.clientSecret! }),
      }).then((r) => r.json() as Promise<{ access_token: string }>);
      const id = randomBytes(8).toString('hex');
      sessions.set(id, token.access_token);
      const cookies = ['login=; Max-Age=0; Path=/'];
      if (app.callbackSetsCookie) cookies.push(`session=${id}; Path=/; HttpOnly`);
      res.writeHead(302, { location: '/', 'set-cookie': cookies }).end();
    } else if (url.pathname === '/') {
      const token = sessions.get(cookieOf(req.headers.cookie, 'session') ?? '');
      if (!token) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('signed out');
        return;
      }
      const me = await fetch(`${fake.url}/v3/myself`, { headers: { authorization: `OAuth ${token}`, 'x-org-id': fake.demo.orgId } });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello ${((await me.json()) as { login: string }).login}`);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const oauthApp = fake.oauth.registerApp({ redirectUris: [`http://127.0.0.1:${port}/auth/callback`], name: 'sign-in helper test' });
  return { url: `http://127.0.0.1:${port}`, port, server, oauthApp, callbackSetsCookie: true };
}

beforeAll(async () => {
  fake = await startFakeYandex();
  app = await startApp();
});
afterAll(async () => {
  app?.server.close();
  app?.server.closeAllConnections();
  await fake?.close();
});
afterEach(() => {
  app.callbackSetsCookie = true;
  fake.oauth.setAutoApprove(true);
  fake.oauth.setAuthorizeHook(undefined);
  fake.oauth.setSignedInUser(undefined);
});

describe('signInThroughApp', () => {
  it('signs in through login → fake /authorize → callback and returns the app cookie that acts as the user', async () => {
    const signedIn = await signInThroughApp(app.url, { fake });
    expect(Object.keys(signedIn.cookies)).toEqual(['session']);
    expect(signedIn.cookie).toMatch(/^session=[0-9a-f]{16}$/);
    expect(signedIn.url).toBe(`${app.url}/`);
    expect(signedIn.status).toBe(200);
    expect(signedIn.hops.map((h) => h.url)).toEqual([`${app.url}/auth/sign-in`, `${fake.url}/authorize`, `${app.url}/auth/callback`, `${app.url}/`]);
    // No code or state in what the helper reports.
    expect(JSON.stringify(signedIn.hops)).not.toMatch(/code=|state=/);

    const page = await fetch(app.url, { headers: { cookie: signedIn.cookie } });
    expect(await page.text()).toBe(`hello ${fake.demo.user.login}`);
  });

  it('starts on localhost, follows the app to its canonical host, and signs in as the fake’s chosen user', async () => {
    const other = fake.tracker.addUser({ login: 'second.user' });
    fake.oauth.setSignedInUser({ uid: other.uid });
    const signedIn = await signInThroughApp(`http://localhost:${app.port}`, { fake: fake.url, signInPath: '/auth/sign-in' });
    expect(signedIn.hops[0]).toEqual({ url: `http://localhost:${app.port}/auth/sign-in`, status: 302 });
    expect(signedIn.url).toBe(`${app.url}/`);
    const page = await fetch(app.url, { headers: { cookie: signedIn.cookie } });
    expect(await page.text()).toBe('hello second.user');
  });

  it('consent denied: rejects naming the error', async () => {
    fake.oauth.setAuthorizeHook(() => 'deny');
    await expect(signInThroughApp(app.url, { fake })).rejects.toThrow(/sent the user back with error=access_denied/);
  });

  it('autoApprove off: rejects naming the consent page and the switch', async () => {
    fake.oauth.setAutoApprove(false);
    await expect(signInThroughApp(app.url, { fake })).rejects.toThrow(/consent page \(autoApprove is off\)/);
  });

  it('a callback that sets no session cookie: rejects', async () => {
    app.callbackSetsCookie = false;
    await expect(signInThroughApp(app.url, { fake })).rejects.toThrow(/callback set no cookie/);
  });

  it('a login path that does not lead to the fake: rejects with the requests made', async () => {
    await expect(signInThroughApp(app.url, { fake, signInPath: '/nope' })).rejects.toThrow(/\/nope answered 404 instead of redirecting to the fake[\s\S]*404 http:\/\/127\.0\.0\.1:\d+\/nope/);
  });

  it('never follows a redirect to another host than the app and the fake', async () => {
    const elsewhere = await startFakeYandex();
    try {
      // The app sends users to a different "Yandex" than the one the test named.
      await expect(signInThroughApp(app.url, { fake: elsewhere })).rejects.toThrow(/neither the app .* nor the fake/);
      expect(elsewhere.calls.count('oauth.authorize')).toBe(0);
      expect(fake.calls.count('oauth.authorize')).toBeGreaterThan(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('refuses bad arguments', async () => {
    await expect(signInThroughApp(app.url, {} as never)).rejects.toThrow(/options.fake/);
    await expect(signInThroughApp('not a url', { fake })).rejects.toThrow(/appUrl/);
    await expect(signInThroughApp(app.url, { fake, signInPath: 'auth/login' })).rejects.toThrow(/signInPath/);
  });
});
