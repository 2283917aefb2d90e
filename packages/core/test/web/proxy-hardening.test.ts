/**
 * The proxy's answers to a hostile browser and client: upstream content isolated from the
 * app's origin, page loads refused, slow bodies cut off, error bodies that do not name the
 * upstream, and (behind a real node:http server) uploads that stop at the limit.
 */
import type { Socket } from 'node:net';
import { openRawConnection, pumpEndlessChunkedBody } from '@tracker-auth-tools/test-harness';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import type { TrackerAuth, TrackerHeaders } from '../../src/types.js';
import type { TrackerProxyOptions } from '../../src/web/proxy.js';
import { TRANSPORTS, closeTransports, proxyOn, serveProxy, type TransportName } from './proxy-transports.js';
import { startUpstream, type UpstreamServer } from './upstream-server.js';

let upstream: UpstreamServer;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  await closeTransports();
  await upstream.close();
});
beforeEach(() => {
  upstream.seen.length = 0;
});

const auth = {
  org: { orgId: '123' },
  credentials: { kind: 'oauth', id: 'test', getToken: async () => ({ token: 'good', kind: 'oauth' as const }) },
  async headers(): Promise<TrackerHeaders> {
    return { Authorization: 'OAuth good', 'X-Org-ID': '123' };
  },
  async invalidate() {},
} satisfies TrackerAuth;

/** The transport of the block running now (set by each `describe.each` block's beforeAll). */
let transport: TransportName = 'fetch';
const proxyWith = (overrides: Partial<TrackerProxyOptions> = {}) =>
  proxyOn(transport, { auth, authorize: () => true, basePath: '/api/tracker', trackerUrl: upstream.url, ...overrides });

const APP = 'http://app.example';
const ATTACHMENT = `${APP}/api/tracker/v3/issues/TEST-1/attachments/7/page.html`;
const SANDBOX = "sandbox; default-src 'none'";

