/**
 * Requests a web `Request` cannot carry (TRACE, a malformed Host) and uploads nobody reads,
 * on every route the adapter serves: service proxy, user-mode proxy, `trackerAuth({ user: oauth })`
 * routes and the sign-in routes. No error handler of the app's own: Express's default must
 * see a 4xx, never a 500. Raw sockets, so each request is sent exactly as written.
 */
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import type { Socket } from 'node:net';
import { openRawConnection, pumpEndlessChunkedBody } from '@tracker-auth-tools/test-harness';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { trackerAuth, trackerSignIn, trackerProxy, type TrackerSignIn } from '../src/index.js';
import { express, listen } from './express.js';
import { startUpstream, staticAuth } from './upstream.js';

let fake: FakeYandex;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let app: Awaited<ReturnType<typeof listen>>;
let port: number;
const sockets: Socket[] = [];

beforeAll(async () => {
  fake = await startFakeYandex();
  upstream = await startUpstream();
  const server = express();
  // Built after listen(): the redirect URI needs the port.
  const late: { oauth?: TrackerSignIn; userProxy?: ReturnType<typeof trackerProxy>; userAuth?: ReturnType<typeof trackerAuth> } = {};
  server.use((req, res, next) => (late.oauth ? late.oauth(req, res, next) : next()));
  server.use('/svc/api/tracker', trackerProxy({ auth: staticAuth(), authorize: () => true, trackerUrl: upstream.url, maxBodyBytes: 64 * 1024 }));
  server.use('/api/tracker', (req, res, next) => late.userProxy!(req, res, next));
  server.use('/me', (req, res, next) => late.userAuth!(req, res, next));
  server.all('/me', (_req, res) => void res.json({ ok: true }));
  app = await listen(server);
  port = Number(new URL(app.url).port);
  fake.oauth.registerApp({ clientId: 'bad-input', clientSecret: 'bad-input-secret', redirectUris: [`${app.url}/auth/callback`] });
  const oauth = trackerSignIn({
    clientId: 'bad-input',
    clientSecret: 'bad-input-secret',
    redirectUri: `${app.url}/auth/callback`,
    org: { orgId: fake.demo.orgId },
    sessionSecret: 'x'.repeat(32) + '-bad-input-session-secret',
    oauthUrl: fake.url,
  });
  late.oauth = oauth;
  late.userProxy = trackerProxy({ user: oauth, trackerUrl: fake.url });
  late.userAuth = trackerAuth({ user: oauth, client: { trackerUrl: fake.url } });
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});
afterAll(async () => {
  await app?.close();
  await upstream?.close();
  await fake?.close();
});

const open = () => openRawConnection(port, { track: (socket) => void sockets.push(socket) });

/** One request on its own connection; the raw answer once the server closed it. */
async function send(head: string): Promise<string> {
  const client = await open();
  client.socket.write(`${head}\r\nConnection: close\r\n\r\n`);
  await client.closed;
  return client.text();
}

const ROUTES = ['/svc/api/tracker/v3/myself', '/api/tracker/v3/myself', '/me', '/auth/sign-in', '/auth/callback?code=1&state=2', '/auth/sign-out'];

describe('bad client input on every route', () => {
  it.each(ROUTES)('TRACE %s → 405 with Allow, no stack', async (path) => {
    const answer = await send(`TRACE ${path} HTTP/1.1\r\nHost: app.test`);
    expect(answer).toMatch(/^HTTP\/1\.1 405 /);
    expect(answer).toMatch(/\r\nallow: GET, HEAD, POST/i);
    expect(answer).not.toMatch(/node_modules|\/src\//);
  });

  it.each(ROUTES)('TRACK and CONNECT %s are refused by Node before the app: 400 or a closed connection, never 5xx', async (path) => {
    expect(await send(`TRACK ${path} HTTP/1.1\r\nHost: app.test`)).toMatch(/^HTTP\/1\.1 400 /);
    expect(await send(`CONNECT ${path} HTTP/1.1\r\nHost: app.test`)).not.toMatch(/^HTTP\/1\.1 5/);
  });

  it.each(ROUTES.flatMap((path) => ['evil.example:99999', '[::1'].map((host) => [path, host] as const)))(
    '%s with Host: %s → 400, never 500',
    async (path, host) => {
      const method = path === '/auth/sign-out' ? 'POST' : 'GET';
      const answer = await send(`${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 0`);
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    },
  );

  it('answers the proxy refusals as core JSON (405 with the bridge methods, 400 BAD_REQUEST)', async () => {
    expect(await send('TRACE /svc/api/tracker/v3/myself HTTP/1.1\r\nHost: app.test')).toContain('"METHOD_NOT_ALLOWED"');
    expect(await send('GET /svc/api/tracker/v3/myself HTTP/1.1\r\nHost: [::1')).toContain('"BAD_REQUEST"');
    expect(upstream.seen).toHaveLength(0);
  });
});

describe('uploads end at the limit through trackerProxy', () => {
  it('closes the connection within 1 s after a 413 on an endless chunked body, < 1 MB sent past the answer', async () => {
    const client = await open();
    client.socket.write('POST /svc/api/tracker/v3/issues HTTP/1.1\r\nHost: app.test\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
    const upload = pumpEndlessChunkedBody(client.socket);
    await client.until('PAYLOAD_TOO_LARGE');
    const answeredAt = Date.now();
    const sentAtAnswer = upload.sent();
    expect(await client.closed).toBeLessThan(answeredAt + 1000);
    expect(client.text()).toMatch(/^HTTP\/1\.1 413 /);
    expect(upload.sent() - sentAtAnswer).toBeLessThan(1024 * 1024);
  });

  it('answers a 4 MB body to a refused path; the next request on a new connection is answered', async () => {
    const client = await open();
    const size = 4 * 1024 * 1024;
    client.socket.write(`POST /svc/api/tracker/v1/admin HTTP/1.1\r\nHost: app.test\r\nContent-Length: ${size}\r\n\r\n`);
    client.socket.write(Buffer.alloc(size, 'y'));
    await client.until('PATH_NOT_ALLOWED');
    await client.closed;
    expect(await send('GET /svc/api/tracker/v3/myself HTTP/1.1\r\nHost: app.test')).toMatch(/^HTTP\/1\.1 200 /);
  });
});
