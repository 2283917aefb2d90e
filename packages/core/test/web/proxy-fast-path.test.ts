/**
 * The proxy's cheaper per-request path: the Node bridge hands the client-disconnect signal
 * beside the request (`toWebRequestAndSignal` → `context.signal`) instead of inside it; the
 * Node transport needs no bridge at all. Both run here. The
 * safety properties must hold exactly as with `toWebRequest`: a client that goes away aborts
 * the upstream call, an oversize body is refused before anything is sent.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTrackerAuth } from '../../src/auth.js';
import { AbortedError } from '../../src/errors.js';
import { oauthToken } from '../../src/tokens/static-tokens.js';
import { createTrackerProxy, type TrackerProxy, type TrackerProxyOptions } from '../../src/web/proxy.js';
import { TRANSPORTS, closeTransports, serveProxy, type TransportName } from './proxy-transports.js';

const MOUNT = '/api/tracker';
const TOKEN = 'fast-path-token';

const servers: Server[] = [];
afterEach(async () => {
  await closeTransports();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A Tracker stand-in: `/v3/hang` never answers and reports when its caller hung up. */
async function startTracker() {
  const seen: { url: string; authorization: string | undefined }[] = [];
  let resolveClosed!: () => void;
  const upstreamClosed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let resolveArrived!: () => void;
  const hangArrived = new Promise<void>((resolve) => (resolveArrived = resolve));
  const url = await listen(
    createServer((req: IncomingMessage, res) => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
      if (req.url === '/v3/hang') {
        res.once('close', () => resolveClosed());
        resolveArrived();
        return;
      }
      const body = JSON.stringify({ key: 'TEST-1' });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    }),
  );
  return { url, seen, upstreamClosed, hangArrived };
}

/** The proxy on node:http the way the Express adapter mounts it, on `transport`. */
async function startProxy(trackerUrl: string, errors: unknown[] = [], transport: TransportName = 'fetch'): Promise<{ base: string; proxy: TrackerProxy }> {
  const options: TrackerProxyOptions = {
    auth: createTrackerAuth({ credentials: oauthToken(TOKEN), org: { orgId: '42' } }),
    allowAnonymous: true,
    trackerUrl,
    maxBodyBytes: 16,
    methods: ['GET', 'POST'],
    onError: (error) => errors.push(error),
  };
  const { url } = await serveProxy(transport, options, MOUNT);
  return { base: url, proxy: createTrackerProxy(options) };
}

function get(base: string, path: string, init: { method?: string; body?: string } = {}): Promise<{ status: number; body: string }> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: init.method ?? 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe.each(TRANSPORTS)('the proxy behind node:http, %s transport (fast paths)', (transport) => {
  it('forwards with the server credential and answers the upstream body', async () => {
    const tracker = await startTracker();
    const { base } = await startProxy(tracker.url, [], transport);
    const res = await get(base, `${MOUNT}/v3/issues/TEST-1?fields=key`);
    expect(res).toEqual({ status: 200, body: '{"key":"TEST-1"}' });
    expect(tracker.seen).toEqual([{ url: '/v3/issues/TEST-1?fields=key', authorization: `OAuth ${TOKEN}` }]);
  });

  it('aborts the upstream call when the client disconnects', async () => {
    const tracker = await startTracker();
    const errors: unknown[] = [];
    const { base } = await startProxy(tracker.url, errors, transport);
    const { port } = new URL(base);
    const req = httpRequest({ host: '127.0.0.1', port, path: `${MOUNT}/v3/hang` });
    req.on('error', () => undefined);
    req.end();
    await tracker.hangArrived;
    req.destroy();
    await tracker.upstreamClosed;
    await expect.poll(() => errors.length).toBe(1);
    expect(errors[0]).toBeInstanceOf(AbortedError);
    expect(String(errors[0])).not.toContain(TOKEN);
  });

  it.skipIf(transport === 'node')('uses context.signal over request.signal: an aborted one sends nothing', async () => {
    const tracker = await startTracker();
    const { proxy } = await startProxy(tracker.url, [], transport);
    const controller = new AbortController();
    controller.abort(new Error('client disconnected'));
    const response = await proxy(new Request(`http://app.test${MOUNT}/v3/issues/TEST-1`), {
      path: '/v3/issues/TEST-1',
      signal: controller.signal,
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(tracker.seen).toEqual([]);
  });

  it('refuses a body over maxBodyBytes with 413 and forwards nothing', async () => {
    const tracker = await startTracker();
    const { base } = await startProxy(tracker.url, [], transport);
    const res = await get(base, `${MOUNT}/v3/issues`, { method: 'POST', body: 'x'.repeat(17) });
    expect(res.status).toBe(413);
    expect(tracker.seen).toEqual([]);
  });
});
