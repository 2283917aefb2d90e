import { Body, Controller, Get, Module, Param, Post, type DynamicModule } from '@nestjs/common';
import { iamFromOAuthToken, oauthToken } from '@tracker-auth/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackerAuthModule, TrackerService, type TrackerAuthModuleExtras } from '../src/index.js';
import { startApp, useFake, type RunningApp } from './helpers.js';

const fake = useFake();

@Controller()
class TrackerController {
  constructor(private readonly tracker: TrackerService) {}

  @Get('me')
  me() {
    return this.tracker.verifyAccess();
  }

  @Get('issues/:key')
  issue(@Param('key') key: string) {
    return this.tracker.client.get(`issues/${encodeURIComponent(key)}`).json();
  }

  @Post('issues')
  create(@Body() body: unknown) {
    return this.tracker.client.post('issues', { json: body }).json();
  }

  @Get('boom')
  boom() {
    throw new Error('a plain bug, not a tracker-auth error');
  }
}

function appWith(tracker: DynamicModule) {
  @Module({ imports: [tracker], controllers: [TrackerController] })
  class AppModule {}
  return AppModule;
}

describe('401 → refresh → replay through the module client (IAM from an OAuth token)', () => {
  let running: RunningApp;
  const events: string[] = [];
  beforeAll(async () => {
    running = await startApp(
      appWith(
        TrackerAuthModule.forRoot({
          credentials: iamFromOAuthToken({ oauthToken: fake().demo.oauthToken, iamUrl: fake().url }),
          org: { cloudOrgId: fake().demo.cloudOrgId },
          client: { trackerUrl: fake().url },
          onEvent: (event) => events.push(event.type),
        }),
      ),
    );
  });
  afterAll(() => running.close());

  it('a revoked IAM token is replaced once and the call replayed', async () => {
    expect((await fetch(`${running.url}/me`)).status).toBe(200);
    const tracker = running.app.get(TrackerService);
    const before = (await tracker.headers()).Authorization;
    expect(before).toMatch(/^Bearer t1\./);
    expect(fake().revoke(before.slice('Bearer '.length))).toBe(true);
    fake().calls.reset();

    const res = await fetch(`${running.url}/me`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ login: fake().demo.user.login });
    expect(fake().calls.count('iam.tokens')).toBe(1);
    expect(fake().requests.filter((r) => r.endpoint === 'tracker').map((r) => r.status)).toEqual([401, 200]);
    expect((await tracker.headers()).Authorization).not.toBe(before);
    // The module's onEvent reaches the credential and its client: the forced refresh and the replay.
    expect(events).toEqual(expect.arrayContaining(['refresh.start', 'refresh.end', 'request.unauthorized-replay']));
  });
});

describe('tracker-auth errors → HTTP answers (TrackerExceptionFilter)', () => {
  let running: RunningApp;
  let revokedApp: RunningApp;
  let unfiltered: RunningApp;
  const revoked = () => fake().oauth.issueToken({ scopes: ['tracker:read', 'tracker:write'] }).accessToken;
  const options = (token: string, extras: TrackerAuthModuleExtras = {}) => ({
    credentials: oauthToken(token),
    org: { orgId: fake().demo.orgId },
    client: { trackerUrl: fake().url, timeoutMs: 300, retry: { limit: 0 } },
    ...extras,
  });
  let revokedToken: string;

  beforeAll(async () => {
    running = await startApp(appWith(TrackerAuthModule.forRoot(options(fake().demo.oauthToken))));
    revokedToken = revoked();
    fake().revoke(revokedToken);
    revokedApp = await startApp(appWith(TrackerAuthModule.forRoot(options(revokedToken))));
    unfiltered = await startApp(appWith(TrackerAuthModule.forRoot(options(fake().demo.oauthToken, { exceptionFilter: false }))));
  });
  afterAll(async () => {
    await Promise.all([running.close(), revokedApp.close(), unfiltered.close()]);
  });

  async function answer(res: Response) {
    const text = await res.text();
    expect(text).not.toContain(fake().demo.oauthToken);
    expect(text).not.toContain(revokedToken);
    expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack
    return { status: res.status, body: JSON.parse(text) as unknown, cacheControl: res.headers.get('cache-control') };
  }

  it("Tracker's 404 passes through", async () => {
    expect(await answer(await fetch(`${running.url}/issues/NOPE-404`))).toEqual({
      status: 404,
      body: { error: { code: 'HTTP_ERROR', message: expect.stringContaining('404'), details: { errors: {}, errorMessages: [expect.any(String)] } } },
      cacheControl: 'no-store',
    });
  });

  it("the answer carries core's error headers (errorAnswer): JSON, nosniff, a sandboxing CSP", async () => {
    const res = await fetch(`${running.url}/issues/NOPE-404`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
    await res.body?.cancel();
  });

  it("Tracker's 422 (validation) passes through", async () => {
    const res = await fetch(`${running.url}/issues`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ queue: 'NOPE' }),
    });
    // Tracker's field errors reach the API consumer: in the message and as `details`.
    expect(await answer(res)).toMatchObject({
      status: 422,
      body: {
        error: {
          code: 'HTTP_ERROR',
          message: 'Tracker answered HTTP 422: POST /v3/issues: queue: Queue does not exist; summary: Required field',
          details: { errors: { queue: 'Queue does not exist', summary: 'Required field' }, errorMessages: [] },
        },
      },
    });
  });

  it('a token Tracker keeps refusing → 401 UNAUTHORIZED', async () => {
    expect(await answer(await fetch(`${revokedApp.url}/me`))).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
  });

  it('Tracker too slow → 504 TIMEOUT', async () => {
    fake().faults.inject('tracker', { delayMs: 2_000 });
    expect(await answer(await fetch(`${running.url}/me`))).toMatchObject({ status: 504, body: { error: { code: 'TIMEOUT' } } });
    fake().faults.clear();
  });

  it('Tracker 503 → 503 passed through as HTTP_ERROR', async () => {
    fake().faults.inject('tracker', { status: 503, body: { errors: {}, errorMessages: ['Service unavailable'], statusCode: 503 } });
    expect(await answer(await fetch(`${running.url}/me`))).toMatchObject({ status: 503, body: { error: { code: 'HTTP_ERROR' } } });
    fake().faults.clear();
  });

  it('other errors are left to Nest (500 without details)', async () => {
    expect(await answer(await fetch(`${running.url}/boom`))).toEqual({
      status: 500,
      body: { statusCode: 500, message: 'Internal server error' },
      cacheControl: null,
    });
  });

  it('exceptionFilter: false leaves tracker-auth errors to the app (Nest answers 500)', async () => {
    expect(await answer(await fetch(`${unfiltered.url}/issues/NOPE-404`))).toMatchObject({ status: 500 });
  });
});
