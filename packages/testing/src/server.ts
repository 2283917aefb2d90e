import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { RequestContext } from './context.js';
import type { FaultRegistry } from './faults.js';
import { sendJson, sendText } from './http-util.js';
import { iamErrorBody } from './iam-api.js';
import { METADATA_TOKEN_PATH } from './metadata-api.js';
import { redactHeaders, redactPath, type CallLog } from './request-log.js';
import { NOT_AUTHORIZED_MESSAGE, trackerError } from './tracker-error.js';
import type { FakeClock, FakeEndpoint, FaultSpec, LoggedRequest } from './types.js';

/** A handler for one routed request. */
export type Handler = (ctx: RequestContext) => void | Promise<void>;

/** Maps a path to its endpoint and handler. */
export type Router = (pathname: string) => { endpoint: FakeEndpoint; handler: Handler };

/** Route table of the real upstream paths, all on one port (see README "Pointing clients"). */
export function endpointForPath(pathname: string): FakeEndpoint {
  if (/^\/v[23](\/|$)/.test(pathname)) return 'tracker';
  if (pathname === '/authorize' || pathname === '/authorize/consent') return 'oauth.authorize';
  if (pathname === '/token') return 'oauth.token';
  if (pathname === '/device/code') return 'oauth.device';
  if (pathname === '/revoke_token') return 'oauth.revoke';
  if (pathname === '/iam/v1/tokens') return 'iam.tokens';
  if (pathname === METADATA_TOKEN_PATH) return 'metadata.token';
  if (pathname === '/device' || pathname === '/verification_code') return 'oauth.pages';
  return 'other';
}

const RPC_FOR_STATUS: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 409: 6, 429: 8, 500: 13, 501: 12, 503: 14, 504: 4 };

/** The body a fault sends when the test gave none: each upstream's own error shape. */
function defaultFaultBody(endpoint: FakeEndpoint, status: number): { text: string; type: string } {
  const reason = STATUS_CODES[status] ?? 'Injected fault';
  const json = (v: unknown) => ({ text: JSON.stringify(v), type: 'application/json; charset=utf-8' });
  // A 401 fault reads exactly like Tracker's own 401, so "Tracker always answers 401" is one inject.
  if (endpoint === 'tracker') return json(trackerError(status, [status === 401 ? NOT_AUTHORIZED_MESSAGE : reason]));
  if (endpoint === 'iam.tokens') {
    const code = RPC_FOR_STATUS[status] ?? 2;
    return json(iamErrorBody(code, reason));
  }
  if (endpoint.startsWith('oauth.') && endpoint !== 'oauth.pages') {
    return json({ error: status >= 500 ? 'server_error' : 'invalid_request', error_description: `injected fault: ${reason}` });
  }
  return { text: `${reason}\n`, type: 'text/plain; charset=utf-8' };
}


/** The node:http server of one fake: routing, counters, the request log and faults. */
export class FakeServer {
  readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<{ timer: ReturnType<typeof setTimeout>; resolve: () => void }>();
  private closed = false;
  private base = 'http://127.0.0.1';

  constructor(
    private readonly router: Router,
    private readonly faults: FaultRegistry,
    private readonly log: CallLog,
    private readonly clock: FakeClock,
  ) {
    this.server = createServer({ keepAlive: true }, (req, res) => {
      // node:http ignores the listener's promise. dispatch answers its own failures; anything
      // that still escapes (a malformed URL, a throw while answering) ends this one exchange
      // instead of becoming an unhandled rejection that would stop the whole fake.
      void this.dispatch(req, res).catch(() => res.destroy());
    });
    this.server.keepAliveTimeout = 5000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Listens and returns the base URL. */
  async listen(port: number, host: string): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const addr = this.server.address();
    const actualPort = typeof addr === 'object' && addr ? addr.port : port;
    const hostPart = host.includes(':') ? `[${host}]` : host;
    this.base = `http://${hostPart}:${actualPort}`;
    return this.base;
  }

  /** Stops at once: open keep-alive sockets are destroyed and pending fault delays end. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    this.timers.clear();
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    for (const s of this.sockets) s.destroy();
    await done;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(entry);
    });
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawPath = req.url ?? '/';
    const url = new URL(rawPath, this.base);
    const { endpoint, handler } = this.router(url.pathname);
    const ctx = new RequestContext(req, res, url);
    // `Date` comes from the fake clock, as a real server's would from its own: a client that
    // corrects for a skewed local clock reads it (node's own Date would be the local time).
    res.setHeader('date', new Date(this.clock.now()).toUTCString());
    this.log.record(endpoint);
    const entry: LoggedRequest = {
      endpoint,
      method: (req.method ?? 'GET').toUpperCase(),
      path: redactPath(rawPath),
      status: 0,
      headers: redactHeaders(req.headers),
      at: this.clock.now(),
    };
    this.log.entries.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
      if (ctx.loggedParams) entry.params = ctx.loggedParams;
    });
    try {
      const fault = this.faults.take(endpoint);
      if (fault && (await this.applyFault(ctx, endpoint, fault))) return;
      if (this.closed) return;
      await handler(ctx);
    } catch {
      // Never echo internals (they may hold secrets from the request).
      if (!res.headersSent) sendJson(res, 500, endpoint === 'tracker' ? trackerError(500, ['Internal server error']) : { error: 'server_error' });
      else res.destroy();
    }
  }

  /** Applies a fault; true when it answered (or dropped) the request itself. */
  private async applyFault(ctx: RequestContext, endpoint: FakeEndpoint, f: FaultSpec): Promise<boolean> {
    if (f.delayMs) await this.sleep(f.delayMs);
    if (this.closed) {
      ctx.req.socket.destroy();
      return true;
    }
    if (f.drop) {
      ctx.req.socket.destroy();
      return true;
    }
    const headers: Record<string, string> = { ...(f.headers ?? {}) };
    if (f.retryAfter !== undefined) headers['retry-after'] = String(f.retryAfter);
    if (f.malformed) {
      sendText(ctx.res, f.status ?? 200, '{"malformed": tru', 'application/json; charset=utf-8', headers);
      return true;
    }
    if (f.status === undefined && f.body === undefined && f.retryAfter === undefined && f.headers === undefined) return false;
    const status = f.status ?? (f.retryAfter !== undefined ? 429 : 500);
    if (f.body === undefined) {
      const d = defaultFaultBody(endpoint, status);
      sendText(ctx.res, status, d.text, d.type, headers);
    } else if (typeof f.body === 'string') {
      sendText(ctx.res, status, f.body, headers['content-type'] ?? 'text/plain; charset=utf-8', headers);
    } else {
      sendJson(ctx.res, status, f.body, headers);
    }
    return true;
  }
}
