/**
 * Requests a web `Request` cannot carry (TRACE, a malformed Host) on every route the module
 * serves or backs: the sign-in routes and a controller using the signed-in user's client.
 * Raw sockets, so each request is sent exactly as written; answers are 4xx, never 500.
 */
import { Controller, Get, Module } from '@nestjs/common';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InjectTrackerUserClient, TrackerAuthModule, type TrackerClient } from '../src/index.js';
import { startApp, useFake, type RunningApp } from './helpers.js';

const fake = useFake();

@Controller('user')
class UserController {
  constructor(@InjectTrackerUserClient() private readonly tracker: TrackerClient) {}

  @Get('me')
  me() {
    return this.tracker.get('myself').json();
  }
}

let running: RunningApp;
beforeAll(async () => {
  const { app } = fake().demo;
  @Module({
    imports: [
      TrackerAuthModule.forRoot({
        signInRoutes: true,
        org: { orgId: fake().demo.orgId },
        client: { trackerUrl: fake().url },
        user: {
          clientId: app.clientId,
          clientSecret: app.clientSecret,
          redirectUri: app.redirectUri,
          sessionSecret: 'test-session-secret-0123456789-abcdef',
          oauthUrl: fake().url,
        },
      }),
    ],
    controllers: [UserController],
  })
  class AppModule {}
  running = await startApp(AppModule);
});
afterAll(() => running.close());

/** One raw request on its own connection; the raw answer once the server closed it. */
function send(head: string): Promise<string> {
  const { port } = new URL(running.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(`${head}\r\nConnection: close\r\n\r\n`));
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(data));
  });
}

const SIGN_IN_ROUTES = ['/auth/sign-in', '/auth/callback?code=1&state=2', '/auth/sign-out'];
const ROUTES = [...SIGN_IN_ROUTES, '/user/me'];

describe('bad client input on every route of the module', () => {
  it.each(SIGN_IN_ROUTES)('TRACE %s → 405 with Allow', async (path) => {
    const answer = await send(`TRACE ${path} HTTP/1.1\r\nHost: app.test`);
    expect(answer).toMatch(/^HTTP\/1\.1 405 /);
    expect(answer).toMatch(/\r\nallow: GET, HEAD, POST/i);
    expect(answer).toContain('"METHOD_NOT_ALLOWED"');
  });

  it('TRACE on an app route the module backs is a 4xx (Nest routes GET only there)', async () => {
    expect(await send('TRACE /user/me HTTP/1.1\r\nHost: app.test')).toMatch(/^HTTP\/1\.1 4\d\d /);
  });

  it.each(ROUTES)('TRACK and CONNECT %s are refused by Node before the app: 400 or a closed connection, never 5xx', async (path) => {
    expect(await send(`TRACK ${path} HTTP/1.1\r\nHost: app.test`)).toMatch(/^HTTP\/1\.1 400 /);
    expect(await send(`CONNECT ${path} HTTP/1.1\r\nHost: app.test`)).not.toMatch(/^HTTP\/1\.1 5/);
  });

  it.each(ROUTES.flatMap((path) => ['evil.example:99999', '[::1'].map((host) => [path, host] as const)))(
    '%s with Host: %s → 400 BAD_REQUEST, never 500',
    async (path, host) => {
      const method = path === '/auth/sign-out' ? 'POST' : 'GET';
      const answer = await send(`${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 0`);
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).toContain('"BAD_REQUEST"');
    },
  );

  it('still answers a wrong but carriable method on a sign-in route with core 405 (GET /auth/sign-out)', async () => {
    const answer = await send('GET /auth/sign-out HTTP/1.1\r\nHost: app.test');
    expect(answer).toMatch(/^HTTP\/1\.1 405 /);
    expect(answer).toMatch(/\r\nallow: POST\r\n/i);
  });
});
