/**
 * core/node helpers for Node adapters, over real HTTP against the fake Yandex:
 * deliverSessionCookies (rotated cookies reach the response whenever the handler writes its
 * headers) and createWebRequestReader (the body-less web Request, public-URL options checked).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import { createTrackerClient } from '../../src/client/tracker-client.js';
import { createWebRequestReader, deliverSessionCookies } from '../../src/node.js';
import { createOAuthFlow, type OAuthFlow } from '../../src/web/oauth-flow.js';
import { flowOptions, REDIRECT } from '../web/flow-options.js';
import { cookiePairOf, signIn, tokensIn } from '../web/sign-in-helpers.js';

let fake: FakeYandex;
let flow: OAuthFlow;
const servers: Server[] = [];

beforeAll(async () => {
  fake = await startFakeYandex();
  const registered = fake.oauth.registerApp({ redirectUris: [REDIRECT] });
  flow = createOAuthFlow(flowOptions(fake, { clientId: registered.clientId, clientSecret: registered.clientSecret! }, Date.now));
});
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await fake.close();
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<string> {
  const server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('deliverSessionCookies', () => {
  const read = createWebRequestReader();
  /** A handler acting as the user: one Tracker call, then `finish` writes the answer its own way. */
  const asUser = (finish: (res: ServerResponse) => void) =>
    serve(async (req, res) => {
      const user = await flow.userAuth(read(req, res));
      deliverSessionCookies(res, user);
      await createTrackerClient(user.auth, { trackerUrl: fake.url, retry: { limit: 0 } }).get('myself');
      finish(res);
    });

  it('adds the cookies rotated during the handler, after its own Set-Cookie, however it writes its headers', async () => {
    const finishes: Array<(res: ServerResponse) => void> = [
      (res) => res.setHeader('set-cookie', 'own=1').end('ok'),
      (res) => res.writeHead(200, { 'Set-Cookie': 'own=1' }).end('ok'),
      (res) => res.writeHead(200, 'OK', ['set-cookie', 'own=1']).end('ok'),
      (res) => {
        res.setHeader('set-cookie', ['own=1']);
        res.write('streamed');
        res.end();
      },
    ];
    for (const finish of finishes) {
      const url = await asUser(finish);
      const cookie = await signIn(flow);
      const before = (await tokensIn(flow, cookie))!;
      fake.faults.inject('tracker', { status: 401, times: 1 });
      const response = await fetch(url, { headers: { cookie } });
      expect(response.status).toBe(200);
      const lines = response.headers.getSetCookie();
      expect(lines[0]).toBe('own=1');
      expect(lines).toHaveLength(2);
      expect((await tokensIn(flow, cookiePairOf(lines)))!.refreshToken).not.toBe(before.refreshToken);
    }
  });

  it('sends the rotated cookie once when two handlers of one request both deliver it', async () => {
    const url = await serve(async (req, res) => {
      const user = await flow.userAuth(read(req, res));
      deliverSessionCookies(res, user);
      deliverSessionCookies(res, await flow.userAuth(read(req, res)));
      await createTrackerClient(user.auth, { trackerUrl: fake.url, retry: { limit: 0 } }).get('myself');
      res.end('ok');
    });
    const cookie = await signIn(flow);
    fake.faults.inject('tracker', { status: 401, times: 1 });
    const response = await fetch(url, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([expect.stringMatching(/^tracker_session=v1\./)]);
  });

  it('adds nothing while the session did not change', async () => {
    const url = await asUser((res) => res.end('ok'));
    const response = await fetch(url, { headers: { cookie: await signIn(flow) } });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});

describe('createWebRequestReader', () => {
  const describing = (options: Parameters<typeof createWebRequestReader>[0]) => {
    const read = createWebRequestReader(options);
    return serve(async (req, res) => {
      const request = read(req, res);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ url: request.url, host: request.headers.get('host'), cookie: request.headers.get('cookie'), body: request.body === null }));
    });
  };

  it('builds a body-less web Request on baseUrl; the Node body stays for later parsers', async () => {
    const url = await describing({ baseUrl: 'https://app.example.com' });
    const answer = await (await fetch(`${url}/auth/sign-in?returnTo=%2Fx`, { method: 'POST', body: 'kept', headers: { cookie: 'a=1' } })).json();
    expect(answer).toMatchObject({ url: 'https://app.example.com/auth/sign-in?returnTo=%2Fx', cookie: 'a=1', body: true });
  });

  it('trustProxy: forwarded proto and host only when trusted; a function decides per request', async () => {
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com' };
    const trusted = await (await fetch(`${await describing({ trustProxy: true })}/p`, { headers: forwarded })).json();
    expect(trusted).toMatchObject({ url: 'https://app.example.com/p', host: 'app.example.com' });
    const plain = await describing({});
    expect(((await (await fetch(`${plain}/p`, { headers: forwarded })).json()) as { url: string }).url).toBe(`${plain}/p`);
    const perRequest = await describing({ trustProxy: (req) => req.headers['x-from-lb'] === '1' });
    expect(((await (await fetch(`${perRequest}/p`, { headers: { ...forwarded, 'x-from-lb': '1' } })).json()) as { url: string }).url).toBe('https://app.example.com/p');
    expect(((await (await fetch(`${perRequest}/p`, { headers: forwarded })).json()) as { url: string }).url).toBe(`${perRequest}/p`);
  });

  it('checks its options at construction (ConfigurationError naming the field)', () => {
    const fieldOf = (options: unknown) => {
      try {
        createWebRequestReader(options as never);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigurationError);
        return (error as ConfigurationError).field;
      }
      return undefined;
    };
    expect(fieldOf({ baseUrl: 'app.example.com' })).toBe('baseUrl');
    expect(fieldOf({ baseUrl: 42 })).toBe('baseUrl');
    expect(fieldOf({ trustProxy: 'yes' })).toBe('trustProxy');
    expect(fieldOf(null)).toBe('options');
    expect(fieldOf([])).toBe('options');
    expect(fieldOf({ baseUrl: new URL('https://app.example.com'), trustProxy: () => true })).toBeUndefined();
  });
});
