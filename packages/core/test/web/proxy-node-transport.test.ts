/**
 * What only the Node transport (createNodeTrackerProxy) promises beyond the shared rules:
 * upstream connections pooled and kept alive (a 401 replay included), its own options
 * validated at construction, an encoded body passed on with its encoding named, and a body that
 * stalls mid-way cut off by undici's bodyTimeout instead of hanging.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync, gunzipSync } from 'node:zlib';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import { createNodeTrackerProxy, type NodeTrackerProxy, type NodeTrackerProxyOptions } from '../../src/node/node-proxy.js';
import type { TrackerAuth, TrackerHeaders } from '../../src/types.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A Tracker stand-in counting TCP connections; `stale` tokens get a 401 with a body. */
async function startTracker() {
  const state = { connections: 0, requests: 0 };
  const server = createServer((req, res) => {
    state.requests++;
    if (req.headers.authorization === 'OAuth stale') {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errorMessages: ['Not authorized'], padding: 'x'.repeat(8000) }));
      return;
    }
    if (req.url === '/v3/gzip') {
      const body = gzipSync(JSON.stringify({ packed: true }));
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length });
      res.end(body);
      return;
    }
    if (req.url === '/v3/stall') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100 });
      res.write('{"partial":');
      return; // never finishes
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ url: req.url }));
  });
  server.on('connection', () => state.connections++);
  const url = await listen(server);
  return { url, state };
}

function authWith(tokens: string[]): TrackerAuth {
  let current = tokens.shift()!;
  return {
    org: { orgId: '1' },
    credentials: { kind: 'oauth', id: 'test', getToken: async () => ({ token: current, kind: 'oauth' as const }) },
    async headers(): Promise<TrackerHeaders> {
      return { Authorization: `OAuth ${current}`, 'X-Org-ID': '1' };
    },
    async invalidate() {
      current = tokens.shift() ?? current;
      return true;
    },
  };
}

async function serve(options: NodeTrackerProxyOptions): Promise<{ base: string; proxy: NodeTrackerProxy }> {
  const proxy = createNodeTrackerProxy(options);
  cleanup.push(() => proxy.close());
  const base = await listen(createServer((req, res) => void proxy(req, res)));
  return { base, proxy };
}

function get(base: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('response aborted')));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('createNodeTrackerProxy: the Node transport', () => {
  it('reuses one keep-alive upstream connection for sequential requests, replays included', async () => {
    const tracker = await startTracker();
    const { base } = await serve({ auth: authWith(['good']), allowAnonymous: true, trackerUrl: tracker.url, basePath: '/api/tracker' });
    for (let i = 0; i < 20; i++) expect((await get(base, `/api/tracker/v3/issues/T-${i}`)).status).toBe(200);
    expect(tracker.state).toEqual({ connections: 1, requests: 20 });

    // Every request of this credential is answered 401 first (stale token) and replayed.
    let calls = 0;
    const alwaysStale: TrackerAuth = {
      ...authWith(['good']),
      headers: async () => ({ Authorization: `OAuth ${calls++ % 2 === 0 ? 'stale' : 'good'}`, 'X-Org-ID': '1' }),
      invalidate: async () => true,
    };
    const replaying = await serve({ auth: alwaysStale, allowAnonymous: true, trackerUrl: tracker.url });
    for (let i = 0; i < 10; i++) expect((await get(replaying.base, '/v3/myself')).status).toBe(200);
    expect(tracker.state.requests).toBe(40);
    // Each 401's body is read to its end, so its connection is reused: a couple in all, not one per call.
    expect(tracker.state.connections - 1).toBeLessThanOrEqual(2);
  });

  it('sends through a dispatcher of the caller', async () => {
    const tracker = await startTracker();
    const agent = new Agent({ connections: 1 });
    cleanup.push(() => agent.close());
    const { base } = await serve({ auth: authWith(['good']), allowAnonymous: true, trackerUrl: tracker.url, dispatcher: agent });
    expect((await get(base, '/v3/myself')).status).toBe(200);
    // The agent holds the connection to Tracker's origin: the call went through it.
    expect(Object.keys(agent.stats)).toContain(new URL(tracker.url).origin);
  });

  it('passes an encoded body on as it came, its encoding named', async () => {
    const tracker = await startTracker();
    const { base } = await serve({ auth: authWith(['good']), allowAnonymous: true, trackerUrl: tracker.url });
    const res = await get(base, '/v3/gzip');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(res.body).toString())).toEqual({ packed: true });
  });

  it('cuts a response whose body stalls past timeoutMs (undici bodyTimeout)', async () => {
    const tracker = await startTracker();
    const { base } = await serve({ auth: authWith(['good']), allowAnonymous: true, trackerUrl: tracker.url, timeoutMs: 200 });
    const started = Date.now();
    await expect(get(base, '/v3/stall')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it.each<[string, Partial<NodeTrackerProxyOptions>, string]>([
    ['connections 0', { connections: 0 }, 'connections'],
    ['connections fractional', { connections: 1.5 }, 'connections'],
    ['dispatcher not a dispatcher', { dispatcher: {} as never }, 'dispatcher'],
    ['no authorize nor allowAnonymous', { allowAnonymous: undefined }, 'authorize'],
  ])('refuses %s at construction', (_name, overrides, field) => {
    try {
      createNodeTrackerProxy({ auth: authWith(['good']), allowAnonymous: true, ...overrides });
      expect.unreachable('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).field).toBe(field);
      expect((error as Error).message).toMatch(/^createNodeTrackerProxy: /);
    }
  });
});
