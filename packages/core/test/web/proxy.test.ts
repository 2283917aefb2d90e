import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError, SignInRequiredError, TokenExchangeError } from '../../src/errors.js';
import type { TrackerAuth, TrackerHeaders } from '../../src/types.js';
import type { TrackerProxyOptions } from '../../src/web/proxy.js';
import { TRANSPORTS, closeTransports, proxyOn, type TransportName } from './proxy-transports.js';
import { startUpstream, type UpstreamServer } from './upstream-server.js';

let upstream: UpstreamServer;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  await closeTransports();
  await upstream.close();
});

/** The transport of the block running now (set by each `describe.each` block's beforeAll). */
let transport: TransportName = 'fetch';
const make = (options: TrackerProxyOptions) => proxyOn(transport, options);
beforeEach(() => {
  upstream.seen.length = 0;
  upstream.validTokens.clear();
  upstream.validTokens.add('good');
});

/** A TrackerAuth over a token that can be swapped: `invalidate` moves to `next`. */
function testAuth(token = 'good', next = 'good') {
  let current = token;
  const calls = { headers: 0, invalidate: [] as Array<string | undefined> };
  const auth = {
    org: { orgId: '123' },
    credentials: { kind: 'oauth', id: 'test', getToken: async () => ({ token: current, kind: 'oauth' as const }) },
    async headers(): Promise<TrackerHeaders> {
      calls.headers++;
      return { Authorization: `OAuth ${current}`, 'X-Org-ID': '123' };
    },
    async invalidate(authorization?: string) {
      calls.invalidate.push(authorization);
      current = next;
    },
  } satisfies TrackerAuth;
  return { auth, calls };
}

function proxyWith(overrides: Partial<TrackerProxyOptions> = {}) {
  const { auth, calls } = testAuth();
  const proxy = make({
    auth,
    authorize: () => true,
    basePath: '/api/tracker',
    trackerUrl: upstream.url,
    ...overrides,
  });
  return { proxy, calls };
}

const APP = 'http://app.example';

async function errorOf(response: Response) {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return body.error;
}

