/**
 * The proxy route over a real Nest app (listen on port 0) and the fake Yandex: forwarding with
 * the module's credential, core's refusals as sent (raw traversal, disallowed paths and
 * methods, oversize bodies), Link rewriting under a global prefix, and bootstrap errors.
 */
import { request as httpRequest } from 'node:http';
import { Body, Controller, Module, Post } from '@nestjs/common';
import { isConfigurationError, oauthToken } from '@tracker-auth/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrackerAuthModule, createTrackerProxyController, type TrackerProxyRouteOptions } from '../src/index.js';
import { ValueBrowser } from '@tracker-auth-tools/test-harness';
import { createApp, platform, startApp, useFake, userModeApp, type RunningApp } from './helpers.js';

const fake = useFake();
let running: RunningApp | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});
beforeEach(() => fake().calls.reset());

function appModule(route: TrackerProxyRouteOptions, withCredentials = true) {
  @Module({
    imports: [
      TrackerAuthModule.forRoot({
        org: { orgId: fake().demo.orgId },
        ...(withCredentials ? { credentials: oauthToken(fake().demo.oauthToken) } : {}),
        ...(withCredentials
          ? {}
          : {
              user: {
                clientId: 'app',
                clientSecret: 'secret-secret',
                redirectUri: 'http://127.0.0.1:3000/auth/callback',
                sessionSecret: 'a-session-secret-of-at-least-32-bytes!',
                oauthUrl: fake().url,
              },
            }),
      }),
    ],
    controllers: [createTrackerProxyController({ trackerUrl: fake().url, ...route })],
  })
  class AppModule {}
  return AppModule;
}

