/**
 * Regression suite: client errors that reach API consumers (adapters answer with the message)
 * name the operation and the path, never Tracker's origin; the full URL stays on the error's
 * `url` for server logs. A 2xx whose body is not JSON is a typed InvalidResponseError from
 * `.json()`, not a bare SyntaxError.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidResponseError, NetworkError, TrackerHttpError, httpStatusForError, isInvalidResponseError } from '../../src/errors.js';
import { createTrackerAuth } from '../../src/auth.js';
import { createTrackerClient } from '../../src/exports-client.js';
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
    expect((error as NetworkError & { url: string }).url).toBe(`${url}/v3/myself`);
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
