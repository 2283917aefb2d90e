/**
 * The Tracker client's own behaviour against a scripted local server: headers, the 401
 * replay, retries, error mapping. `auth` here is a small hand-written TrackerAuth so each
 * case controls exactly which token is current; the real token sources are exercised
 * against the fake Yandex in tracker-client-fake.test.ts.
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AbortedError,
  ConfigurationError,
  NetworkError,
  TimeoutError,
  TrackerHttpError,
  UnauthorizedError,
} from '../../src/errors.js';
import { createTrackerClient } from '../../src/client/tracker-client.js';
import { verifyAccess } from '../../src/client/verify-access.js';
import type { TrackerAuth, TrackerHeaders } from '../../src/types.js';
import { sendJson, startLocalServer, type Handler, type LocalServer } from '../oauth/local-server.js';

const NOT_AUTHORIZED = { errors: {}, errorMessages: ['Not authorized'], statusCode: 401 };

/** A TrackerAuth whose token number goes up on every invalidate of the current token. */
function countingAuth() {
  let generation = 1;
  const invalidated: Array<string | undefined> = [];
  const auth: TrackerAuth & { invalidated: typeof invalidated; generation(): number } = {
    org: { orgId: '1234567' },
    credentials: { kind: 'oauth', id: 'test', getToken: async () => ({ token: `token-${generation}`, kind: 'oauth' }) },
    async headers(): Promise<TrackerHeaders> {
      return { Authorization: `OAuth token-${generation}`, 'X-Org-ID': '1234567' };
    },
    async invalidate(authorization?: string) {
      invalidated.push(authorization);
      if (authorization === `OAuth token-${generation}`) generation++;
    },
    invalidated,
    generation: () => generation,
  };
  return auth;
}

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
async function serve(handler: Handler): Promise<LocalServer> {
  server = await startLocalServer(handler);
  return server;
}
const printed = (error: unknown) => [String((error as Error).message), JSON.stringify(error), inspect(error, { depth: 6 })].join('\n');

