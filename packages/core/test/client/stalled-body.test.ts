/**
 * `timeoutMs` bounds the body reads the client does itself, not only the wait for headers.
 * ky's own `timeout` stops at the response headers (ky 1.x `utils/timeout.js` clears its
 * timer once fetch resolves), so a Tracker answer whose body never ends used to hang the
 * call forever: building the `TrackerHttpError` of a non-2xx read the body to the end, and so
 * did `.json()` / `.text()` on a 2xx.
 *
 * Decisions pinned here:
 * - an error status with a stalled body is still a `TrackerHttpError` carrying that status
 *   (with no `errorMessages`): the status is known and more useful than a `TimeoutError`;
 * - a 2xx whose body stalls under `.json()` / `.text()` is a `TimeoutError`;
 * - at most 64 KiB of an error body is read; the rest is not downloaded.
 * In every case the connection is closed (the server sees its response closed unfinished).
 *
 * The server is a bare node:http server writing status, headers and part of a body, then
 * nothing: no timed assertions, only "rejects" and "the socket was closed".
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TimeoutError, TrackerHttpError, UnauthorizedError } from '../../src/errors.js';
import { createTrackerClient } from '../../src/client/tracker-client.js';
import type { TrackerAuth, TrackerHeaders } from '../../src/types.js';

/** A TrackerAuth whose token number goes up on every invalidate of the current token. */
function countingAuth(): TrackerAuth {
  let generation = 1;
  return {
    org: { orgId: '1234567' },
    credentials: { kind: 'oauth', id: 'test', getToken: async () => ({ token: `token-${generation}`, kind: 'oauth' }) },
    async headers(): Promise<TrackerHeaders> {
      return { Authorization: `OAuth token-${generation}`, 'X-Org-ID': '1234567' };
    },
    async invalidate(authorization?: string) {
      if (authorization === `OAuth token-${generation}`) generation++;
    },
  };
}

interface Exchange {
  method: string;
  path: string;
  /** Resolves when the response is closed; `finished` says whether it had been ended first. */
  closed: Promise<{ finished: boolean }>;
}

