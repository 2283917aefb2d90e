/**
 * Regression suite: client errors that reach API consumers (adapters answer with the message)
 * name the operation and the path, never Tracker's origin; the full URL stays on the error's
 * `url` for server logs. A 2xx whose body is not JSON is a typed InvalidResponseError from
 * `.json()`, not a bare SyntaxError.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeYandex } from '@tracker-auth/testing';
import { AbortedError, InvalidResponseError, NetworkError, TimeoutError, TrackerHttpError, httpStatusForError, isInvalidResponseError } from '../../src/errors.js';
import { createTrackerAuth } from '../../src/auth.js';
import { createTrackerClient } from '../../src/client/tracker-client.js';
import { oauthToken } from '../../src/tokens/static-tokens.js';
import { sendJson, startLocalServer, type LocalServer } from '../oauth/local-server.js';

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const auth = () => createTrackerAuth({ credentials: oauthToken('y0_AgAAAAExampleClientToken'), org: { orgId: '1234567' } });

describe('messages name the path, the error keeps the URL', () => {
  it('a 422 reads "Tracker answered HTTP 422: POST /v3/issues"; `url` is the full URL', async () => {
    server = await startLocalServer((_req, res) => sendJson(res, 422, { errors: {}, errorMessages: [], statusCode: 422 }));
    const tracker = createTrackerClient(auth(), { trackerUrl: server.url });
    const error = await tracker.post('issues', { json: { queue: 'TEST' }, searchParams: { expand: 'x' } }).json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrackerHttpError);
    expect((error as Error).message).toBe('Tracker answered HTTP 422: POST /v3/issues');
    expect((error as TrackerHttpError).url).toBe(`${server.url}/v3/issues?expand=x`);
  });

  it('a network failure names the path only, with the URL on the error', async () => {
    server = await startLocalServer((_req, res) => {
      res.destroy();
    });
    const url = server.url;
    const tracker = createTrackerClient(auth(), { trackerUrl: url, retry: { limit: 0 } });
    const error = await tracker.get('myself').json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toBe('Tracker request failed (network error): GET /v3/myself');
    expect((error as NetworkError).url).toBe(`${url}/v3/myself`);
  });
});

describe('`url` is a field of NetworkError, TimeoutError and AbortedError (query secrets redacted)', () => {
  it('a timeout and an abort against the fake, and a dropped connection: `url` on the error and in toJSON()', async () => {
    const fake = await startFakeYandex();
    try {
      const tracker = createTrackerClient(createTrackerAuth({ credentials: oauthToken(fake.demo.oauthToken), org: { orgId: fake.demo.orgId } }), {
        trackerUrl: fake.url,
        timeoutMs: 200,
        retry: { limit: 0 },
      });
      fake.faults.inject('tracker', { delayMs: 1000 });
      const searchParams = { access_token: 'y0_LeakedInTheQuery', perPage: '5' };
      const timedOut = await tracker.get('myself', { searchParams }).json().catch((e: unknown) => e);
      expect(timedOut).toBeInstanceOf(TimeoutError);
      const expected = `${fake.url}/v3/myself?access_token=%5BREDACTED%5D&perPage=5`;
      expect((timedOut as TimeoutError).url).toBe(expected);
      expect((timedOut as TimeoutError).toJSON()).toEqual({ name: 'TimeoutError', code: 'TIMEOUT', message: 'Tracker request timed out after 200 ms: GET /v3/myself', url: expected });

      fake.faults.inject('tracker', { delayMs: 1000 });
      const aborted = await tracker.get('myself', { searchParams, signal: AbortSignal.timeout(50) }).json().catch((e: unknown) => e);
      expect(aborted).toBeInstanceOf(AbortedError);
      expect((aborted as AbortedError).url?.startsWith(`${fake.url}/v3/myself`)).toBe(true);
      expect(JSON.stringify([timedOut, aborted])).not.toContain('LeakedInTheQuery');
    } finally {
      await fake.close();
    }
    server = await startLocalServer((_req, res) => {
      res.destroy();
    });
    const dropped = await createTrackerClient(auth(), { trackerUrl: server.url, retry: { limit: 0 } })
      .get('myself', { searchParams: { client_secret: 'LeakedSecret' } })
      .json()
      .catch((e: unknown) => e);
    expect(dropped).toBeInstanceOf(NetworkError);
    expect((dropped as NetworkError).url).toBe(`${server.url}/v3/myself?client_secret=%5BREDACTED%5D`);
    expect(JSON.parse(JSON.stringify(dropped))).toMatchObject({ code: 'NETWORK_ERROR', url: `${server.url}/v3/myself?client_secret=%5BREDACTED%5D` });
    expect(JSON.stringify(dropped)).not.toContain('LeakedSecret');
  });
});

describe('malformed JSON', () => {
  it('a 200 with an HTML body: .json() rejects with InvalidResponseError (502), not SyntaxError', async () => {
    server = await startLocalServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html>proxy error</html>');
    });
    const tracker = createTrackerClient(auth(), { trackerUrl: server.url });
    const error = await tracker.get('myself').json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(isInvalidResponseError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE', reason: 'not-json', status: 200, method: 'GET', url: `${server.url}/v3/myself` });
    expect((error as Error).message).toBe('Tracker answered HTTP 200 with a body that is not JSON: GET /v3/myself');
    expect(httpStatusForError(error)).toBe(502);
  });
});
