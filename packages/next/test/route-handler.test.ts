/**
 * createTrackerRouteHandler with plain web Request objects, as Next hands them to a route
 * handler: the bad-input corpus (traversal, encodings, methods, headers, sizes, gates) against
 * a real local HTTP server standing in for Tracker.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTrackerAuth, isConfigurationError, oauthToken } from '@tracker-auth/core';
import { createTrackerRouteHandler, type TrackerRouteHandlers } from '../src/index.js';
import { startRecordingTracker, type RecordingTracker } from './recording-tracker.js';

const TOKEN = 'y0_route-handler-test-token-0123456789abcdefghijklmnopqrstuvwxyz';
const APP = 'http://app.test';
let tracker: RecordingTracker;
let handlers: TrackerRouteHandlers;

const auth = () => createTrackerAuth({ credentials: oauthToken(TOKEN), org: { orgId: '1234567' } });

beforeAll(async () => {
  tracker = await startRecordingTracker();
  handlers = createTrackerRouteHandler({ auth: auth(), allowAnonymous: true, trackerUrl: tracker.url, maxBodyBytes: 1024 });
});
afterAll(() => tracker.close());
beforeEach(() => {
  tracker.requests.length = 0;
});

async function errorCode(response: Response): Promise<string> {
  const body = (await response.json()) as { error: { code: string } };
  return body.error.code;
}

describe('createTrackerRouteHandler: forwarding', () => {
  it('exports a handler for every method of a catch-all route', () => {
    expect(Object.keys(handlers).sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
  });

  it('forwards /api/tracker/<path> to Tracker with the server credential and org header', async () => {
    const response = await handlers.GET(new Request(`${APP}/api/tracker/v3/issues/TEST-1?expand=links`));
    expect(response.status).toBe(200);
    expect(tracker.requests).toHaveLength(1);
    const [seen] = tracker.requests;
    expect(seen?.url).toBe('/v3/issues/TEST-1?expand=links');
    expect(seen?.headers.authorization).toBe(`OAuth ${TOKEN}`);
    expect(seen?.headers['x-org-id']).toBe('1234567');
  });

  it('forwards a JSON body with POST and PATCH', async () => {
    const body = JSON.stringify({ queue: 'TEST', summary: 'x' });
    const response = await handlers.POST(
      new Request(`${APP}/api/tracker/v3/issues`, { method: 'POST', body, headers: { 'content-type': 'application/json' } }),
    );
    expect(response.status).toBe(200);
    expect(tracker.requests[0]?.body).toBe(body);
    expect(tracker.requests[0]?.headers['content-type']).toBe('application/json');
    const patched = await handlers.PATCH(new Request(`${APP}/api/tracker/v3/issues/TEST-1`, { method: 'PATCH', body: '{}' }));
    expect(patched.status).toBe(200);
    expect(tracker.requests[1]?.method).toBe('PATCH');
  });

  it('ignores the second argument Next passes ({ params }) and routes by the URL only', async () => {
    const nextContext = { params: Promise.resolve({ path: ['..', '..', 'admin'] }) };
    const handler = handlers.GET as unknown as (r: Request, c: unknown) => Promise<Response>;
    const response = await handler(new Request(`${APP}/api/tracker/v3/myself`), nextContext);
    expect(response.status).toBe(200);
    expect(tracker.requests[0]?.url).toBe('/v3/myself');
  });

  it('strips credentials and cookies the browser sends, and upstream Set-Cookie / unknown headers', async () => {
    const response = await handlers.GET(
      new Request(`${APP}/api/tracker/v3/issues`, {
        headers: {
          authorization: 'OAuth stolen-or-forged',
          cookie: 'tracker_session=sealed-value',
          'x-org-id': '999',
          'x-cloud-org-id': 'bpfattackerattacker0',
          'x-forwarded-for': '10.0.0.1',
          'accept-language': 'ru',
        },
      }),
    );
    const seen = tracker.requests[0]!;
    expect(seen.headers.authorization).toBe(`OAuth ${TOKEN}`);
    expect(seen.headers['x-org-id']).toBe('1234567');
    expect(seen.headers['x-cloud-org-id']).toBeUndefined();
    expect(seen.headers.cookie).toBeUndefined();
    expect(seen.headers['x-forwarded-for']).toBeUndefined();
    expect(seen.headers['accept-language']).toBe('ru');
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(response.headers.get('x-internal')).toBeNull();
    expect(response.headers.get('x-total-count')).toBe('1');
    // Tracker's own URLs in Link point back at the proxy route, not at Tracker.
    expect(response.headers.get('link')).toBe('</api/tracker/v3/issues?page=2>; rel="next"');
  });
});

describe('createTrackerRouteHandler: bad-input corpus', () => {
  // Each raw path is appended to the app origin exactly as a client could send it. Paths that
  // the URL parser resolves (../) end up outside /api/tracker; encoded ones are refused.
  const corpus: Array<[name: string, path: string, status: number, code: string]> = [
    ['dot-dot segments (resolved by the URL parser, outside the route)', '/api/tracker/v3/../../admin', 404, 'NOT_FOUND'],
    ['dot-dot inside the allowed prefix', '/api/tracker/v3/issues/../../v1/x', 404, 'PATH_NOT_ALLOWED'],
    // WHATWG URL parsing treats %2e as a dot in dot segments, so these resolve like ../ does.
    ['encoded dot-dot', '/api/tracker/v3/%2e%2e/%2e%2e/admin', 404, 'NOT_FOUND'],
    ['mixed-case encoded dot-dot', '/api/tracker/v3/%2E%2e/%2e%2E/admin', 404, 'NOT_FOUND'],
    ['half-encoded dot-dot', '/api/tracker/v3/.%2e/.%2e/admin', 404, 'NOT_FOUND'],
    ['encoded dot-dot inside a segment', '/api/tracker/v3/issues/a%2e%2e/x', 400, 'BAD_PATH'],
    ['encoded slash', '/api/tracker/v3/issues%2F..%2F..%2Fadmin', 400, 'BAD_PATH'],
    ['double-encoded dot-dot', '/api/tracker/v3/%252e%252e/admin', 400, 'BAD_PATH'],
    ['encoded backslash', '/api/tracker/v3/issues%5c..%5cadmin', 400, 'BAD_PATH'],
    ['empty segment (//host)', '/api/tracker/v3//evil.example/x', 400, 'BAD_PATH'],
    ['NUL byte', '/api/tracker/v3/issues%00', 400, 'BAD_PATH'],
    ['CRLF header injection', '/api/tracker/v3/issues/%0d%0aX-Injected:%201', 400, 'BAD_PATH'],
    ['DEL control character', '/api/tracker/v3/issues%7f', 400, 'BAD_PATH'],
    ['version outside the allow-list', '/api/tracker/v1/issues', 404, 'PATH_NOT_ALLOWED'],
    ['non-API path', '/api/tracker/admin', 404, 'PATH_NOT_ALLOWED'],
    ['prefix look-alike (v3x)', '/api/tracker/v3x/issues', 404, 'PATH_NOT_ALLOWED'],
    ['the bare mount point', '/api/tracker', 400, 'BAD_PATH'],
    ['another route sharing the prefix', '/api/trackerX/v3/myself', 404, 'NOT_FOUND'],
  ];

  it.each(corpus)('%s: %s → %i %s, nothing forwarded', async (_name, path, status, code) => {
    const response = await handlers.GET(new Request(`${APP}${path}`));
    expect(response.status).toBe(status);
    expect(await errorCode(response)).toBe(code);
    expect(tracker.requests).toHaveLength(0);
  });

  it.each([
    ['DELETE', 'DELETE'],
    ['PUT', 'PUT'],
    ['OPTIONS', 'OPTIONS'],
  ] as const)('%s is not allowed by default → 405 with Allow', async (method, key) => {
    const response = await handlers[key](new Request(`${APP}/api/tracker/v3/issues/TEST-1`, { method }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD, POST, PATCH');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(tracker.requests).toHaveLength(0);
  });

  it('refuses a body over maxBodyBytes with 413 before anything is sent (declared length)', async () => {
    const response = await handlers.POST(new Request(`${APP}/api/tracker/v3/issues`, { method: 'POST', body: 'x'.repeat(2048) }));
    expect(response.status).toBe(413);
    expect(await errorCode(response)).toBe('PAYLOAD_TOO_LARGE');
    expect(tracker.requests).toHaveLength(0);
  });

  it('refuses a streamed body without Content-Length once it passes the limit', async () => {
    const chunk = new TextEncoder().encode('y'.repeat(600));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk);
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const request = new Request(`${APP}/api/tracker/v3/issues`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(request.headers.get('content-length')).toBeNull();
    const response = await handlers.POST(request);
    expect(response.status).toBe(413);
    expect(tracker.requests).toHaveLength(0);
  });

  it('answers a failing upstream with a JSON error that holds no credential', async () => {
    const down = createTrackerRouteHandler({ auth: auth(), allowAnonymous: true, trackerUrl: 'http://127.0.0.1:1' });
    const response = await down.GET(new Request(`${APP}/api/tracker/v3/myself`));
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(text).toContain('NETWORK_ERROR');
    expect(text).not.toContain(TOKEN);
  });
});

describe('createTrackerRouteHandler: gates', () => {
  it('forwards nothing when authorize says no (403) or throws (500, no detail)', async () => {
    const no = createTrackerRouteHandler({ auth: auth(), authorize: () => false, trackerUrl: tracker.url });
    const denied = await no.GET(new Request(`${APP}/api/tracker/v3/myself`));
    expect(denied.status).toBe(403);
    expect(await errorCode(denied)).toBe('FORBIDDEN');

    const broken = createTrackerRouteHandler({
      auth: auth(),
      authorize: () => {
        throw new Error(`db down, token ${TOKEN}`);
      },
      trackerUrl: tracker.url,
    });
    const failed = await broken.GET(new Request(`${APP}/api/tracker/v3/myself`));
    expect(failed.status).toBe(500);
    expect(await failed.text()).not.toContain(TOKEN);
    expect(tracker.requests).toHaveLength(0);
  });

  it('passes the request to authorize, so it can read the session cookie', async () => {
    const seen: string[] = [];
    const gated = createTrackerRouteHandler({
      auth: auth(),
      authorize: (request) => {
        seen.push(request.headers.get('cookie') ?? '');
        return request.headers.get('cookie') === 'ok=1';
      },
      trackerUrl: tracker.url,
    });
    expect((await gated.GET(new Request(`${APP}/api/tracker/v3/myself`))).status).toBe(403);
    expect((await gated.GET(new Request(`${APP}/api/tracker/v3/myself`, { headers: { cookie: 'ok=1' } }))).status).toBe(200);
    expect(seen).toEqual(['', 'ok=1']);
  });

  it('honours basePath and custom allow-lists', async () => {
    const custom = createTrackerRouteHandler({
      auth: auth(),
      allowAnonymous: true,
      trackerUrl: tracker.url,
      basePath: '/internal/yt',
      methods: ['GET', 'DELETE'],
      allowPaths: ['/v3/issues'],
    });
    expect((await custom.DELETE(new Request(`${APP}/internal/yt/v3/issues/TEST-1`, { method: 'DELETE' }))).status).toBe(200);
    expect((await custom.GET(new Request(`${APP}/internal/yt/v3/myself`))).status).toBe(404);
    expect((await custom.GET(new Request(`${APP}/api/tracker/v3/issues`))).status).toBe(404);
    expect(tracker.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['DELETE /v3/issues/TEST-1']);
  });
});

describe('createTrackerRouteHandler: options are validated at construction', () => {
  const cases: Array<[name: string, field: string, options: unknown]> = [
    ['neither authorize nor allowAnonymous', 'authorize', { auth: auth() }],
    ['both auth and user', 'user', { auth: auth(), user: { flow: {} }, allowAnonymous: true }],
    ['user that is not sign-in routes', 'user', { user: { flow: {} } }],
    ['no credential at all', 'auth', { allowAnonymous: true }],
    ['basePath with dot segments', 'basePath', { auth: auth(), allowAnonymous: true, basePath: '/api/../x' }],
    ['unknown method', 'methods', { auth: auth(), allowAnonymous: true, methods: ['TRACE'] }],
    ['Authorization in requestHeaders', 'requestHeaders', { auth: auth(), allowAnonymous: true, requestHeaders: ['Authorization'] }],
    ['negative maxBodyBytes', 'maxBodyBytes', { auth: auth(), allowAnonymous: true, maxBodyBytes: -1 }],
    ['trackerUrl with credentials', 'trackerUrl', { auth: auth(), allowAnonymous: true, trackerUrl: 'https://u:p@tracker.example' }],
  ];

  it.each(cases)('%s → ConfigurationError naming %s', (_name, field, options) => {
    let caught: unknown;
    try {
      createTrackerRouteHandler(options as never);
    } catch (error) {
      caught = error;
    }
    expect(isConfigurationError(caught)).toBe(true);
    expect((caught as { field: string }).field).toBe(field);
  });
});
