import { isConfigurationError, oauthToken } from '@tracker-auth/core';
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import type { NextFunction, Request, Response } from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { trackerAuth, trackerErrorHandler } from '../src/index.js';
import { EXPRESS_MAJOR, express, expressVersion, listen } from './express.js';
import { thrownBy } from './thrown.js';

let fake: FakeYandex;
let app: Awaited<ReturnType<typeof listen>>;

/** Express 4 does not catch rejected promises of handlers; this works on both majors. */
const route = (handler: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
  handler(req, res).catch(next);
};

beforeAll(async () => {
  fake = await startFakeYandex();
  const server = express();
  server.use(
    trackerAuth({
      credentials: oauthToken(fake.demo.oauthToken),
      org: { orgId: fake.demo.orgId },
      client: { trackerUrl: fake.url, retry: { limit: 0 } },
    }),
  );
  server.get(
    '/me',
    route(async (req, res) => {
      // req.tracker is typed by the package's Request augmentation.
      const me = await req.tracker!.verifyAccess();
      res.json({ login: me.login });
    }),
  );
  server.get(
    '/queues',
    route(async (req, res) => {
      res.json(await req.tracker!.client.get('queues').json());
    }),
  );
  server.get(
    '/headers',
    route(async (req, res) => {
      const headers = await req.tracker!.headers();
      res.json({ scheme: headers.Authorization.split(' ')[0], org: headers['X-Org-ID'] });
    }),
  );
  server.post(
    '/issues',
    route(async (req, res) => {
      res.json(await req.tracker!.client.post('issues', { json: { queue: 'NOSUCHQUEUE', summary: 'From Express' } }).json());
    }),
  );
  server.use(trackerErrorHandler());
  app = await listen(server);
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});
beforeEach(() => {
  fake.faults.clear();
  fake.calls.reset();
});

describe('test matrix', () => {
  it(`runs against Express ${EXPRESS_MAJOR}`, () => {
    expect(expressVersion.split('.')[0]).toBe(EXPRESS_MAJOR);
  });
});

describe('trackerAuth: service mode', () => {
  it('gives every request req.tracker with a working client, headers and verifyAccess', async () => {
    const me = await fetch(`${app.url}/me`);
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ login: fake.demo.user.login });

    const queues = (await (await fetch(`${app.url}/queues`)).json()) as Array<{ key: string }>;
    expect(queues.map((q) => q.key)).toContain('TEST');

    expect(await (await fetch(`${app.url}/headers`)).json()).toEqual({ scheme: 'OAuth', org: fake.demo.orgId });
    expect(fake.calls.count('tracker')).toBe(2);
  });

  it('turns upstream trouble into typed errors with sensible statuses, never a crash', async () => {
    fake.faults.inject('tracker', { status: 503, times: 1 });
    const unavailable = await fetch(`${app.url}/me`);
    expect(unavailable.status).toBe(503);
    expect(((await unavailable.json()) as { error: { code: string } }).error.code).toBe('HTTP_ERROR');

    fake.faults.inject('tracker', { drop: true, times: 1 });
    const dropped = await fetch(`${app.url}/me`);
    expect(dropped.status).toBe(502);
    expect(((await dropped.json()) as { error: { code: string } }).error.code).toBe('NETWORK_ERROR');

    // Still serving afterwards.
    expect((await fetch(`${app.url}/me`)).status).toBe(200);
  });

  it("answers Tracker's 422 with its field errors as details, without Tracker's address", async () => {
    const res = await fetch(`${app.url}/issues`, { method: 'POST' });
    expect(res.status).toBe(422);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      error: {
        code: 'HTTP_ERROR',
        message: 'Tracker answered HTTP 422: POST /v3/issues: queue: Queue does not exist',
        details: { errors: { queue: 'Queue does not exist' }, errorMessages: [] },
      },
    });
    expect(text).not.toContain(new URL(fake.url).host);
  });

  it('answers 401 when Tracker keeps refusing the credential, without leaking it', async () => {
    fake.faults.inject('tracker', { status: 401, times: 2 });
    const res = await fetch(`${app.url}/me`);
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe('UNAUTHORIZED');
    expect(text).not.toContain(fake.demo.oauthToken);
  });
});

describe('trackerAuth: options are validated when the middleware is created', () => {
  const cases: Array<[string, () => unknown, string]> = [
    ['no options', () => trackerAuth(undefined as never), 'options'],
    ['neither credentials nor user', () => trackerAuth({}), 'credentials'],
    ['auth and credentials together', () => trackerAuth({ auth: {} as never, credentials: oauthToken('y0_x'), org: { orgId: '1' } }), 'auth'],
    ['credentials without org', () => trackerAuth({ credentials: oauthToken('y0_x') }), 'org'],
    ['a bad client trackerUrl', () => trackerAuth({ credentials: oauthToken('y0_x'), org: { orgId: '1' }, client: { trackerUrl: 'nope' } }), 'trackerUrl'],
    ['user that is not trackerSignIn()', () => trackerAuth({ user: (() => undefined) as never }), 'user'],
  ];
  it.each(cases)('%s → ConfigurationError', (_name, create, field) => {
    const error = thrownBy(create);
    expect(isConfigurationError(error)).toBe(true);
    expect((error as { field: string }).field).toContain(field);
  });
});
