import { connect } from 'node:net';
import { isConfigurationError } from '@tracker-auth/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { trackerProxy } from '../src/index.js';
import { express, listen } from './express.js';
import { raw, startUpstream, staticAuth } from './upstream.js';
import { thrownBy } from './thrown.js';

let upstream: Awaited<ReturnType<typeof startUpstream>>;
let app: Awaited<ReturnType<typeof listen>>;
let auth: ReturnType<typeof staticAuth>;

beforeAll(async () => {
  upstream = await startUpstream();
  auth = staticAuth();
  const server = express();
  // A body parser mounted before the proxy must not break it (the bridge re-serializes).
  server.use('/parsed', express.json());
  const options = {
    auth,
    authorize: (req: import('express').Request) => req.get('x-test-user') !== 'blocked',
    trackerUrl: upstream.url,
    methods: ['GET', 'POST', 'PATCH'],
    allowPaths: ['/v3/issues', '/v3/myself', '/v3/unauthorized'],
    maxBodyBytes: 1024,
  };
  server.use('/api/tracker', trackerProxy(options));
  server.use('/parsed/api/tracker', trackerProxy(options));
  app = await listen(server);
});
afterAll(async () => {
  await app.close();
  await upstream.close();
});
beforeEach(() => {
  upstream.seen.length = 0;
});

describe('trackerProxy: construction', () => {
  it('refuses to be created without authorize or an explicit anonymous opt-in', () => {
    const error = thrownBy(() => trackerProxy({ auth: staticAuth() }));
    expect(isConfigurationError(error)).toBe(true);
    expect((error as { field: string }).field).toBe('authorize');
    expect(() => trackerProxy({ auth: staticAuth(), allowAnonymous: true })).not.toThrow();
  });

  it('validates its own options at construction', () => {
    expect(() => trackerProxy({ auth: staticAuth(), allowAnonymous: true, baseUrl: 'not a url' })).toThrow(/baseUrl/);
    expect(() => trackerProxy({ auth: staticAuth(), allowAnonymous: true, methods: ['TRACE'] })).toThrow(/methods/);
    expect(() => trackerProxy({ auth: {} as never, allowAnonymous: true })).toThrow(/auth/);
  });
});

