/** The examples of readme/80-proxy.md and readme/90-sign-in-flow.md, run for real against the fake. */
import { startFakeYandex } from '@tracker-auth/testing';
import { expect, it } from 'vitest';
// Through the package entry, so the names the README uses are really exported.
import { createOAuthFlow, createTrackerAuth, createTrackerClient, createTrackerProxy, isSignInRequiredError, oauthToken, serializeCookie } from '../../src/index.js';

it('the sign-in README example walks the whole chain', async () => {
  const fake = await startFakeYandex();
  try {
    const app = fake.oauth.registerApp({ redirectUris: ['http://app.test/auth/callback'] });
    const flow = createOAuthFlow({
      clientId: app.clientId,
      clientSecret: app.clientSecret!,
      redirectUri: 'http://app.test/auth/callback',
      org: { orgId: fake.demo.orgId },
      sessionSecret: 'a-test-session-secret-of-at-least-32-bytes!',
      oauthUrl: fake.url,
    });

    const login = await flow.signIn(new Request('http://app.test/auth/sign-in'));
    const loginCookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const toApp = await fetch(login.headers.get('location')!, { redirect: 'manual' });
    const done = await flow.callback(new Request(toApp.headers.get('location')!, { headers: { cookie: loginCookie } }));
    const session = done.headers.getSetCookie().find((c) => c.startsWith('tracker_session='))!.split(';')[0]!;

    const { auth } = await flow.userAuth(new Request('http://app.test/', { headers: { cookie: session } }));
    const me = await fetch(`${fake.url}/v3/myself`, { headers: (await auth.headers()) as Record<string, string> });
    expect(me.status).toBe(200);

    // The request handler of the README, with the ky client.
    async function handler(request: Request): Promise<Response> {
      try {
        const user = await flow.userAuth(request);
        const tracker = createTrackerClient(user.auth, { trackerUrl: fake.url });
        const me = await tracker.get('myself').json();
        const response = Response.json(me);
        for (const c of user.cookies) response.headers.append('set-cookie', serializeCookie(c.name, c.value, c.options));
        return response;
      } catch (error) {
        if (isSignInRequiredError(error)) return Response.redirect(new URL('/auth/sign-in', request.url), 302);
        throw error;
      }
    }
    const ok = await handler(new Request('http://app.test/me', { headers: { cookie: session } }));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { login: string }).login).toBe(fake.demo.user.login);
    const anonymous = await handler(new Request('http://app.test/me'));
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toBe('http://app.test/auth/sign-in');
  } finally {
    await fake.close();
  }
});

it('the refreshSession README example puts the rotated cookie on the rendered page', async () => {
  const fake = await startFakeYandex();
  try {
    const app = fake.oauth.registerApp({ redirectUris: ['http://app.test/auth/callback'] });
    let skew = 0;
    const flow = createOAuthFlow({
      clientId: app.clientId,
      clientSecret: app.clientSecret!,
      redirectUri: 'http://app.test/auth/callback',
      org: { orgId: fake.demo.orgId },
      sessionSecret: 'a-test-session-secret-of-at-least-32-bytes!',
      oauthUrl: fake.url,
      refresh: { now: () => Date.now() + skew },
      sessionMaxAgeSeconds: 400 * 24 * 60 * 60,
    });
    const login = await flow.signIn(new Request('http://app.test/auth/sign-in'));
    const toApp = await fetch(login.headers.get('location')!, { redirect: 'manual' });
    const done = await flow.callback(new Request(toApp.headers.get('location')!, { headers: { cookie: login.headers.getSetCookie()[0]!.split(';')[0]! } }));
    const session = done.headers.getSetCookie().find((c) => c.startsWith('tracker_session='))!.split(';')[0]!;

    // As in the README.
    async function beforeRender(request: Request, render: (request: Request) => Promise<Response>): Promise<Response> {
      const { cookies, signedIn } = await flow.refreshSession(request);
      if (!signedIn) return Response.redirect(new URL('/auth/sign-in', request.url), 302);
      const response = await render(request);
      for (const c of cookies) response.headers.append('set-cookie', serializeCookie(c.name, c.value, c.options));
      return response;
    }
    const render = async () => new Response('<h1>Issues</h1>', { headers: { 'content-type': 'text/html' } });

    const fresh = await beforeRender(new Request('http://app.test/issues', { headers: { cookie: session } }), render);
    expect(fresh.headers.getSetCookie()).toEqual([]);
    // A minute before the access token expires (to the app's clock): refreshed before rendering.
    skew = 365 * 24 * 60 * 60 * 1000 - 60 * 1000;
    const due = await beforeRender(new Request('http://app.test/issues', { headers: { cookie: session } }), render);
    expect(due.status).toBe(200);
    expect(due.headers.getSetCookie()).toEqual([expect.stringMatching(/^tracker_session=v1\./)]);
    expect(fake.calls.count('oauth.token')).toBe(2);
    const anonymous = await beforeRender(new Request('http://app.test/issues'), render);
    expect(anonymous.status).toBe(302);
  } finally {
    await fake.close();
  }
});

it('the proxy README example forwards to Tracker with the server credentials', async () => {
  const fake = await startFakeYandex();
  try {
    const auth = createTrackerAuth({ credentials: oauthToken(fake.demo.oauthToken), org: { orgId: fake.demo.orgId } });
    const trackerProxy = createTrackerProxy({
      auth,
      authorize: async (request) => request.headers.get('x-app-user') !== null,
      basePath: '/api/tracker',
      trackerUrl: fake.url,
    });
    const response = await trackerProxy(new Request('https://app.example/api/tracker/v3/myself', { headers: { 'x-app-user': 'me' } }));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { login: string }).login).toBe(fake.demo.user.login);
    expect(fake.calls.count('tracker')).toBe(1);
    const refused = await trackerProxy(new Request('https://app.example/api/tracker/v3/myself'));
    expect(refused.status).toBe(403);
    expect(fake.calls.count('tracker')).toBe(1);
  } finally {
    await fake.close();
  }
});
