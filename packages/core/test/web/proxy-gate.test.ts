/**
 * sameOriginSignedIn(flow): the default proxy gate of user mode, with a real sign-in against
 * the fake Yandex and a real proxy in front of the fake Tracker.
 */
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
// Through the package entry, so the exported names are the ones checked.
import { createOAuthFlow, createTrackerProxy, isCrossSiteRequest, sameOriginSignedIn, type OAuthFlow } from '../../src/index.js';

const APP = 'http://app.test';
const REDIRECT = `${APP}/auth/callback`;
const SECRET = 'a-test-session-secret-of-at-least-32-bytes!';

let fake: FakeYandex;
let flow: OAuthFlow;
let session: string;

beforeAll(async () => {
  fake = await startFakeYandex();
  const app = fake.oauth.registerApp({ redirectUris: [REDIRECT] });
  flow = createOAuthFlow({ clientId: app.clientId, clientSecret: app.clientSecret!, redirectUri: REDIRECT, org: { orgId: fake.demo.orgId }, sessionSecret: SECRET, oauthUrl: fake.url });
  const login = await flow.signIn(new Request(`${APP}/auth/sign-in`));
  const loginCookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
  const back = await fetch(login.headers.get('location')!, { redirect: 'manual' });
  const done = await flow.callback(new Request(back.headers.get('location')!, { headers: { cookie: loginCookie } }));
  session = done.headers.getSetCookie().find((c) => c.startsWith('tracker_session='))!.split(';')[0]!;
});
afterAll(async () => {
  await fake.close();
});

const request = (headers: Record<string, string> = {}, method = 'GET') => new Request(`${APP}/api/tracker/v3/myself`, { method, headers });

describe('sameOriginSignedIn', () => {
  it('lets a signed-in request through when Sec-Fetch-Site is same-origin, none or absent', async () => {
    const gate = sameOriginSignedIn(flow);
    expect(await gate(request({ cookie: session, 'sec-fetch-site': 'same-origin' }))).toBe(true);
    expect(await gate(request({ cookie: session, 'sec-fetch-site': 'none' }))).toBe(true);
    expect(await gate(request({ cookie: session }))).toBe(true);
  });

  it('refuses a request another site made the browser send, even with a valid session', async () => {
    const gate = sameOriginSignedIn(flow);
    for (const site of ['cross-site', 'same-site', 'Cross-Site']) {
      expect(await gate(request({ cookie: session, 'sec-fetch-site': site }, 'POST'))).toBe(false);
    }
  });

  it('refuses a foreign Origin whatever Sec-Fetch-Site says or lacks; accepts the app own origin', async () => {
    const gate = sameOriginSignedIn(flow);
    // Older browsers and some clients send Origin without any Sec-Fetch-* header.
    expect(await gate(request({ cookie: session, origin: 'https://evil.example' }, 'POST'))).toBe(false);
    expect(await gate(request({ cookie: session, origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }, 'POST'))).toBe(false);
    expect(await gate(request({ cookie: session, origin: 'null' }, 'POST'))).toBe(false);
    expect(await gate(request({ cookie: session, origin: 'https://app.test' }, 'POST'))).toBe(false);
    expect(await gate(request({ cookie: session, origin: APP }, 'POST'))).toBe(true);
  });

  it('refuses a request without a session, with a forged one, or one sealed with another secret', async () => {
    const gate = sameOriginSignedIn(flow);
    expect(await gate(request())).toBe(false);
    expect(await gate(request({ cookie: 'tracker_session=v1.forged' }))).toBe(false);
    const other = createOAuthFlow({ clientId: 'x', clientSecret: 'y', redirectUri: REDIRECT, org: { orgId: '1' }, sessionSecret: 'another-session-secret-of-32-bytes-or-more' });
    expect(await sameOriginSignedIn(other)(request({ cookie: session }))).toBe(false);
  });

  it('as the proxy authorize: 403 before Tracker is called, 200 as the user otherwise', async () => {
    const proxy = createTrackerProxy({ auth: (r) => flow.userAuth(r), authorize: sameOriginSignedIn(flow), basePath: '/api/tracker', trackerUrl: fake.url });
    const calls = fake.calls.count('tracker');
    const refused = await proxy(request({ cookie: session, 'sec-fetch-site': 'cross-site' }));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    expect((await proxy(request())).status).toBe(403);
    expect(fake.calls.count('tracker')).toBe(calls);
    const served = await proxy(request({ cookie: session, 'sec-fetch-site': 'same-origin' }));
    expect(served.status).toBe(200);
    expect(((await served.json()) as { login: string }).login).toBe(fake.demo.user.login);
  });

  it('refuses a flow that is not one at construction (ConfigurationError naming flow)', () => {
    for (const bad of [undefined, null, {}, { getSession: 'no' }]) {
      let error: unknown;
      try {
        sameOriginSignedIn(bad as never);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).field).toBe('flow');
    }
  });
});

describe('isCrossSiteRequest', () => {
  const at = (headers: Record<string, string>) => new Request(`${APP}/issues`, { method: 'POST', headers });
  it('is true for Sec-Fetch-Site cross-site or same-site, and for a foreign or null Origin', () => {
    expect(isCrossSiteRequest(at({ 'sec-fetch-site': 'cross-site' }))).toBe(true);
    expect(isCrossSiteRequest(at({ 'sec-fetch-site': 'same-site', origin: APP }))).toBe(true);
    expect(isCrossSiteRequest(at({ origin: 'https://evil.example' }))).toBe(true);
    expect(isCrossSiteRequest(at({ origin: 'null' }))).toBe(true);
  });
  it('is false for the request own origin, an allowed origin, and a request with neither header', () => {
    expect(isCrossSiteRequest(at({ origin: APP, 'sec-fetch-site': 'same-origin' }))).toBe(false);
    expect(isCrossSiteRequest(at({ origin: 'https://app.example.com' }), { allowedOrigins: ['https://app.example.com'] })).toBe(false);
    expect(isCrossSiteRequest(at({}))).toBe(false);
  });
});