describe('trackerProxy: pass-through', () => {
  it('forwards an allowed GET with server credentials and passes status, body and pagination back', async () => {
    const res = await raw(app.url, '/api/tracker/v3/issues?page=1', { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ method: 'GET', url: '/v3/issues?page=1' });
    expect(res.headers['x-total-count']).toBe('42');
    expect(res.headers['x-total-pages']).toBe('3');
    // Tracker's own URLs in Link point back at the proxy.
    expect(res.headers.link).toBe('</api/tracker/v3/issues?page=2>; rel="next"');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['x-internal']).toBeUndefined();
    expect(upstream.seen).toHaveLength(1);
    expect(upstream.seen[0]!.headers.authorization).toBe('OAuth y0_test-token');
    expect(upstream.seen[0]!.headers['x-org-id']).toBe('1234567');
  });

  it('forwards a POST body (also when a body parser ran first)', async () => {
    for (const prefix of ['/api/tracker', '/parsed/api/tracker']) {
      const res = await raw(app.url, `${prefix}/v3/issues/_search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"filter":{"queue":"TEST"}}',
      });
      expect(res.status).toBe(201);
      expect(JSON.parse(res.json().echo)).toEqual({ filter: { queue: 'TEST' } });
    }
    expect(upstream.seen).toHaveLength(2);
  });

  it('strips incoming Authorization, Cookie, org and hop-by-hop headers', async () => {
    await raw(app.url, '/api/tracker/v3/myself', {
      headers: {
        authorization: 'OAuth y0_attacker',
        cookie: 'tracker_session=stolen',
        'x-org-id': '666',
        'x-cloud-org-id': 'evil',
        'proxy-authorization': 'Basic eA==',
        'x-forwarded-host': 'evil.example',
        connection: 'keep-alive, x-smuggle',
        'x-smuggle': '1',
      },
    });
    expect(upstream.seen).toHaveLength(1);
    const headers = upstream.seen[0]!.headers;
    expect(headers.authorization).toBe('OAuth y0_test-token');
    expect(headers['x-org-id']).toBe('1234567');
    expect(headers.cookie).toBeUndefined();
    expect(headers['x-cloud-org-id']).toBeUndefined();
    expect(headers['proxy-authorization']).toBeUndefined();
    expect(headers['x-forwarded-host']).toBeUndefined();
    expect(headers['x-smuggle']).toBeUndefined();
  });

  it('refreshes once on a Tracker 401 and then reports it', async () => {
    const before = auth.invalidations;
    const res = await raw(app.url, '/api/tracker/v3/unauthorized');
    expect(res.status).toBe(401);
    expect(auth.invalidations).toBe(before + 1);
    expect(upstream.seen).toHaveLength(2);
  });
});

describe('trackerProxy: bad-input corpus (answered locally, nothing reaches Tracker)', () => {
  const cases: Array<[string, number, string, { method?: string; path: string; headers?: Record<string, string>; body?: string; chunks?: string[] }]> = [
    ['dot-dot traversal', 400, 'BAD_PATH', { path: '/api/tracker/v3/issues/../../admin' }],
    ['traversal out of the mount', 400, 'BAD_PATH', { path: '/api/tracker/../v3/myself' }],
    ['dot segment', 400, 'BAD_PATH', { path: '/api/tracker/v3/./myself' }],
    ['encoded traversal %2e%2e', 400, 'BAD_PATH', { path: '/api/tracker/v3/issues/%2e%2e/%2e%2e/admin' }],
    ['encoded traversal %2E%2E%2F', 400, 'BAD_PATH', { path: '/api/tracker/v3/issues/%2E%2E%2Fadmin' }],
    ['encoded slash', 400, 'BAD_PATH', { path: '/api/tracker/v3/issues%2f..%2fadmin' }],
    ['encoded backslash', 400, 'BAD_PATH', { path: '/api/tracker/v3/issues/..%5cadmin' }],
    ['double-encoded traversal', 400, 'BAD_PATH', { path: '/api/tracker/v3/issues/%252e%252e/admin' }],
    ['protocol-relative URL', 400, 'BAD_PATH', { path: '/api/tracker//evil.example/v3/myself' }],
    ['absolute URL in the path', 400, 'BAD_PATH', { path: '/api/tracker/http://evil.example/v3/myself' }],
    ['encoded absolute URL', 400, 'BAD_PATH', { path: '/api/tracker/https%3A%2F%2Fevil.example%2Fv3' }],
    ['encoded control character (header injection)', 400, 'BAD_PATH', { path: '/api/tracker/v3/myself%0d%0aX-Injected:%201' }],
    ['path outside the allow-list', 404, 'PATH_NOT_ALLOWED', { path: '/api/tracker/v3/users' }],
    ['prefix lookalike', 404, 'PATH_NOT_ALLOWED', { path: '/api/tracker/v3/issues2' }],
    ['disallowed method DELETE', 405, 'METHOD_NOT_ALLOWED', { method: 'DELETE', path: '/api/tracker/v3/issues/TEST-1' }],
    ['disallowed method PUT', 405, 'METHOD_NOT_ALLOWED', { method: 'PUT', path: '/api/tracker/v3/issues/TEST-1', body: '{}' }],
    ['oversize body (Content-Length)', 413, 'PAYLOAD_TOO_LARGE', { method: 'POST', path: '/api/tracker/v3/issues', body: 'x'.repeat(4096) }],
    ['oversize chunked body', 413, 'PAYLOAD_TOO_LARGE', { method: 'POST', path: '/api/tracker/v3/issues', chunks: Array(8).fill('y'.repeat(512)) }],
    ['authorize() says no', 403, 'FORBIDDEN', { path: '/api/tracker/v3/myself', headers: { 'x-test-user': 'blocked' } }],
  ];

  it.each(cases)('%s → %i %s', async (_name, status, code, input) => {
    const res = await raw(app.url, input.path, input);
    expect(res.status).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(upstream.seen).toHaveLength(0);
  });

  it('refuses request smuggling (Content-Length + Transfer-Encoding) before the proxy runs', async () => {
    const { port } = new URL(app.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.end(
          'POST /api/tracker/v3/issues HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /api/tracker/v3/myself HTTP/1.1\r\nHost: x\r\n\r\n',
        );
      });
      let data = '';
      socket.on('data', (c) => (data += c));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(upstream.seen).toHaveLength(0);
  });

  it('rejects an absolute-form request target with 400 and forwards nothing', async () => {
    const res = await raw(app.url, 'http://evil.example/api/tracker/v3/myself');
    expect(res.status).toBe(400);
    expect(upstream.seen).toHaveLength(0);
  });
});