describe.each(TRANSPORTS)('createTrackerProxy rules on the %s transport', (name) => {
  beforeAll(() => {
    transport = name;
  });
  /** Requests a web `Request` can carry but HTTP cannot: over a socket the parser frames the body by Content-Length. */
  const webOnly = new Set(['lying Content-Length', 'malformed Content-Length']);

  describe('construction', () => {
    const { auth } = testAuth();
    it('refuses to be created without authorize or allowAnonymous', () => {
      expect(() => make({ auth })).toThrow(ConfigurationError);
      try {
        make({ auth });
      } catch (error) {
        expect((error as ConfigurationError).field).toBe('authorize');
        expect((error as Error).message).toMatch(/allowAnonymous: true/);
      }
    });
    it('accepts an explicit anonymous opt-in', () => {
      expect(typeof make({ auth, allowAnonymous: true })).toBe('function');
    });
    it.each<[string, Partial<TrackerProxyOptions>, string]>([
      ['auth missing', { auth: undefined as never }, 'auth'],
      ['allowAnonymous not true', { allowAnonymous: 'yes' as never, authorize: undefined }, 'allowAnonymous'],
      ['unknown method', { methods: ['GET', 'TRACE'] }, 'methods'],
      ['empty methods', { methods: [] }, 'methods'],
      ['relative allow path', { allowPaths: ['v3/'] }, 'allowPaths'],
      ['dot segment allow path', { allowPaths: ['/v3/../admin'] }, 'allowPaths'],
      ['basePath without slash', { basePath: 'api' }, 'basePath'],
      ['negative maxBodyBytes', { maxBodyBytes: -1 }, 'maxBodyBytes'],
      ['zero timeout', { timeoutMs: 0 }, 'timeoutMs'],
      ['forward Authorization', { requestHeaders: ['Authorization'] }, 'requestHeaders'],
      ['forward Cookie', { requestHeaders: ['cookie'] }, 'requestHeaders'],
      ['pass back Set-Cookie', { responseHeaders: ['Set-Cookie'] }, 'responseHeaders'],
      ['trackerUrl with query', { trackerUrl: 'https://api.tracker.yandex.net/?x=1' }, 'trackerUrl'],
      ['trackerUrl not http', { trackerUrl: 'file:///etc/passwd' }, 'trackerUrl'],
    ])('rejects %s at construction', (_name, overrides, field) => {
      try {
        make({ auth, authorize: () => true, ...overrides });
        expect.unreachable('should have thrown');
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigurationError);
        expect((error as ConfigurationError).field).toBe(field);
      }
    });
  });

  describe('bad input never reaches Tracker', () => {
    type Case = [name: string, request: () => Request, status: number, code: string, path?: string];
    const cases: Case[] = [
      ['raw ../ traversal', () => new Request(`${APP}/api/tracker/v2/x`), 400, 'BAD_PATH', '/v2/../admin'],
      ['raw ./ segment', () => new Request(`${APP}/api/tracker/v2/x`), 400, 'BAD_PATH', '/v2/./myself'],
      ['raw trailing ..', () => new Request(`${APP}/api/tracker/v2/x`), 400, 'BAD_PATH', '/v2/..'],
      ['../ resolved by URL parsing out of the mount', () => new Request(`${APP}/api/tracker/v2/../../admin`), 404, 'NOT_FOUND'],
      ['../ resolved out of the allowed prefixes', () => new Request(`${APP}/api/tracker/v2/../oauth/token`), 404, 'PATH_NOT_ALLOWED'],
      ['%2e%2e raw', () => new Request(`${APP}/api/tracker/v2/x`), 400, 'BAD_PATH', '/v2/%2e%2e/admin'],
      ['%2E%2E%2F', () => new Request(`${APP}/api/tracker/v2/%2E%2E%2Fadmin`), 400, 'BAD_PATH'],
      ['..%2f', () => new Request(`${APP}/api/tracker/v2/..%2fadmin`), 400, 'BAD_PATH'],
      ['%252e%252e (double encoding)', () => new Request(`${APP}/api/tracker/v2/%252e%252e/admin`), 400, 'BAD_PATH'],
      ['..; (servlet path parameter)', () => new Request(`${APP}/api/tracker/v3/issues/..;/..;/v1/x`), 400, 'BAD_PATH'],
      ['%3b (encoded ;)', () => new Request(`${APP}/api/tracker/v3/issues/..%3b/x`), 400, 'BAD_PATH'],
      ['%5c (encoded backslash)', () => new Request(`${APP}/api/tracker/v2/..%5cadmin`), 400, 'BAD_PATH'],
      ['raw backslash', () => new Request(`${APP}/api/tracker/v2/x`), 400, 'BAD_PATH', '/v2\\..\\admin'],
      ['protocol-relative //evil.example', () => new Request(`${APP}/api/tracker//evil.example/v3/myself`), 400, 'BAD_PATH'],
      ['raw //evil.example', () => new Request(`${APP}/api/tracker/v2/x`), 400, 'BAD_PATH', '//evil.example/v3/myself'],
      ['absolute URL in the path', () => new Request(`${APP}/api/tracker/http://evil.example/v3/myself`), 400, 'BAD_PATH'],
      ['raw absolute URL', () => new Request(`${APP}/api/tracker/v2/x`), 400, 'BAD_PATH', 'http://evil.example/v3/myself'],
      ['encoded scheme slashes', () => new Request(`${APP}/api/tracker/https:%2f%2fevil.example`), 400, 'BAD_PATH'],
      ['encoded CR/LF', () => new Request(`${APP}/api/tracker/v2/x%0d%0aHost:%20evil.example`), 400, 'BAD_PATH'],
      ['encoded NUL', () => new Request(`${APP}/api/tracker/v2/x%00`), 400, 'BAD_PATH'],
      ['empty segment', () => new Request(`${APP}/api/tracker/v2//myself`), 400, 'BAD_PATH'],
      ['bare mount', () => new Request(`${APP}/api/tracker`), 400, 'BAD_PATH'],
      ['outside the mount', () => new Request(`${APP}/other/v3/myself`), 404, 'NOT_FOUND'],
      ['mount name prefix only', () => new Request(`${APP}/api/trackers/v3/myself`), 404, 'NOT_FOUND'],
      ['version not allowed', () => new Request(`${APP}/api/tracker/v1/myself`), 404, 'PATH_NOT_ALLOWED'],
      ['prefix look-alike', () => new Request(`${APP}/api/tracker/v22/myself`), 404, 'PATH_NOT_ALLOWED'],
      ['DELETE not allowed by default', () => new Request(`${APP}/api/tracker/v3/myself`, { method: 'DELETE' }), 405, 'METHOD_NOT_ALLOWED'],
      ['PUT not allowed by default', () => new Request(`${APP}/api/tracker/v3/myself`, { method: 'PUT', body: '{}' }), 405, 'METHOD_NOT_ALLOWED'],
      ['OPTIONS', () => new Request(`${APP}/api/tracker/v3/myself`, { method: 'OPTIONS' }), 405, 'METHOD_NOT_ALLOWED'],
      [
        'declared oversize body',
        () => new Request(`${APP}/api/tracker/v2/echo`, { method: 'POST', body: 'x'.repeat(2048), headers: { 'content-type': 'text/plain' } }),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [
        'chunked oversize body without Content-Length',
        () =>
          new Request(`${APP}/api/tracker/v2/echo`, {
            method: 'POST',
            body: new ReadableStream({
              start(controller) {
                for (let i = 0; i < 5; i++) controller.enqueue(new Uint8Array(512));
                controller.close();
              },
            }),
            duplex: 'half',
          } as RequestInit),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [
        'lying Content-Length',
        () => new Request(`${APP}/api/tracker/v2/echo`, { method: 'POST', body: 'x'.repeat(2048), headers: { 'content-length': '10' } }),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [
        'malformed Content-Length',
        () => new Request(`${APP}/api/tracker/v2/echo`, { method: 'POST', body: 'x', headers: { 'content-length': '1, 2' } }),
        400,
        'BAD_REQUEST',
      ],
    ];

    it.each(cases.filter(([caseName]) => name === 'fetch' || !webOnly.has(caseName)))('%s', async (_name, makeRequest, status, code, path) => {
      const { proxy, calls } = proxyWith({ maxBodyBytes: 1024 });
      const response = await proxy(makeRequest(), path === undefined ? undefined : { path });
      expect(response.status).toBe(status);
      const error = await errorOf(response);
      expect(error.code).toBe(code);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('allow')).toBe(status === 405 ? 'GET, HEAD, POST, PATCH' : null);
      expect(upstream.seen).toHaveLength(0);
      expect(calls.headers).toBe(0);
    });

    it('answers 403 and forwards nothing when authorize says no', async () => {
      const { proxy, calls } = proxyWith({ authorize: () => false });
      const response = await proxy(new Request(`${APP}/api/tracker/v3/myself`));
      expect(response.status).toBe(403);
      expect((await errorOf(response)).code).toBe('FORBIDDEN');
      expect(upstream.seen).toHaveLength(0);
      expect(calls.headers).toBe(0);
    });

    // Over HTTP the client sends its body unasked; the Node transport's counterpart is in proxy-over-http.test.ts.
    it.skipIf(name === 'node')('does not read the body before authorize allowed the request', async () => {
      let pulled = false;
      const { proxy } = proxyWith({ authorize: async () => false });
      const body = new ReadableStream(
        {
          pull(controller) {
            pulled = true;
            controller.close();
          },
        },
        { highWaterMark: 0 },
      );
      const response = await proxy(new Request(`${APP}/api/tracker/v2/echo`, { method: 'POST', body, duplex: 'half' } as RequestInit));
      expect(response.status).toBe(403);
      expect(pulled).toBe(false);
    });
  });

  describe('forwarding', () => {
    it('forwards a GET with its query, adds server credentials and strips the caller’s', async () => {
      const { proxy } = proxyWith();
      const response = await proxy(
        new Request(`${APP}/api/tracker/v3/myself?expand=all&q=%2e%2e`, {
          headers: {
            authorization: 'OAuth attacker',
            cookie: 'tracker_session=secret',
            'x-org-id': '999',
            'accept-language': 'ru',
            accept: 'application/json',
            'x-forwarded-for': '10.0.0.1',
          },
        }),
      );
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ login: 'demo' });
      expect(upstream.seen).toHaveLength(1);
      const seen = upstream.seen[0]!;
      expect(seen.url).toBe('/v3/myself?expand=all&q=%2e%2e');
      expect(seen.headers.authorization).toBe('OAuth good');
      expect(seen.headers['x-org-id']).toBe('123');
      expect(seen.headers.cookie).toBeUndefined();
      expect(seen.headers['accept-language']).toBe('ru');
      expect(seen.headers['x-forwarded-for']).toBeUndefined();
      expect(seen.headers.host).toBe(new URL(upstream.url).host);
    });

    it('passes status, body and pagination headers back; drops Set-Cookie and unknown headers; rewrites Link', async () => {
      const { proxy } = proxyWith();
      const response = await proxy(new Request(`${APP}/api/tracker/v3/myself`));
      expect(response.headers.get('x-total-count')).toBe('42');
      expect(response.headers.get('x-total-pages')).toBe('3');
      expect(response.headers.get('x-scroll-id')).toBe('scroll-1');
      expect(response.headers.get('x-scroll-token')).toBe('scroll-token-1');
      expect(response.headers.get('etag')).toBe('"v1"');
      expect(response.headers.get('link')).toBe('</api/tracker/v3/myself?page=2>; rel="next"');
      expect(response.headers.get('set-cookie')).toBeNull();
      expect(response.headers.get('x-internal-secret')).toBeNull();
      expect(response.headers.get('cache-control')).toBe('no-store');
    });

    it('uses the adapter’s public mount path for Link rewriting', async () => {
      const { proxy } = proxyWith({ basePath: undefined });
      const response = await proxy(new Request(`${APP}/mounted/v3/myself`), { path: '/v3/myself', basePath: '/mounted' });
      expect(response.status).toBe(200);
      expect(response.headers.get('link')).toBe('</mounted/v3/myself?page=2>; rel="next"');
    });

    it('forwards a POST body with its content type', async () => {
      const { proxy } = proxyWith();
      const response = await proxy(
        new Request(`${APP}/api/tracker/v2/echo?x=1`, {
          method: 'POST',
          body: JSON.stringify({ summary: 'Hi' }),
          headers: { 'content-type': 'application/json' },
        }),
      );
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ method: 'POST', url: '/v2/echo?x=1', body: '{"summary":"Hi"}', contentType: 'application/json' });
    });

    it('does not let Transfer-Encoding or Connection smuggle or drop headers', async () => {
      const { proxy } = proxyWith();
      const response = await proxy(
        new Request(`${APP}/api/tracker/v2/echo`, {
          method: 'POST',
          body: 'abc',
          headers: {
            'transfer-encoding': 'chunked',
            connection: 'X-Org-ID, keep-alive',
            te: 'trailers',
            upgrade: 'websocket',
            'content-type': 'text/plain',
          },
        }),
      );
      expect(response.status).toBe(201);
      const seen = upstream.seen[0]!;
      expect(seen.body).toBe('abc');
      expect(seen.headers['x-org-id']).toBe('123');
      expect(seen.headers.connection).not.toMatch(/x-org-id/i);
      expect(seen.headers.upgrade).toBeUndefined();
      expect(seen.headers.te).toBeUndefined();
      expect(seen.headers['transfer-encoding']).toBeUndefined();
      expect(seen.headers['content-length']).toBe('3');
    });

    it('accepts a chunked body within the limit', async () => {
      const { proxy } = proxyWith({ maxBodyBytes: 1024 });
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('a'.repeat(600)));
          controller.enqueue(new TextEncoder().encode('b'.repeat(424)));
          controller.close();
        },
      });
      const response = await proxy(new Request(`${APP}/api/tracker/v2/echo`, { method: 'POST', body, duplex: 'half' } as RequestInit));
      expect(response.status).toBe(201);
      expect(upstream.seen[0]!.body).toBe('a'.repeat(600) + 'b'.repeat(424));
    });

    it('streams large response bodies', async () => {
      const { proxy } = proxyWith();
      const response = await proxy(new Request(`${APP}/api/tracker/v2/big`));
      expect(response.status).toBe(200);
      expect((await response.text()).length).toBe(32 * 64 * 1024);
    });

    it('answers HEAD and 204 without a body', async () => {
      const { proxy } = proxyWith();
      const head = await proxy(new Request(`${APP}/api/tracker/v3/myself`, { method: 'HEAD' }));
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
      const none = await proxy(new Request(`${APP}/api/tracker/v2/no-content`));
      expect(none.status).toBe(204);
    });

    it('does not follow upstream redirects and rewrites a Tracker Location to the proxy', async () => {
      const { proxy } = proxyWith();
      const response = await proxy(new Request(`${APP}/api/tracker/v2/redirect`));
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/api/tracker/v2/echo');
      expect(upstream.seen).toHaveLength(1);
    });

    it('passes Tracker errors through with their status and body', async () => {
      const { proxy } = proxyWith();
      const response = await proxy(new Request(`${APP}/api/tracker/v3/missing`));
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ errorMessages: ['Not found'] });
    });
  });

  describe('401 replay', () => {
    it('invalidates once and replays the same request, body included', async () => {
      const { auth, calls } = testAuth('stale', 'good');
      const proxy = make({ auth, allowAnonymous: true, trackerUrl: upstream.url });
      const response = await proxy(new Request(`${APP}/v2/echo`, { method: 'POST', body: 'payload', headers: { 'content-type': 'text/plain' } }));
      expect(response.status).toBe(201);
      expect(calls.invalidate).toEqual(['OAuth stale']);
      expect(upstream.seen.map((r) => [r.headers.authorization, r.body])).toEqual([
        ['OAuth stale', 'payload'],
        ['OAuth good', 'payload'],
      ]);
    });

    it('passes the 401 back without a replay when invalidate() resolves false (forced-refresh cooldown)', async () => {
      const { auth, calls } = testAuth('stale', 'stale');
      const cooling: TrackerAuth = {
        ...auth,
        async invalidate(authorization?: string) {
          await auth.invalidate(authorization);
          return false;
        },
      };
      const proxy = make({ auth: cooling, allowAnonymous: true, trackerUrl: upstream.url });
      const response = await proxy(new Request(`${APP}/v2/echo`, { method: 'POST', body: 'payload' }));
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ errorMessages: expect.any(Array) });
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(calls.invalidate).toEqual(['OAuth stale']);
      expect(upstream.seen).toHaveLength(1);
    });

    it('replays at most once: a second 401 is passed back', async () => {
      const { auth, calls } = testAuth('stale', 'also-stale');
      const proxy = make({ auth, allowAnonymous: true, trackerUrl: upstream.url });
      const response = await proxy(new Request(`${APP}/v3/myself`));
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBeNull();
      expect(calls.invalidate).toHaveLength(1);
      expect(upstream.seen).toHaveLength(2);
    });
  });

  describe('failures become JSON errors without secrets', () => {
    it('maps SignInRequiredError from a per-request auth to 401', async () => {
      const proxy = make({
        auth: () => {
          throw new SignInRequiredError('Sign in with Yandex first.');
        },
        authorize: () => true,
        trackerUrl: upstream.url,
      });
      const response = await proxy(new Request(`${APP}/v3/myself`));
      expect(response.status).toBe(401);
      expect(await errorOf(response)).toEqual({ code: 'SIGN_IN_REQUIRED', message: 'Sign in with Yandex first.' });
      expect(upstream.seen).toHaveLength(0);
    });

    it('maps a failing credential to 502 and reports it to onError', async () => {
      const reported: unknown[] = [];
      const { auth } = testAuth();
      const broken: TrackerAuth = {
        ...auth,
        headers: async () => {
          throw new TokenExchangeError('IAM token exchange failed: POST https://iam.example/iam/v1/tokens', { source: 'iam', status: 400 });
        },
      };
      const proxy = make({ auth: broken, allowAnonymous: true, trackerUrl: upstream.url, onError: (e) => reported.push(e) });
      const response = await proxy(new Request(`${APP}/v3/myself`));
      expect(response.status).toBe(502);
      expect((await errorOf(response)).code).toBe('TOKEN_EXCHANGE_FAILED');
      expect(reported).toHaveLength(1);
    });

    it('maps an unexpected exception to a bare 500 without message or stack', async () => {
      const proxy = make({
        auth: () => {
          throw new Error('db password is hunter2');
        },
        allowAnonymous: true,
        trackerUrl: upstream.url,
      });
      const response = await proxy(new Request(`${APP}/v3/myself`));
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).not.toContain('hunter2');
      expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'Internal error' } });
    });

    it('answers 502 NETWORK_ERROR when Tracker cannot be reached, without leaking the token', async () => {
      const dead = await startUpstream();
      await dead.close();
      const { proxy } = proxyWith({ trackerUrl: dead.url });
      const response = await proxy(new Request(`${APP}/api/tracker/v3/myself`));
      expect(response.status).toBe(502);
      const text = await response.text();
      expect(JSON.parse(text).error.code).toBe('NETWORK_ERROR');
      expect(text).not.toContain('good');
    });

    it('answers 504 TIMEOUT when Tracker does not answer in time', async () => {
      const { proxy } = proxyWith({ timeoutMs: 200 });
      const response = await proxy(new Request(`${APP}/api/tracker/v2/hang`));
      expect(response.status).toBe(504);
      expect((await errorOf(response)).code).toBe('TIMEOUT');
    });

    it('adds the Set-Cookie of a per-request UserAuth (rotated tokens) to the response', async () => {
      const { auth } = testAuth();
      const proxy = make({
        auth: async () => ({ auth, cookies: [{ name: 'tracker_session', value: 'new', options: {} }] }),
        authorize: () => true,
        trackerUrl: upstream.url,
      });
      const response = await proxy(new Request(`${APP}/v3/myself`));
      expect(response.status).toBe(200);
      expect(response.headers.get('set-cookie')).toBe('tracker_session=new; Path=/; HttpOnly; SameSite=Lax');
    });

    it('allows DELETE and PUT when opted in', async () => {
      const { proxy } = proxyWith({ methods: ['GET', 'DELETE', 'PUT'] });
      const response = await proxy(new Request(`${APP}/api/tracker/v2/echo`, { method: 'DELETE' }));
      expect(response.status).toBe(201);
      expect(upstream.seen[0]!.method).toBe('DELETE');
    });
  });
});
