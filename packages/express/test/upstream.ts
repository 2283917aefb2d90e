/**
 * Test doubles that are real HTTP: a tiny Tracker stand-in on 127.0.0.1:0 that records what
 * reached it, and raw HTTP requests (so hostile targets are sent byte for byte, unlike fetch).
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TrackerAuth } from '@tracker-auth/core';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A recording Tracker stand-in: answers JSON with pagination headers, 401 for `/v3/unauthorized`. */
export async function startUpstream(): Promise<{ url: string; seen: SeenRequest[]; close: () => Promise<void> }> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url?.startsWith('/v3/unauthorized')) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"errors":{},"errorMessages":["Not authorized"],"statusCode":401}');
        return;
      }
      res.writeHead(req.method === 'POST' ? 201 : 200, {
        'content-type': 'application/json',
        'x-total-count': '42',
        'x-total-pages': '3',
        link: `<${baseUrl}/v3/issues?page=2>; rel="next"`,
        'set-cookie': 'upstream=leak',
        'x-internal': 'nope',
      });
      res.end(JSON.stringify({ method: req.method, url: req.url, echo: body || null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: baseUrl,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A fixed-token TrackerAuth (the real token sources are tested in core). */
export function staticAuth(token = 'y0_test-token'): TrackerAuth & { invalidations: number } {
  const auth = {
    org: { orgId: '1234567' },
    credentials: { kind: 'oauth' as const, id: 'oauth:test', getToken: async () => ({ token, kind: 'oauth' as const }) },
    invalidations: 0,
    headers: async () => ({ Authorization: `OAuth ${token}`, 'X-Org-ID': '1234567' }),
    invalidate: async () => {
      auth.invalidations++;
    },
  };
  return auth;
}

export interface RawResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
  json: () => any;
}

/** Send one HTTP request exactly as given (path is the raw request target). */
export function raw(
  base: string,
  path: string,
  init: { method?: string; headers?: Record<string, string | string[]>; body?: string | Buffer; chunks?: (string | Buffer)[] } = {},
): Promise<RawResponse> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) }));
    });
    req.on('error', reject);
    for (const chunk of init.chunks ?? []) req.write(chunk);
    req.end(init.body);
  });
}