describe('createTrackerClient', () => {
  it('sends auth and org headers under /v3/ by default, /v2/ on request, keeping a path prefix', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, { ok: true }));
    const auth = countingAuth();
    await createTrackerClient(auth, { trackerUrl: s.url, headers: { 'Accept-Language': 'en' } }).get('issues/TEST-1').json();
    await createTrackerClient(auth, { trackerUrl: `${s.url}/proxy/`, apiVersion: 'v2' }).get('myself').json();
    expect(s.requests.map((r) => r.path)).toEqual(['/v3/issues/TEST-1', '/proxy/v2/myself']);
    expect(s.requests[0]!.headers.authorization).toBe('OAuth token-1');
    expect(s.requests[0]!.headers['x-org-id']).toBe('1234567');
    expect(s.requests[0]!.headers['accept-language']).toBe('en');
  });

  it('on a 401 invalidates the rejected token and replays once, re-sending a POST body', async () => {
    const s = await serve((req, res) => {
      if (req.headers.authorization === 'OAuth token-1') sendJson(res, 401, NOT_AUTHORIZED);
      else sendJson(res, 201, { key: 'TEST-9', echo: JSON.parse(req.body) as unknown });
    });
    const auth = countingAuth();
    const created = await createTrackerClient(auth, { trackerUrl: s.url })
      .post('issues', { json: { queue: 'TEST', summary: 'hello' } })
      .json<{ key: string; echo: unknown }>();
    expect(created).toEqual({ key: 'TEST-9', echo: { queue: 'TEST', summary: 'hello' } });
    expect(auth.invalidated).toEqual(['OAuth token-1']);
    expect(s.requests.map((r) => [r.method, r.headers.authorization, r.body])).toEqual([
      ['POST', 'OAuth token-1', '{"queue":"TEST","summary":"hello"}'],
      ['POST', 'OAuth token-2', '{"queue":"TEST","summary":"hello"}'],
    ]);
  });

  it('turns a second 401 into UnauthorizedError without looping or leaking the token', async () => {
    const s = await serve((_req, res) => sendJson(res, 401, NOT_AUTHORIZED));
    const auth = countingAuth();
    const error = await createTrackerClient(auth, { trackerUrl: s.url }).get('myself').json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error).toBeInstanceOf(TrackerHttpError);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401, method: 'GET', errorMessages: ['Not authorized'] });
    expect((error as Error).message).toMatch(/: GET \/v3\/myself: Not authorized$/);
    expect((error as TrackerHttpError).url).toBe(`${s.url}/v3/myself`);
    expect(s.requests).toHaveLength(2);
    expect(printed(error)).not.toMatch(/token-\d/);
  });

  it('shares one invalidation among concurrent 401s with the same token', async () => {
    const s = await serve((req, res) => {
      if (req.headers.authorization === 'OAuth token-1') sendJson(res, 401, NOT_AUTHORIZED);
      else sendJson(res, 200, { ok: true });
    });
    const auth = countingAuth();
    const client = createTrackerClient(auth, { trackerUrl: s.url });
    await Promise.all(Array.from({ length: 20 }, () => client.get('myself').json()));
    expect(auth.generation()).toBe(2);
    expect(s.requests.filter((r) => r.headers.authorization === 'OAuth token-2')).toHaveLength(20);
  });

  it('retries 429 and 503 honouring Retry-After, for POST too', async () => {
    let n = 0;
    const s = await serve((_req, res) => {
      n++;
      if (n === 1) sendJson(res, 429, { errorMessages: ['Too many requests'] }, { 'Retry-After': '0' });
      else if (n === 2) sendJson(res, 503, 'busy', { 'Retry-After': '0' });
      else sendJson(res, 201, { key: 'TEST-1' });
    });
    const result = await createTrackerClient(countingAuth(), { trackerUrl: s.url }).post('issues', { json: { summary: 'x' } }).json();
    expect(result).toEqual({ key: 'TEST-1' });
    expect(s.requests.map((r) => r.body)).toEqual(Array(3).fill('{"summary":"x"}'));
  });

  it('gives up at once when Retry-After exceeds maxRetryAfterMs', async () => {
    const s = await serve((_req, res) => sendJson(res, 429, { errorMessages: ['slow down'] }, { 'Retry-After': '120' }));
    const error = await createTrackerClient(countingAuth(), { trackerUrl: s.url, retry: { maxRetryAfterMs: 1000 } })
      .get('myself')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TrackerHttpError', status: 429, errorMessages: ['slow down'] });
    expect(s.requests).toHaveLength(1);
  });

  it('retries a 500 for GET but never for POST', async () => {
    const s = await serve((_req, res) => sendJson(res, 500, { errorMessages: ['boom'] }));
    const client = createTrackerClient(countingAuth(), { trackerUrl: s.url, retry: { limit: 1 } });
    const post = await client.post('issues', { json: {} }).catch((e: unknown) => e);
    expect(post).toMatchObject({ name: 'TrackerHttpError', status: 500, method: 'POST' });
    expect(s.requests).toHaveLength(1);
    await expect(client.get('myself')).rejects.toMatchObject({ status: 500 });
    expect(s.requests).toHaveLength(3);
  });

  it('with retry.limit 0 still replays a 401 once but retries nothing else', async () => {
    let n = 0;
    const s = await serve((req, res) => {
      n++;
      if (req.headers.authorization === 'OAuth token-1') sendJson(res, 401, NOT_AUTHORIZED);
      else if (n === 2) sendJson(res, 200, { ok: true });
      else sendJson(res, 503, { errorMessages: ['busy'] }, { 'Retry-After': '0' });
    });
    const client = createTrackerClient(countingAuth(), { trackerUrl: s.url, retry: { limit: 0 } });
    expect(await client.get('myself').json()).toEqual({ ok: true });
    await expect(client.get('myself')).rejects.toMatchObject({ status: 503 });
    expect(s.requests).toHaveLength(3);
  });

  it('maps Tracker error bodies: errorCode 620345 for an unknown org', async () => {
    const s = await serve((_req, res) =>
      sendJson(res, 403, { errors: {}, errorMessages: ['Organization is not available, not ready or not found'], errorCode: 620345 }),
    );
    const error = await verifyAccess(createTrackerClient(countingAuth(), { trackerUrl: s.url })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TrackerHttpError', code: 'HTTP_ERROR', status: 403, errorCode: 620345 });
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ status: 403, errorCode: 620345, method: 'GET' });
    expect(printed(error)).not.toContain('token-1');
  });

  it('maps a timeout to TimeoutError and an abort to AbortedError', async () => {
    const s = await serve(() => {
      /* never answers */
    });
    const client = createTrackerClient(countingAuth(), { trackerUrl: s.url, timeoutMs: 100 });
    const timeout = await client.get('myself').json().catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(TimeoutError);
    expect((timeout as Error).message).toMatch(/: GET \/v3\/myself$/);
    expect((timeout as TimeoutError & { url: string }).url).toBe(`${s.url}/v3/myself`);
    expect(printed(timeout)).not.toContain('token-1');

    const controller = new AbortController();
    const pending = createTrackerClient(countingAuth(), { trackerUrl: s.url }).get('myself', { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
  });

  it('maps a refused connection to NetworkError', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, {}));
    const url = s.url;
    await s.close();
    server = undefined;
    const error = await createTrackerClient(countingAuth(), { trackerUrl: url, retry: { limit: 0 } }).get('myself').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(printed(error)).not.toContain('token-1');
  });

  it('verifyAccess returns the current user', async () => {
    const s = await serve((req, res) =>
      sendJson(res, 200, { self: `${s.url}/v2/users/42`, uid: 42, login: 'alice', display: 'Alice', path: req.path }),
    );
    const me = await verifyAccess(createTrackerClient(countingAuth(), { trackerUrl: s.url }));
    expect(me).toMatchObject({ uid: 42, login: 'alice', path: '/v3/myself' });
  });

  it('rejects bad options at construction', () => {
    const auth = countingAuth();
    const bad: Array<[unknown, string]> = [
      [{ trackerUrl: 'api.tracker.yandex.net' }, 'trackerUrl'],
      [{ trackerUrl: 'ftp://x' }, 'trackerUrl'],
      [{ apiVersion: 'v4' }, 'apiVersion'],
      [{ timeoutMs: 0 }, 'timeoutMs'],
      [{ retry: { limit: -1 } }, 'retry.limit'],
      [{ retry: { maxRetryAfterMs: Number.NaN } }, 'retry.maxRetryAfterMs'],
      [{ headers: { Authorization: 'OAuth x' } }, 'headers.Authorization'],
    ];
    for (const [options, field] of bad) {
      let caught: unknown;
      try {
        createTrackerClient(auth, options as never);
      } catch (error) {
        caught = error;
      }
      expect(caught, field).toBeInstanceOf(ConfigurationError);
      expect(caught).toMatchObject({ field });
    }
    expect(() => createTrackerClient({} as never)).toThrow(ConfigurationError);
  });
});
