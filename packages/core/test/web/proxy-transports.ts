/**
 * The proxy suites run on both transports: `fetch` (createTrackerProxy, web-standard) and
 * `node` (createNodeTrackerProxy on undici, behind a real node:http server). For the Node one
 * a test's `Request` is sent over HTTP to that server, and its answer comes back as a web
 * `Response`, so one test body checks both. Callbacks written against the web `Request`
 * (authorize, auth, onError) get a body-less web view of the Node request, as the Express
 * adapter gives its user-mode gate.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeTrackerProxy, type NodeTrackerProxy } from '../../src/node/node-proxy.js';
import { sendWebResponse, toWebRequest, toWebRequestAndSignal } from '../../src/node/http-bridge.js';
import { toErrorResponse } from '../../src/web/error-response.js';
import { createTrackerProxy, type TrackerProxy, type TrackerProxyContext, type TrackerProxyOptions } from '../../src/web/proxy.js';

export type TransportName = 'fetch' | 'node';
export const TRANSPORTS: TransportName[] = ['fetch', 'node'];

const CONTEXT_HEADER = 'x-proxy-test-context';
const open = new Set<{ close(): Promise<void> }>();

/** Close every server and upstream pool the helpers started (call in `afterAll`). */
export async function closeTransports(): Promise<void> {
  const all = [...open];
  open.clear();
  await Promise.all(all.map((item) => item.close()));
}

/** The Node proxy's options from web-typed ones: callbacks see a body-less web `Request`. */
export function nodeOptionsOf(options: TrackerProxyOptions) {
  const { auth, authorize, onError, fetch: _fetch, ...rest } = options;
  const web = (req: IncomingMessage) => toWebRequest(req, { body: false });
  return {
    ...rest,
    auth: typeof auth === 'function' ? (req: IncomingMessage) => auth(web(req)) : auth,
    authorize: typeof authorize === 'function' ? (req: IncomingMessage) => authorize(web(req)) : authorize,
    onError: typeof onError === 'function' ? (error: unknown, req: IncomingMessage) => onError(error, web(req)) : onError,
  };
}

/**
 * A node:http server running the proxy on `transport` the way the Node adapters mount it (the
 * raw target below `mount` as `context.path`, `mount` as `context.basePath`); only requests
 * under `mount` reach it.
 */
export async function serveProxy(
  transport: TransportName,
  options: TrackerProxyOptions,
  mount = '/api/tracker',
): Promise<{ port: number; url: string; server: Server }> {
  let handle: (req: IncomingMessage, res: import('node:http').ServerResponse, context: { path: string; basePath: string }) => Promise<void>;
  let nodeProxy: NodeTrackerProxy | undefined;
  if (transport === 'node') {
    nodeProxy = createNodeTrackerProxy(nodeOptionsOf(options));
    handle = nodeProxy;
  } else {
    const proxy = createTrackerProxy(options);
    handle = (req, res, context) => {
      let answer: Promise<Response>;
      try {
        const { request, signal } = toWebRequestAndSignal(req, { res });
        answer = proxy(request, { ...context, signal });
      } catch (error) {
        // The bridge refused the request (TRACE, a malformed Host): core's 405/400 answer.
        answer = Promise.resolve(toErrorResponse(error));
      }
      return answer.then((response) => sendWebResponse(res, response));
    };
  }
  const server = createServer((req, res) => {
    const raw = req.url ?? '/';
    if (raw !== mount && !raw.startsWith(`${mount}/`) && !raw.startsWith(`${mount}?`)) {
      res.writeHead(404).end();
      return;
    }
    handle(req, res, { path: raw.slice(mount.length), basePath: mount }).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  open.add({
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await nodeProxy?.close();
    },
  });
  return { port, url: `http://127.0.0.1:${port}`, server };
}

/**
 * The proxy on `transport` as a `TrackerProxy`: `fetch` is `createTrackerProxy` itself; `node`
 * sends the request (raw `context.path` kept as sent) to a server running
 * `createNodeTrackerProxy` and answers with what came back.
 */
export function proxyOn(transport: TransportName, options: TrackerProxyOptions): TrackerProxy {
  if (transport === 'fetch') return createTrackerProxy(options);
  const nodeProxy = createNodeTrackerProxy(nodeOptionsOf(options));
  let server: Server | undefined;
  let listening: Promise<number> | undefined;
  const start = () =>
    (listening ??= new Promise<number>((resolve) => {
      server = createServer((req, res) => {
        const hint = req.headers[CONTEXT_HEADER];
        delete req.headers[CONTEXT_HEADER];
        const context = typeof hint === 'string' ? (JSON.parse(hint) as TrackerProxyContext) : undefined;
        void nodeProxy(req, res, context);
      });
      server.listen(0, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port));
      open.add({
        close: async () => {
          server!.closeAllConnections();
          await new Promise<void>((done) => server!.close(() => done()));
          await nodeProxy.close();
        },
      });
    }));
  return async (request, context) => {
    const port = await start();
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    if (context?.path !== undefined || context?.basePath !== undefined) {
      headers[CONTEXT_HEADER] = JSON.stringify({ path: context.path, basePath: context.basePath });
    }
    const body = request.body;
    return new Promise<Response>((resolve, reject) => {
      const outgoing = httpRequest(
        { host: '127.0.0.1', port, method: request.method, path: url.pathname + url.search, headers, agent: false },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('end', () => {
            const answer = new Headers();
            for (const [name, value] of Object.entries(incoming.headers)) {
              if (value === undefined) continue;
              for (const item of Array.isArray(value) ? value : [value]) answer.append(name, item);
            }
            const status = incoming.statusCode ?? 500;
            const bodyless = request.method === 'HEAD' || status === 204 || status === 304;
            resolve(new Response(bodyless ? null : Buffer.concat(chunks), { status, statusText: incoming.statusMessage, headers: answer }));
          });
        },
      );
      outgoing.on('error', reject);
      if (body === null) {
        outgoing.end();
        return;
      }
      void (async () => {
        try {
          for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) outgoing.write(chunk);
          outgoing.end();
        } catch (error) {
          outgoing.destroy(error as Error);
        }
      })();
    });
  };
}
