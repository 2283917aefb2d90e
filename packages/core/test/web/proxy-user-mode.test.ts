/**
 * The proxy's `user` option (act as the user signed in through an OAuthFlow) on both
 * transports, over real HTTP against the fake Yandex: the default sameOriginSignedIn gate, its
 * replacements, rotated cookies, and on the Node transport the public-URL options the gate's
 * Origin check reads.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import { createNodeTrackerProxy, type NodeTrackerProxyOptions } from '../../src/node/node-proxy.js';
import { createOAuthFlow, type OAuthFlow } from '../../src/web/oauth-flow.js';
import { createTrackerProxy } from '../../src/web/proxy.js';
import { flowOptions, REDIRECT } from './flow-options.js';
import { cookiePairOf, signIn, tokensIn } from './sign-in-helpers.js';
import { closeTransports, serveProxy, TRANSPORTS } from './proxy-transports.js';

let fake: FakeYandex;
let flow: OAuthFlow;
let session: string;

beforeAll(async () => {
  fake = await startFakeYandex();
  const registered = fake.oauth.registerApp({ redirectUris: [REDIRECT] });
  flow = createOAuthFlow(flowOptions(fake, { clientId: registered.clientId, clientSecret: registered.clientSecret! }, Date.now));
  session = await signIn(flow);
});
afterAll(async () => {
  await closeTransports();
  await fake.close();
});
afterEach(() => {
  fake.faults.clear();
});

const errorCode = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

describe.each(TRANSPORTS)('user: flow on the %s transport', (transport) => {
  const serve = (extra: Record<string, unknown> = {}) =>
    serveProxy(transport, { user: flow, basePath: '/api/tracker', trackerUrl: fake.url, ...extra });

  it('serves a signed-in same-origin request as the user; refuses no session or another site (403) before Tracker is called', async () => {
    const { url } = await serve();
    const served = await fetch(`${url}/api/tracker/v3/myself`, { headers: { cookie: session, 'sec-fetch-site': 'same-origin' } });
    expect(served.status).toBe(200);
    expect(((await served.json()) as { login: string }).login).toBe(fake.demo.user.login);

    const calls = fake.calls.count('tracker');
    const anonymous = await fetch(`${url}/api/tracker/v3/myself`);
    expect(anonymous.status).toBe(403);
    expect(await errorCode(anonymous)).toBe('FORBIDDEN');
    const crossSite = await fetch(`${url}/api/tracker/v3/myself`, { headers: { cookie: session, 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    const foreignOrigin = await fetch(`${url}/api/tracker/v3/myself`, { headers: { cookie: session, origin: 'https://evil.example' } });
    expect(foreignOrigin.status).toBe(403);
    expect(fake.calls.count('tracker')).toBe(calls);
  });

  it('an authorize of the app replaces the default gate; allowAnonymous drops it (a signed-out request is then 401)', async () => {
    const withGate = await serve({ authorize: (request: Request) => request.headers.get('x-app-says') === 'yes' });
    expect((await fetch(`${withGate.url}/api/tracker/v3/myself`, { headers: { cookie: session } })).status).toBe(403);
    const allowed = await fetch(`${withGate.url}/api/tracker/v3/myself`, { headers: { cookie: session, 'x-app-says': 'yes', 'sec-fetch-site': 'cross-site' } });
    expect(allowed.status).toBe(200);

    const open = await serve({ allowAnonymous: true });
    const signedOut = await fetch(`${open.url}/api/tracker/v3/myself`);
    expect(signedOut.status).toBe(401);
    expect(await errorCode(signedOut)).toBe('SIGN_IN_REQUIRED');
  });

  it('sends the rotated session cookie with the answer', async () => {
    const { url } = await serve();
    const cookie = await signIn(flow);
    const before = (await tokensIn(flow, cookie))!;
    fake.faults.inject('tracker', { status: 401, times: 1 });
    const response = await fetch(`${url}/api/tracker/v3/myself`, { headers: { cookie } });
    expect(response.status).toBe(200);
    const rotated = cookiePairOf(response.headers.getSetCookie());
    expect((await tokensIn(flow, rotated))!.refreshToken).not.toBe(before.refreshToken);
  });
});

describe('user option checks at construction (both factories)', () => {
  const factories = [
    ['createTrackerProxy', (options: Record<string, unknown>) => createTrackerProxy(options as never)],
    ['createNodeTrackerProxy', (options: Record<string, unknown>) => createNodeTrackerProxy(options as never)],
  ] as const;

  it.each(factories)('%s: user and auth together, a user that is not a flow, neither of them', (_name, make) => {
    const fieldOf = (options: Record<string, unknown>) => {
      try {
        make(options);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigurationError);
        return (error as ConfigurationError).field;
      }
      throw new Error('no error');
    };
    expect(fieldOf({ user: flow, auth: { headers: async () => ({}), invalidate: async () => true } })).toBe('user');
    expect(fieldOf({ user: { userAuth: () => undefined } })).toBe('user');
    expect(fieldOf({ allowAnonymous: true })).toBe('auth');
    expect(() => make({ user: flow })).not.toThrow();
  });

  it('createNodeTrackerProxy: baseUrl and trustProxy are checked', () => {
    expect(() => createNodeTrackerProxy({ user: flow, baseUrl: 'not a url' })).toThrow(expect.objectContaining({ field: 'baseUrl' }));
    expect(() => createNodeTrackerProxy({ user: flow, trustProxy: 'yes' as never })).toThrow(expect.objectContaining({ field: 'trustProxy' }));
  });
});

describe('createNodeTrackerProxy({ user }): the public URL the gate compares Origin with', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  async function serveNode(options: Omit<NodeTrackerProxyOptions, 'user' | 'trackerUrl'>): Promise<string> {
    const proxy = createNodeTrackerProxy({ user: flow, trackerUrl: fake.url, basePath: '/api/tracker', ...options });
    const server = createServer((req, res) => void proxy(req, res));
    server.on('close', () => void proxy.close());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/tracker/v3/myself`;
  }

  const APP_ORIGIN = 'https://app.example.com';
  const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com' };

  it('baseUrl: the app origin is its own, not the socket address', async () => {
    const withBase = await serveNode({ baseUrl: APP_ORIGIN });
    expect((await fetch(withBase, { headers: { cookie: session, origin: APP_ORIGIN } })).status).toBe(200);
    const without = await serveNode({});
    expect((await fetch(without, { headers: { cookie: session, origin: APP_ORIGIN } })).status).toBe(403);
  });

  it('trustProxy: X-Forwarded-Proto/Host make the origin only when trusted (a boolean or a function of the request)', async () => {
    const trusted = await serveNode({ trustProxy: true });
    expect((await fetch(trusted, { headers: { cookie: session, origin: APP_ORIGIN, ...forwarded } })).status).toBe(200);
    const untrusted = await serveNode({ trustProxy: false });
    expect((await fetch(untrusted, { headers: { cookie: session, origin: APP_ORIGIN, ...forwarded } })).status).toBe(403);
    const perRequest = await serveNode({ trustProxy: (req: IncomingMessage) => req.headers['x-from-lb'] === '1' });
    expect((await fetch(perRequest, { headers: { cookie: session, origin: APP_ORIGIN, ...forwarded, 'x-from-lb': '1' } })).status).toBe(200);
    expect((await fetch(perRequest, { headers: { cookie: session, origin: APP_ORIGIN, ...forwarded } })).status).toBe(403);
  });
});