describe.each(TRANSPORTS)('on the %s transport', (name) => {
  beforeAll(() => {
    transport = name;
  });

  describe('proxied responses are isolated from the app origin', () => {
    it('serves an HTML attachment as a sandboxed, unsniffable download (filename kept)', async () => {
      const response = await proxyWith()(new Request(ATTACHMENT));
      expect(response.status).toBe(200);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toBe(SANDBOX);
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="page.html"');
      expect(await response.text()).toContain('<script>');
    });

    it('makes any other non-JSON body (SVG without a disposition) a bare attachment', async () => {
      const response = await proxyWith()(new Request(`${APP}/api/tracker/v3/issues/TEST-1/attachments/8/pixel.svg`));
      expect(response.headers.get('content-disposition')).toBe('attachment');
      expect(response.headers.get('content-security-policy')).toBe(SANDBOX);
    });

    it('keeps JSON inline, still with nosniff and the sandbox CSP', async () => {
      const response = await proxyWith()(new Request(`${APP}/api/tracker/v3/myself`));
      expect(response.headers.get('content-disposition')).toBeNull();
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toBe(SANDBOX);
    });

    it('serves inlinePaths inline, the CSP and nosniff kept', async () => {
      const proxy = proxyWith({ inlinePaths: ['/v3/issues/TEST-1/attachments/8'] });
      const svg = await proxy(new Request(`${APP}/api/tracker/v3/issues/TEST-1/attachments/8/pixel.svg`));
      expect(svg.headers.get('content-disposition')).toBeNull();
      expect(svg.headers.get('content-security-policy')).toBe(SANDBOX);
      // Outside the listed prefix the default holds.
      expect((await proxy(new Request(ATTACHMENT))).headers.get('content-disposition')).toBe('attachment; filename="page.html"');
    });

    it('does not let responseHeaders pass the upstream CSP over the sandbox', async () => {
      const response = await proxyWith({ responseHeaders: ['content-security-policy'] })(new Request(ATTACHMENT));
      expect(response.headers.get('content-security-policy')).toBe(SANDBOX);
    });

    it.each<[string, Partial<TrackerProxyOptions>]>([
      ['inlinePaths not paths', { inlinePaths: ['v3/'] }],
      ['inlinePaths not an array', { inlinePaths: '/v3/' as never }],
      ['allowNavigation not true', { allowNavigation: 'yes' as never }],
      ['bodyTimeoutMs zero', { bodyTimeoutMs: 0 }],
    ])('refuses %s at construction', (_name, overrides) => {
      expect(() => proxyWith(overrides)).toThrow(ConfigurationError);
    });
  });

  describe('page loads of proxy URLs are refused', () => {
    it.each<Record<string, string>>([
      { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'sec-fetch-site': 'none' },
      { 'sec-fetch-mode': 'navigate' },
      { 'sec-fetch-dest': 'iframe' },
      { 'sec-fetch-dest': 'frame' },
      { 'sec-fetch-dest': 'embed' },
      { 'sec-fetch-dest': 'object' },
    ])('refuses %o with 403 NAVIGATION_REFUSED and a reason; nothing reaches Tracker', async (headers) => {
      const response = await proxyWith()(new Request(ATTACHMENT, { headers }));
      expect(response.status).toBe(403);
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('NAVIGATION_REFUSED');
      expect(error.message).toMatch(/fetch\(\)/);
      expect(upstream.seen).toHaveLength(0);
    });

    it('lets fetch() calls through (Sec-Fetch-Mode cors, Dest empty)', async () => {
      const response = await proxyWith()(new Request(ATTACHMENT, { headers: { 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' } }));
      expect(response.status).toBe(200);
    });

    it('lets page loads through with allowNavigation: true, still as a sandboxed attachment', async () => {
      const response = await proxyWith({ allowNavigation: true })(new Request(ATTACHMENT, { headers: { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' } }));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toMatch(/^attachment/);
      expect(response.headers.get('content-security-policy')).toBe(SANDBOX);
    });
  });

  describe('slow bodies and upstream failures', () => {
    it('answers 408 when the body does not arrive within bodyTimeoutMs, forwarding nothing', async () => {
      let pulls = 0;
      const trickle = new ReadableStream<Uint8Array>({
        async pull(controller) {
          // One byte, then silence: a client that never finishes its upload.
          if (pulls++ === 0) controller.enqueue(new Uint8Array([123]));
          else await new Promise(() => undefined);
        },
      });
      const request = new Request(`${APP}/api/tracker/v2/echo`, { method: 'POST', body: trickle, duplex: 'half' } as RequestInit);
      const started = Date.now();
      const response = await proxyWith({ bodyTimeoutMs: 150 })(request);
      expect(response.status).toBe(408);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('REQUEST_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(2000);
      expect(upstream.seen).toHaveLength(0);
    });

    it('names the operation and path in a 502, never the upstream origin; the URL stays for logs', async () => {
      const dead = await startUpstream();
      await dead.close();
      const reported: unknown[] = [];
      const proxy = proxyWith({ trackerUrl: dead.url, onError: (error) => reported.push(error) });
      const response = await proxy(new Request(`${APP}/api/tracker/v3/myself?expand=x`));
      expect(response.status).toBe(502);
      const text = await response.text();
      expect(JSON.parse(text).error.message).toBe('Tracker proxy: Tracker could not be reached: GET /v3/myself');
      expect(text).not.toContain('127.0.0.1');
      expect(text).not.toContain(new URL(dead.url).port);
      expect((reported[0] as { cause: { url: string } }).cause.url).toBe(`${dead.url}/v3/myself?expand=x`);
    });

    it('names the operation and path in a 504 timeout, never the upstream origin', async () => {
      const response = await proxyWith({ timeoutMs: 100 })(new Request(`${APP}/api/tracker/v2/hang`));
      expect(response.status).toBe(504);
      const text = await response.text();
      expect(JSON.parse(text).error.message).toBe('Tracker proxy: no answer within 100 ms: GET /v2/hang');
      expect(text).not.toContain('127.0.0.1');
    });
  });

  describe('uploads end at the limit behind node:http', () => {
    const MOUNT = '/api/tracker';
    let port: number;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      ({ port } = await serveProxy(transport, { auth, allowAnonymous: true, trackerUrl: upstream.url, maxBodyBytes: 64 * 1024 }, MOUNT));
    });
    afterEach(() => {
      for (const socket of sockets.splice(0)) socket.destroy();
    });
    const open = () => openRawConnection(port, { track: (socket) => void sockets.push(socket) });

    it('closes the connection within 1 s after a 413 on an endless chunked body, < 1 MB read past the limit', async () => {
      const client = await open();
      client.socket.write(`POST ${MOUNT}/v2/echo HTTP/1.1\r\nHost: app.test\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
      const upload = pumpEndlessChunkedBody(client.socket);
      await client.until('PAYLOAD_TOO_LARGE');
      const answeredAt = Date.now();
      const sentAtAnswer = upload.sent();
      expect(await client.closed).toBeLessThan(answeredAt + 1000);
      expect(client.text()).toMatch(/^HTTP\/1\.1 413 /);
      // What the client got into the socket after the answer bounds what the server read past it.
      expect(upload.sent() - sentAtAnswer).toBeLessThan(1024 * 1024);
      expect(upstream.seen).toHaveLength(0);
    });

    it('answers a 4 MB body to a refused path; the next request on a new connection is answered', async () => {
      const client = await open();
      const size = 4 * 1024 * 1024;
      client.socket.write(`POST ${MOUNT}/v1/admin HTTP/1.1\r\nHost: app.test\r\nContent-Length: ${size}\r\n\r\n`);
      client.socket.write(Buffer.alloc(size, 'y'));
      await client.until('PATH_NOT_ALLOWED');
      await client.closed;
      const next = await open();
      next.socket.write(`GET ${MOUNT}/v3/myself HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n`);
      await next.closed;
      expect(next.text()).toMatch(/^HTTP\/1\.1 200 /);
    });

    it.each(['TRACE'])('answers %s with 405 and Allow', async (method) => {
      const client = await open();
      client.socket.write(`${method} ${MOUNT}/v3/myself HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n`);
      await client.closed;
      expect(client.text()).toMatch(/^HTTP\/1\.1 405 /);
      expect(client.text()).toMatch(/\r\nallow: /i);
    });

    it.each(['evil.example:99999', '[::1'])('answers Host: %s with 400', async (host) => {
      const client = await open();
      client.socket.write(`GET ${MOUNT}/v3/myself HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      await client.closed;
      expect(client.text()).toMatch(/^HTTP\/1\.1 400 /);
      expect(upstream.seen).toHaveLength(0);
    });
  });
});