/** A raw request line, so nothing normalizes the path before the app sees it. */
function send(base: string, method: string, target: string, body?: string): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path: target, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('createTrackerProxyController', () => {
  it('forwards with the module credential and rewrites Tracker links under a global prefix', async () => {
    const app = await createApp(appModule({ allowAnonymous: true }));
    app.setGlobalPrefix('app');
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    running = { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
    const res = await send(running.url, 'GET', '/app/api/tracker/v3/myself');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).login).toBe(fake().demo.user.login);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(fake().calls.count('tracker')).toBe(1);
  });

  it.each([
    ['GET', '/api/tracker/v2/../../oauth/token', 400],
    ['GET', '/api/tracker/v3/%2e%2e/%2e%2e/iam/v1/tokens', 400],
    ['GET', '/api/tracker//evil.example/v3/myself', 400],
    ['GET', '/api/tracker/iam/v1/tokens', 404],
    ['DELETE', '/api/tracker/v3/issues/TEST-1', 405],
    ['TRACE', '/api/tracker/v3/myself', 405],
  ])('%s %s → %i, nothing reaches Tracker', async (method, target, status) => {
    running = await startApp(appModule({ allowAnonymous: true }));
    const res = await send(running.url, method, target);
    expect(res.status).toBe(status);
    expect(fake().calls.count('tracker') + fake().calls.count('oauth.token') + fake().calls.count('iam.tokens')).toBe(0);
  });

  it('refuses an oversize body with 413 before anything is sent', async () => {
    running = await startApp(appModule({ allowAnonymous: true, maxBodyBytes: 16 }));
    const res = await send(running.url, 'POST', '/api/tracker/v3/issues', 'x'.repeat(17));
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(fake().calls.count('tracker')).toBe(0);
  });

  it.each(['application/json', 'application/vnd.tracker-test+json'])('forwards a POST body sent as %s (parsed by the platform or not)', async (type) => {
    running = await startApp(appModule({ allowAnonymous: true, allowPaths: ['/v3/issues'] }));
    const res = await fetch(`${running.url}/api/tracker/v3/issues`, {
      method: 'POST',
      headers: { 'content-type': type },
      body: JSON.stringify({ queue: 'TEST', summary: `sent as ${type}` }),
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { summary: string }).summary).toBe(`sent as ${type}`);
    expect(fake().calls.count('tracker')).toBe(1);
  });

  it.runIf(platform === 'fastify')('on Fastify, leaves body parsing of the app’s other routes as Fastify does it', async () => {
    @Controller('echo')
    class EchoController {
      @Post() echo(@Body() body: unknown) {
        return { got: body };
      }
    }
    @Module({ imports: [appModule({ allowAnonymous: true, allowPaths: ['/v3/issues'] })], controllers: [EchoController] })
    class WithEcho {}
    running = await startApp(WithEcho);
    const post = (type: string) => fetch(`${running!.url}/echo`, { method: 'POST', headers: { 'content-type': type }, body: '{"a":1}' });
    expect(await (await post('application/json')).json()).toEqual({ got: { a: 1 } });
    // A content type without a parser: still Fastify's 415, the catch-all only serves the proxy.
    const unsupported = await post('application/vnd.tracker-test+json');
    expect(unsupported.status).toBe(415);
    expect(await unsupported.text()).toContain('Unsupported Media Type');
    expect(fake().calls.count('tracker')).toBe(0);
  });

  it('asks authorize with the Node request: false → 403', async () => {
    running = await startApp(appModule({ authorize: (req) => req.headers['x-let-me-in'] === 'yes' }));
    expect((await send(running.url, 'GET', '/api/tracker/v3/myself')).status).toBe(403);
    expect(fake().calls.count('tracker')).toBe(0);
  });

  it('in user mode the default gate (sameOriginSignedIn) refuses a signed-out request', async () => {
    running = await startApp(appModule({}, false));
    const res = await send(running.url, 'GET', '/api/tracker/v3/myself');
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text).error.code).toBe('FORBIDDEN');
    expect(fake().calls.count('tracker')).toBe(0);
  });

  it("in user mode behind a reverse proxy, the route builds request URLs with the module's trustProxy", async () => {
    const { listenPort, url, user } = await userModeApp(fake(), 'a-session-secret-of-at-least-32-bytes!');
    @Module({
      imports: [
        TrackerAuthModule.forRoot({
          signInRoutes: true,
          org: { orgId: fake().demo.orgId },
          trustProxy: true,
          user,
        }),
      ],
      // No baseUrl / trustProxy of its own: the module's apply.
      controllers: [createTrackerProxyController({ trackerUrl: fake().url })],
    })
    class ProxiedModule {}
    running = await startApp(ProxiedModule, listenPort);
    const browser = new ValueBrowser();
    await browser.follow(`${url}/auth/sign-in`);
    const session = browser.cookies(url).get('tracker_session');
    expect(session).toBeTruthy();
    // What the app's page at https://app.example.com sends through the TLS-terminating proxy.
    const res = await fetch(`${url}/api/tracker/v3/myself`, {
      headers: {
        cookie: `tracker_session=${session}`,
        origin: 'https://app.example.com',
        'x-forwarded-host': 'app.example.com',
        'x-forwarded-proto': 'https',
      },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ login: fake().demo.user.login });
  });

  it.each<[string, TrackerProxyRouteOptions, string]>([
    ['a path with dot segments', { path: 'api/../x', allowAnonymous: true }, 'path'],
    ['an unknown mode', { as: 'admin' as never, allowAnonymous: true }, 'as'],
    ['a route parameter', { path: 'api/:tracker', allowAnonymous: true }, 'path'],
    ['a wildcard', { path: 'api/tracker*', allowAnonymous: true }, 'path'],
    ['a regex group', { path: 'api/(tracker)', allowAnonymous: true }, 'path'],
  ])('refuses %s at once', (_name, options, field) => {
    try {
      createTrackerProxyController(options);
      expect.unreachable('should have thrown');
    } catch (error) {
      expect(isConfigurationError(error)).toBe(true);
      expect((error as { field: string }).field).toBe(field);
    }
  });

  it('fails bootstrap without authorize or allowAnonymous', async () => {
    const error = await createApp(appModule({})).then(
      async (app) => {
        await app.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(isConfigurationError(error)).toBe(true);
    expect((error as { field: string }).field).toBe('authorize');
  });
});
