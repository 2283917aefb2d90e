/**
 * A tiny Tracker stand-in for proxy tests: real HTTP on 127.0.0.1:0 that records every
 * request it receives, so tests can assert that nothing reached it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  body: string;
}

export interface UpstreamServer {
  url: string;
  seen: SeenRequest[];
  /** Tokens the server accepts as `Authorization: OAuth <token>`. */
  validTokens: Set<string>;
  close(): Promise<void>;
}

type Route = (req: SeenRequest, res: ServerResponse, base: string) => void;

const routes: Record<string, Route> = {
  '/v3/myself': (_req, res, base) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      link: `<${base}/v3/myself?page=2>; rel="next"`,
      'x-total-count': '42',
      'x-total-pages': '3',
      'x-scroll-id': 'scroll-1',
      'x-scroll-token': 'scroll-token-1',
      etag: '"v1"',
      'set-cookie': 'upstream=1; Path=/',
      'x-internal-secret': 'nope',
    });
    res.end(JSON.stringify({ login: 'demo' }));
  },
  '/v2/echo': (req, res) => {
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ method: req.method, url: req.url, body: req.body, contentType: req.headers['content-type'] ?? null }));
  },
  '/v2/big': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 32; i++) res.write(chunk);
    res.end();
  },
  '/v2/redirect': (_req, res, base) => {
    res.writeHead(302, { location: `${base}/v2/echo` });
    res.end();
  },
  '/v2/no-content': (_req, res) => {
    res.writeHead(204);
    res.end();
  },
  // A Tracker attachment whose uploader chose the type: HTML that would run script inline.
  '/v3/issues/TEST-1/attachments/7/page.html': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-disposition': 'inline; filename="page.html"' });
    res.end('<script>parent.stolen = document.cookie</script>');
  },
  '/v3/issues/TEST-1/attachments/8/pixel.svg': (_req, res) => {
    res.writeHead(200, { 'content-type': 'image/svg+xml' });
    res.end('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
  },
  '/v2/hang': () => {
    // never answers
  },
};

export async function startUpstream(): Promise<UpstreamServer> {
  const seen: SeenRequest[] = [];
  const validTokens = new Set<string>(['good']);
  let base = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry: SeenRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(entry);
      const token = /^OAuth (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !validTokens.has(token)) {
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'OAuth' });
        res.end(JSON.stringify({ errors: {}, errorMessages: ['Not authorized'], statusCode: 401 }));
        return;
      }
      const path = entry.url.split('?')[0] ?? '';
      const route = routes[path];
      if (route) route(entry, res, base);
      else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: {}, errorMessages: ['Not found'], statusCode: 404 }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    seen,
    validTokens,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