interface StallServer {
  url: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

let server: StallServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<StallServer> {
  const exchanges: Exchange[] = [];
  const http = createServer((req, res) => {
    const closed = new Promise<{ finished: boolean }>((resolve) => {
      res.on('close', () => resolve({ finished: res.writableFinished }));
    });
    exchanges.push({ method: req.method ?? 'GET', path: req.url ?? '/', closed });
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  server = {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
  return server;
}

/** Status, headers and the start of a JSON body, then silence: the body never ends. */
function stall(status: number) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.write('{"errorMessages":["the rest never comes');
  };
}

/** Every response the server started was closed by the client before it ended. */
async function expectAllClosedUnfinished(s: StallServer, count: number): Promise<void> {
  expect(s.exchanges).toHaveLength(count);
  const results = await Promise.all(s.exchanges.map((e) => e.closed));
  expect(results).toEqual(Array.from({ length: count }, () => ({ finished: false })));
}

const TIMEOUT_MS = 300;

describe('a Tracker answer whose body never ends', () => {
  it('404: rejects with TrackerHttpError 404 (no errorMessages) and closes the connection', { timeout: 20_000 }, async () => {
    const s = await serve(stall(404));
    const client = createTrackerClient(countingAuth(), { trackerUrl: s.url, timeoutMs: TIMEOUT_MS });
    const error = await client.get('issues/TEST-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrackerHttpError);
    expect(error).not.toBeInstanceOf(UnauthorizedError);
    expect((error as TrackerHttpError).status).toBe(404);
    expect((error as TrackerHttpError).errorMessages).toEqual([]);
    expect((error as Error).message).toContain(`HTTP 404`);
    expect((error as Error).message).toMatch(/: GET \/v3\/issues\/TEST-1$/);
    expect((error as TrackerHttpError).url).toBe(`${s.url}/v3/issues/TEST-1`);
    await expectAllClosedUnfinished(s, 1);
  });

  it('404 read with .json(): the same TrackerHttpError', { timeout: 20_000 }, async () => {
    const s = await serve(stall(404));
    const client = createTrackerClient(countingAuth(), { trackerUrl: s.url, timeoutMs: TIMEOUT_MS });
    const error = await client.get('issues/TEST-1').json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrackerHttpError);
    expect((error as TrackerHttpError).status).toBe(404);
    await expectAllClosedUnfinished(s, 1);
  });

  it('500 on a GET, retried once: TrackerHttpError 500, both connections closed', { timeout: 20_000 }, async () => {
    const s = await serve(stall(500));
    const client = createTrackerClient(countingAuth(), { trackerUrl: s.url, timeoutMs: TIMEOUT_MS, retry: { limit: 1 } });
    const error = await client.get('myself').json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrackerHttpError);
    expect((error as TrackerHttpError).status).toBe(500);
    expect((error as TrackerHttpError).errorMessages).toEqual([]);
    await expectAllClosedUnfinished(s, 2);
  });

  it('500 on a POST (never retried): TrackerHttpError 500, connection closed', { timeout: 20_000 }, async () => {
    const s = await serve(stall(500));
    const client = createTrackerClient(countingAuth(), { trackerUrl: s.url, timeoutMs: TIMEOUT_MS });
    const error = await client.post('issues', { json: { queue: 'TEST' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrackerHttpError);
    expect((error as TrackerHttpError).status).toBe(500);
    await expectAllClosedUnfinished(s, 1);
  });

  it('401 again after the replay: UnauthorizedError, both connections closed', { timeout: 20_000 }, async () => {
    const s = await serve(stall(401));
    const client = createTrackerClient(countingAuth(), { trackerUrl: s.url, timeoutMs: TIMEOUT_MS });
    const error = await client.post('issues', { json: { queue: 'TEST' } }).json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as UnauthorizedError).status).toBe(401);
    expect((error as UnauthorizedError).errorMessages).toEqual([]);
    expect(JSON.stringify(error)).not.toContain('token-');
    await expectAllClosedUnfinished(s, 2);
  });

  it('200 read with .json() or .text(): TimeoutError, connection closed', { timeout: 20_000 }, async () => {
    const s = await serve(stall(200));
    const client = createTrackerClient(countingAuth(), { trackerUrl: s.url, timeoutMs: TIMEOUT_MS });
    const json = await client.get('myself').json().catch((e: unknown) => e);
    expect(json).toBeInstanceOf(TimeoutError);
    expect((json as Error).message).toMatch(/: GET \/v3\/myself$/);
    expect((json as TimeoutError & { url: string }).url).toBe(`${s.url}/v3/myself`);
    const text = await client.get('issues/TEST-1').text().catch((e: unknown) => e);
    expect(text).toBeInstanceOf(TimeoutError);
    expect(JSON.stringify([json, text])).not.toContain('token-');
    await expectAllClosedUnfinished(s, 2);
  });

  it('honours a per-call and an extend() timeout over the client default', { timeout: 20_000 }, async () => {
    const s = await serve(stall(200));
    // The default (60 s) would outlast the test: only the shorter timeouts can end these calls.
    const client = createTrackerClient(countingAuth(), { trackerUrl: s.url, timeoutMs: 60_000 });
    const perCall = await client.get('myself', { timeout: TIMEOUT_MS }).json().catch((e: unknown) => e);
    expect(perCall).toBeInstanceOf(TimeoutError);
    const extended = await client.extend({ timeout: TIMEOUT_MS }).get('myself').json().catch((e: unknown) => e);
    expect(extended).toBeInstanceOf(TimeoutError);
    const extendedFn = await client.extend(() => ({ timeout: TIMEOUT_MS })).get('myself').json().catch((e: unknown) => e);
    expect(extendedFn).toBeInstanceOf(TimeoutError);
    await expectAllClosedUnfinished(s, 3);
  });

  it('a 2xx read by the caller from the Response is theirs to bound: the client does not cut it', { timeout: 20_000 }, async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"login":');
      // Ends well after the client's timeout: a caller streaming a body (an attachment) may take long.
      setTimeout(() => res.end('"alice"}'), TIMEOUT_MS * 3);
    });
    const client = createTrackerClient(countingAuth(), { trackerUrl: s.url, timeoutMs: TIMEOUT_MS });
    const response = await client.get('myself');
    expect(await response.json()).toEqual({ login: 'alice' });
  });
});

describe('a large error body', () => {
  it('is read only up to 64 KiB: the rest is not downloaded', { timeout: 30_000 }, async () => {
    const total = 64 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const s = await serve((_req, res) => {
      res.writeHead(500, { 'Content-Type': 'application/json', 'Content-Length': String(total) });
      let sent = 0;
      const pump = () => {
        while (sent < total && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (sent >= total) res.end();
      };
      pump();
    });
    const client = createTrackerClient(countingAuth(), { trackerUrl: s.url, timeoutMs: 10_000 });
    const error = await client.post('issues', { json: { queue: 'TEST' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrackerHttpError);
    expect((error as TrackerHttpError).status).toBe(500);
    expect((error as TrackerHttpError).errorMessages).toEqual([]);
    await expectAllClosedUnfinished(s, 1);
  });

  it('under 64 KiB is still parsed for errorMessages', { timeout: 20_000 }, async () => {
    const long = 'x'.repeat(60 * 1024);
    const s = await serve((_req, res) => {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ errors: {}, errorMessages: ['Bad request', long], statusCode: 400 }));
    });
    const client = createTrackerClient(countingAuth(), { trackerUrl: s.url, timeoutMs: TIMEOUT_MS });
    const error = await client.post('issues', { json: { queue: 'TEST' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrackerHttpError);
    expect((error as TrackerHttpError).errorMessages).toEqual(['Bad request', long]);
  });
});
