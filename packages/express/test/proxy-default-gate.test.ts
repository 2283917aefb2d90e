/**
 * trackerProxy({ user: trackerSignIn(…) }) without `authorize`: core's sameOriginSignedIn gate
 * applies (a valid session, and not a request another site made the browser send), the same
 * default as the Next.js adapter. Real HTTP against the fake Yandex, on Express 4 and 5.
 */
import { isConfigurationError } from '@tracker-auth/core';
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackerErrorHandler, trackerSignIn, trackerProxy, type TrackerSignIn } from '../src/index.js';
import { Browser } from './browser.js';
import { express, listen } from './express.js';
import { thrownBy } from './thrown.js';

let fake: FakeYandex;
let app: Awaited<ReturnType<typeof listen>>;
let oauth: TrackerSignIn;
let gated: ReturnType<typeof trackerProxy>;
let open: ReturnType<typeof trackerProxy>;
let permissive: ReturnType<typeof trackerProxy>;
const SECRET = 'y'.repeat(32) + '-session-secret-for-tests';

beforeAll(async () => {
  fake = await startFakeYandex();
  const server = express();
  server.use((req, res, next) => (oauth ? oauth(req, res, next) : next()));
  server.use('/api/tracker', (req, res, next) => gated(req, res, next));
  server.use('/open/tracker', (req, res, next) => open(req, res, next));
  server.use('/permissive/tracker', (req, res, next) => permissive(req, res, next));
  server.use(trackerErrorHandler());
  app = await listen(server);
  fake.oauth.registerApp({ clientId: 'express-gate', clientSecret: 'express-gate-secret', redirectUris: [`${app.url}/auth/callback`] });
  oauth = trackerSignIn({
    clientId: 'express-gate',
    clientSecret: 'express-gate-secret',
    redirectUri: `${app.url}/auth/callback`,
    org: { orgId: fake.demo.orgId },
    sessionSecret: SECRET,
    oauthUrl: fake.url,
  });
  // No authorize: the default gate of user mode.
  gated = trackerProxy({ user: oauth, trackerUrl: fake.url, allowPaths: ['/v3/myself', '/v3/issues'] });
  // The explicit opt-out keeps working: no gate, userAuth alone decides (401 when signed out).
  open = trackerProxy({ user: oauth, allowAnonymous: true, trackerUrl: fake.url, allowPaths: ['/v3/myself'] });
  // An app's own authorize replaces the default entirely (here: it does not look at Sec-Fetch-Site).
  permissive = trackerProxy({ user: oauth, authorize: () => true, trackerUrl: fake.url, allowPaths: ['/v3/myself'] });
});

afterAll(async () => {
  await app?.close();
  await fake?.close();
});

async function signedInBrowser(): Promise<Browser> {
  const browser = new Browser();
  const { response } = await browser.follow(`${app.url}/auth/sign-in`);
  await response.body?.cancel();
  expect(browser.cookies(app.url).has('tracker_session')).toBe(true);
  return browser;
}

describe('trackerProxy: default gate in user mode', () => {
  it('serves a signed-in same-origin request as the user, and one without Sec-Fetch-Site', async () => {
    const browser = await signedInBrowser();
    const variants: Array<Record<string, string>> = [{ 'sec-fetch-site': 'same-origin' }, { 'sec-fetch-site': 'none' }, {}];
    for (const headers of variants) {
      const response = await browser.fetch(`${app.url}/api/tracker/v3/myself`, { headers });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { login: string }).login).toBe(fake.demo.user.login);
    }
  });

  it('refuses with 403, before Tracker is called: no session, a forged session, another site', async () => {
    const browser = await signedInBrowser();
    const calls = fake.calls.count('tracker');
    const anonymous = await fetch(`${app.url}/api/tracker/v3/myself`);
    expect(anonymous.status).toBe(403);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    const forged = await fetch(`${app.url}/api/tracker/v3/myself`, { headers: { cookie: 'tracker_session=v1.forged' } });
    expect(forged.status).toBe(403);
    await forged.body?.cancel();
    for (const site of ['cross-site', 'same-site']) {
      const csrf = await browser.fetch(`${app.url}/api/tracker/v3/issues`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'sec-fetch-site': site },
        body: JSON.stringify({ queue: 'TEST', summary: 'csrf' }),
      });
      expect(csrf.status).toBe(403);
      await csrf.body?.cancel();
    }
    expect(fake.calls.count('tracker')).toBe(calls);
  });

  it('an explicit authorize replaces the default; allowAnonymous removes it', async () => {
    const browser = await signedInBrowser();
    const crossSite = await browser.fetch(`${app.url}/permissive/tracker/v3/myself`, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(200);
    await crossSite.body?.cancel();
    // allowAnonymous: the signed-out request passes the (absent) gate and is answered 401 by userAuth.
    const signedOut = await fetch(`${app.url}/open/tracker/v3/myself`);
    expect(signedOut.status).toBe(401);
    await signedOut.body?.cancel();
  });

  it("behind a reverse proxy, the gate's own origin follows the app's trust proxy setting (or trustProxy)", async () => {
    const browser = await signedInBrowser();
    const fromProxy = { origin: 'https://app.example.com', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com' };
    // Not trusted by default: the forwarded origin is a foreign Origin for this app.
    expect((await browser.fetch(`${app.url}/api/tracker/v3/myself`, { headers: fromProxy })).status).toBe(403);
    // Trusted once through the app's setting, once through the option (with the flow itself as user).
    for (const [appSetting, trustProxy] of [[true, undefined], [false, true]] as const) {
      const server = express();
      server.set('trust proxy', appSetting);
      server.use('/api/tracker', trackerProxy({ user: oauth.flow, trackerUrl: fake.url, trustProxy }));
      const behind = await listen(server);
      try {
        const response = await fetch(`${behind.url}/api/tracker/v3/myself`, { headers: { ...fromProxy, cookie: `tracker_session=${browser.cookies(app.url).get('tracker_session')}` } });
        expect(response.status).toBe(200);
        expect(((await response.json()) as { login: string }).login).toBe(fake.demo.user.login);
      } finally {
        await behind.close();
      }
    }
  });

  it('user and auth together, or a user that is not a sign-in flow, fail at construction', () => {
    for (const options of [{ user: oauth, auth: (() => undefined) as never }, { user: {} as never }]) {
      const error = thrownBy(() => trackerProxy({ ...options, trackerUrl: fake.url }));
      expect(isConfigurationError(error)).toBe(true);
      expect((error as { field: string }).field).toBe('user');
    }
  });

  it('service mode still requires authorize (or allowAnonymous) at construction', () => {
    const service = { org: { orgId: '1' }, credentials: { id: 'x', kind: 'oauth' }, headers: async () => ({ Authorization: 'OAuth x' }), invalidate: async () => {} };
    const error = thrownBy(() => trackerProxy({ auth: service as never, trackerUrl: fake.url }));
    expect(isConfigurationError(error)).toBe(true);
    expect((error as { field: string }).field).toBe('authorize');
  });
});
