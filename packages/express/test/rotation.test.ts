/**
 * User mode through Express against the fake Yandex in its default mode: a refresh answers the
 * same access token with a new refresh token, and that rotation must reach the browser, survive a
 * restart, and a dead session must be cleared.
 */
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import type { NextFunction, Request, Response } from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { trackerAuth, trackerErrorHandler, trackerSignIn, trackerProxy } from '../src/index.js';
import { Browser } from './browser.js';
import { express, listen } from './express.js';

const SECRET = 'x'.repeat(32) + '-session-secret-for-rotation';
const MINUTE = 60 * 1000;
const CLIENT = { clientId: 'express-rotation', clientSecret: 'express-rotation-secret' };

let fake: FakeYandex;
/** The apps' clock runs `skew` ahead of the fake's. */
let skew = 0;
const apps: Array<{ close: () => Promise<void> }> = [];

const route = (handler: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
  handler(req, res).catch(next);
};

/** One app instance: sign-in routes, a user-mode `/me` (optional: `/maybe`) and the proxy. */
async function startApp() {
  const server = express();
  // The redirect URI needs the port, known only after listen(): the router is mounted then.
  const mounted: { oauth?: ReturnType<typeof trackerSignIn> } = {};
  server.use((req, res, next) => (mounted.oauth ? mounted.oauth(req, res, next) : next()));
  const listening = await listen(server);
  apps.push(listening);
  fake.oauth.registerApp({ ...CLIENT, redirectUris: [`${listening.url}/auth/callback`] });
  const oauth = trackerSignIn({
    ...CLIENT,
    redirectUri: `${listening.url}/auth/callback`,
    org: { orgId: fake.demo.orgId },
    sessionSecret: SECRET,
    oauthUrl: fake.url,
    refresh: { now: () => Date.now() + skew },
  });
  mounted.oauth = oauth;
  const client = { trackerUrl: fake.url, retry: { limit: 0 } };
  server.use('/me', trackerAuth({ user: oauth, client }));
  server.get('/me', route(async (req, res) => void res.json({ login: (await req.tracker!.verifyAccess()).login })));
  server.use('/maybe', trackerAuth({ user: oauth, client, required: false }));
  server.get('/maybe', (req, res) => void res.json({ signedIn: req.tracker !== undefined }));
  server.use('/api/tracker', trackerProxy({ user: oauth, authorize: () => true, trackerUrl: fake.url, allowPaths: ['/v3/myself'] }));
  server.use(trackerErrorHandler());
  return { url: listening.url, oauth };
}

beforeAll(async () => {
  fake = await startFakeYandex();
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await fake?.close();
});
beforeEach(() => {
  skew = 0;
  fake.faults.clear();
  fake.calls.reset();
});

async function signedInBrowser(url: string) {
  const browser = new Browser();
  const { response } = await browser.follow(`${url}/auth/sign-in`);
  await response.body?.cancel();
  expect(browser.cookies(url).has('tracker_session')).toBe(true);
  return browser;
}

describe('Express user mode: rotation reaches the browser', () => {
  it('401 → same access token, new refresh token → new cookie; a restarted app 16 min later serves and refreshes with it', async () => {
    const first = await startApp();
    const browser = await signedInBrowser(first.url);
    const before = browser.cookies(first.url).get('tracker_session')!;
    const tokensOf = async (cookie: string) =>
      (await first.oauth.flow.getSession(new Request(first.url, { headers: { cookie: `tracker_session=${cookie}` } }), { includeTokens: true }))!.tokens!;
    const old = await tokensOf(before);
    fake.calls.reset();

    fake.faults.inject('tracker', { status: 401, times: 1 });
    const me = await browser.fetch(`${first.url}/me`);
    expect(me.status).toBe(200);
    expect(fake.calls.count('oauth.token')).toBe(1);
    const rotated = browser.cookies(first.url).get('tracker_session')!;
    expect(rotated).not.toBe(before);
    const now = await tokensOf(rotated);
    expect(now.accessToken).toBe(old.accessToken);
    expect(now.refreshToken).not.toBe(old.refreshToken);

    // Restart: a new app (nothing in memory), 16 minutes later, only the browser's cookie.
    skew = 16 * MINUTE;
    const restarted = await startApp();
    browser.cookies(restarted.url).set('tracker_session', rotated);
    expect((await browser.fetch(`${restarted.url}/me`)).status).toBe(200);
    fake.faults.inject('tracker', { status: 401, times: 1 });
    const again = await browser.fetch(`${restarted.url}/api/tracker/v3/myself`);
    expect(again.status).toBe(200);
    expect(fake.calls.count('oauth.token')).toBe(2);
    expect(browser.cookies(restarted.url).get('tracker_session')).not.toBe(rotated);
  });

  it('revoked upstream: the first request clears the cookie, later ones make no OAuth call', async () => {
    const app = await startApp();
    const browser = await signedInBrowser(app.url);
    const cookie = browser.cookies(app.url).get('tracker_session')!;
    const session = await app.oauth.flow.getSession(new Request(app.url, { headers: { cookie: `tracker_session=${cookie}` } }), { includeTokens: true });
    fake.revoke(session!.tokens!.refreshToken!);
    fake.calls.reset();

    for (let i = 0; i < 5; i++) {
      // Old cookie every time, as a second tab would send it.
      const res = await fetch(`${app.url}/me`, { headers: { cookie: `tracker_session=${cookie}` } });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SIGN_IN_REQUIRED');
      expect(res.headers.getSetCookie()).toEqual([expect.stringMatching(/^tracker_session=; Path=\/; Max-Age=0;/)]);
    }
    expect(fake.calls.count('oauth.token')).toBe(1);
    // With required: false the dead session is simply signed out (and its cookie cleared).
    const maybe = await fetch(`${app.url}/maybe`, { headers: { cookie: `tracker_session=${cookie}` } });
    expect(await maybe.json()).toEqual({ signedIn: false });
    expect(maybe.headers.getSetCookie()[0]).toMatch(/^tracker_session=; /);
    expect(await app.oauth.flow.getSession(new Request(app.url, { headers: { cookie: `tracker_session=${cookie}` } }))).toBeNull();
    expect(fake.calls.count('oauth.token')).toBe(1);
  });
});
