/**
 * Node-only bridge between `node:http` (`IncomingMessage` / `ServerResponse`) and the web
 * `Request` / `Response` that core's handlers speak. Adapters for Node frameworks (Express,
 * NestJS) translate with these two functions and nothing else, so every framework streams
 * bodies, copies headers and handles disconnects the same way.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestRejectedError } from '../errors.js';
import { HOP_BY_HOP_HEADERS } from '../http/hop-by-hop.js';
import { hostOrigin } from '../web/public-origin.js';

export interface ToWebRequestOptions {
  /**
   * The public origin of the app, e.g. `https://app.example.com` (only its origin is used).
   * When omitted, the origin comes from the socket (`https` on TLS) and the `Host` header.
   */
  baseUrl?: string | URL | undefined;
  /**
   * Believe `X-Forwarded-Proto` / `X-Forwarded-Host` (set by a reverse proxy you run).
   * Off by default: a client could otherwise claim any origin. The URL's origin is `baseUrl`
   * when set; the web request's `Host` header is the forwarded host either way (the host the
   * browser used, which sign-in's canonical-host redirect compares).
   */
  trustProxy?: boolean | undefined;
  /**
   * The response for this request: the web request's `signal` aborts when the client goes away
   * before the response finished. Defaults to `req.res` (Express sets it).
   */
  res?: ServerResponse | undefined;
  /**
   * `false`: build the request without a body and leave the Node stream untouched, for
   * handlers that only read the URL, headers and cookies (so a later body parser still gets
   * the body). Default `true`.
   */
  body?: boolean | undefined;
}

/** Request methods that never carry a body. */
const BODYLESS = new Set(['GET', 'HEAD']);

/**
 * Methods the fetch standard forbids in a `Request` (`new Request()` throws for them). Node's
 * parser lets TRACE through (and CONNECT, to a `connect` listener): answered 405, not 500.
 */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
/** The `Allow` header of that 405: what a bridged handler can be asked with. */
const BRIDGED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

/**
 * An unread request body at most this long (declared `Content-Length`) is read and discarded
 * after an early answer, so the keep-alive connection stays usable. Anything longer, or of
 * unknown length (chunked), closes the connection instead: reading it would let a client make
 * the server take in an endless upload after saying no.
 */
export const DRAIN_MAX_BYTES = 64 * 1024;

/** Cuts a bridged body stream off from its Node request (set while the stream is attached). */
const detachers = new WeakMap<IncomingMessage, () => void>();

/** Connection-scoped headers that must not cross the bridge. */
const HOP_BY_HOP = new Set(HOP_BY_HOP_HEADERS);

function firstValue(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  return raw?.split(',')[0]?.trim() || undefined;
}

/**
 * With `trustProxy`, the host the browser used is the proxy's `X-Forwarded-Host`: it becomes the
 * web request's `Host` (as it becomes the URL's host without `baseUrl`), so handlers that judge
 * the browser's host by `Host` (sign-in's canonical-host redirect) see the public one even when
 * `baseUrl` sets the URL. A malformed forwarded host leaves `Host` as sent.
 */
function trustedForwardedHost(req: IncomingMessage, options: ToWebRequestOptions): string | undefined {
  if (!options.trustProxy) return undefined;
  const host = firstValue(req.headers['x-forwarded-host']);
  return hostOrigin('http', host) !== undefined ? host : undefined;
}

function originOf(req: IncomingMessage, options: ToWebRequestOptions): string {
  if (options.baseUrl !== undefined) return new URL(String(options.baseUrl)).origin;
  const encrypted = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  let protocol: 'http' | 'https' = encrypted ? 'https' : 'http';
  let host = req.headers.host;
  if (options.trustProxy) {
    const proto = firstValue(req.headers['x-forwarded-proto']);
    if (proto === 'http' || proto === 'https') protocol = proto;
    host = firstValue(req.headers['x-forwarded-host']) ?? host;
  }
  if (!host) return `${protocol}://localhost`;
  // A Host that is not a host[:port] (userinfo, a path, spaces, port 99999, `[::1`) must not
  // build a URL: it is the client's mistake, answered 400 instead of failing later as a 500.
  const origin = hostOrigin(protocol, host);
  if (origin === undefined) throw new RequestRejectedError('BAD_REQUEST', 'The Host header is not a valid host name.');
  return origin;
}

/**
 * The raw request target as sent (Express keeps it in `originalUrl` after mounting strips
 * `url`). Appended to the origin as a string so a target like `//evil.example/x` stays a path
 * of this origin instead of becoming another host.
 */
function targetOf(req: IncomingMessage): string {
  const raw = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  return raw.startsWith('/') ? raw : `/${raw}`;
}

function bodyOf(req: IncomingMessage): BodyInit | undefined {
  const method = (req.method ?? 'GET').toUpperCase();
  if (BODYLESS.has(method)) return undefined;
  // A body parser already drained the stream: rebuild the body from what it parsed.
  if (req.readableEnded) {
    const parsed = (req as { body?: unknown }).body;
    if (parsed === undefined || parsed === null) return undefined;
    if (typeof parsed === 'string' || parsed instanceof Uint8Array) return parsed as BodyInit;
    const type = String(req.headers['content-type'] ?? '');
    if (type.includes('application/x-www-form-urlencoded')) {
      return new URLSearchParams(parsed as Record<string, string>).toString();
    }
    return JSON.stringify(parsed);
  }
  let done = false;
  const listeners: Array<[string, (...args: any[]) => void]> = [];
  const detach = () => {
    done = true;
    for (const [event, listener] of listeners) req.off(event, listener);
    detachers.delete(req);
  };
  detachers.set(req, detach);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      listeners.push(
        [
          'data',
          (chunk: Buffer) => {
            if (done) return;
            controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
            // Backpressure: stop reading the socket until the consumer pulls again.
            if ((controller.desiredSize ?? 1) <= 0) req.pause();
          },
        ],
        [
          'end',
          () => {
            if (!done) controller.close();
            detach();
          },
        ],
        [
          'error',
          (error: Error) => {
            if (!done) controller.error(error);
            detach();
          },
        ],
      );
      for (const [event, listener] of listeners) req.on(event, listener);
    },
    pull() {
      req.resume();
    },
    cancel() {
      detach();
      // The consumer gave up (a size limit, a deadline): stop reading. Draining here would read
      // an endless body forever; `sendWebResponse` closes the connection after the answer.
      req.pause();
    },
  });
}

/** A web `Request` without a signal of its own, plus the client-disconnect signal beside it. */
export interface WebRequestAndSignal {
  /** The request as {@link toWebRequest} builds it, except that its own `signal` never aborts. */
  request: Request;
  /** Aborts when the client disconnects before the response finished. */
  signal: AbortSignal;
}

/**
 * The client-disconnect signal of a Node request: aborts when the response (or, without one,
 * the request) closes before it finished.
 */
function disconnectSignal(req: IncomingMessage, options: ToWebRequestOptions): AbortSignal {
  const controller = new AbortController();
  const res = options.res ?? (req as { res?: ServerResponse }).res;
  if (res) {
    res.once('close', () => {
      if (!res.writableFinished) controller.abort(new Error('client disconnected'));
    });
  } else {
    req.once('close', () => {
      if (!req.complete) controller.abort(new Error('client disconnected'));
    });
  }
  return controller.signal;
}

function buildRequest(req: IncomingMessage, options: ToWebRequestOptions, signal: AbortSignal | undefined): Request {
  // A plain list of pairs: the Request constructor builds its own Headers from it, so a Headers
  // of ours would only be copied once more.
  const headers: [string, string][] = [];
  const source = req.headers;
  const forwardedHost = trustedForwardedHost(req, options);
  for (const name in source) {
    const value = source[name];
    if (value === undefined || HOP_BY_HOP.has(name) || name.startsWith(':')) continue;
    if (forwardedHost !== undefined && name === 'host') continue;
    if (Array.isArray(value)) for (const item of value) headers.push([name, item]);
    else headers.push([name, value]);
  }
  if (forwardedHost !== undefined) headers.push(['host', forwardedHost]);
  const method = req.method ?? 'GET';
  if (FORBIDDEN_METHODS.has(method.toUpperCase())) {
    throw new RequestRejectedError('METHOD_NOT_ALLOWED', `Method ${method.toUpperCase()} is not supported.`, BRIDGED_METHODS);
  }
  const url = originOf(req, options) + targetOf(req);
  const body = options.body === false ? undefined : bodyOf(req);
  const init: RequestInit & { duplex?: 'half' } = { method, headers };
  if (signal) init.signal = signal;
  if (body !== undefined) {
    init.body = body;
    init.duplex = 'half';
  }
  try {
    return new Request(url, init);
  } catch {
    // Whatever else undici refuses (a target that is no URL path) is the client's input.
    detachers.get(req)?.();
    throw new RequestRejectedError('BAD_REQUEST', 'The request cannot be read: its method or target is malformed.');
  }
}

/**
 * A web `Request` for a Node request: method, URL (origin + the raw target), headers (`Host`
 * as the browser sent it, even when `baseUrl` sets the URL; see `trustProxy`) and a
 * streamed body (no buffering; `duplex: 'half'`), with a `signal` that aborts when the client
 * disconnects before the response is done.
 *
 * @throws {RequestRejectedError} for a request no handler can take: a method the fetch
 * standard forbids (TRACE, TRACK, CONNECT → 405 with `Allow`) or a malformed `Host` without
 * `baseUrl` (→ 400). Answer it with `toErrorResponse(error)`.
 * @example
 * http.createServer(async (req, res) => {
 *   const response = await handler(toWebRequest(req, { baseUrl: 'https://app.example.com' }));
 *   await sendWebResponse(res, response);
 * });
 */
export function toWebRequest(req: IncomingMessage, options: ToWebRequestOptions = {}): Request {
  return buildRequest(req, options, disconnectSignal(req, options));
}

/**
 * Like {@link toWebRequest}, but the disconnect signal comes beside the request instead of
 * inside it, for handlers that take the signal separately (`createTrackerProxy`'s
 * `context.signal`). Cheaper per request: on Node 20 a `Request` built with a `signal` costs
 * about 3× one without (undici follows the given signal with a listener, a `WeakRef` and a
 * finalizer). The request's own `signal` never aborts: pass `signal` on.
 *
 * @example
 * http.createServer(async (req, res) => {
 *   const { request, signal } = toWebRequestAndSignal(req, { res });
 *   await sendWebResponse(res, await proxy(request, { signal }));
 * });
 */
export function toWebRequestAndSignal(req: IncomingMessage, options: ToWebRequestOptions = {}): WebRequestAndSignal {
  const signal = disconnectSignal(req, options);
  return { request: buildRequest(req, options, undefined), signal };
}

/**
 * Write a web `Response` to a Node `ServerResponse`: status, headers (each `Set-Cookie`
 * separately, hop-by-hop headers dropped) and the body streamed with backpressure. When the
 * client disconnects mid-body, the response body is cancelled (which aborts an upstream fetch
 * it came from). Resolves when the response is finished or abandoned.
 *
 * An answer given before the request body was read (413, 404, 403, 408…) does not wait for
 * that body: a short one (declared `Content-Length` up to {@link DRAIN_MAX_BYTES}) is read and
 * discarded so the connection can be reused; a longer or chunked one gets `Connection: close`
 * and the socket is closed once the answer is flushed.
 */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const req = (res as { req?: IncomingMessage }).req;
  if (req && hasUnreadBody(req)) releaseUnreadBody(req, res);
  res.statusCode = response.status;
  if (response.statusText) res.statusMessage = response.statusText;
  for (const [name, value] of response.headers) {
    if (name === 'set-cookie' || HOP_BY_HOP.has(name)) continue;
    res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);

  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  let gone = false;
  const onClose = () => {
    if (res.writableFinished) return;
    gone = true;
    reader.cancel().catch(() => undefined);
  };
  res.once('close', onClose);
  // A declared length lets the common single-chunk body go out with `end(chunk)`: headers, body
  // and end in one socket write instead of a `write` and an `end`. Not for an encoded body: a
  // fetched Response keeps the compressed length while its body yields decoded bytes.
  const declared = response.headers.get('content-length');
  let remaining =
    declared !== null && /^\d+$/.test(declared) && !response.headers.has('content-encoding') ? Number(declared) : -1;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || gone) break;
      if (remaining >= 0) {
        remaining -= value.byteLength;
        if (remaining === 0) {
          res.end(value);
          // The whole declared body is out; let the stream close on its own.
          reader.releaseLock();
          return;
        }
      }
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const settle = () => {
            res.off('drain', settle);
            res.off('close', settle);
            resolve();
          };
          res.once('drain', settle);
          res.once('close', settle);
        });
      }
    }
    if (!gone) res.end();
  } catch (error) {
    // The body failed mid-way (upstream reset): the status is already sent, so the only
    // honest signal left is to cut the connection instead of ending a truncated body cleanly.
    if (!gone) res.destroy(error instanceof Error ? error : new Error('response body failed'));
  } finally {
    res.off('close', onClose);
  }
}

/** The request announced a body (length or chunked) that has not been read to its end. */
function hasUnreadBody(req: IncomingMessage): boolean {
  if (req.complete || req.readableEnded) return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Drain a short unread body, or close the connection after the answer instead of reading on. */
function releaseUnreadBody(req: IncomingMessage, res: ServerResponse): void {
  detachers.get(req)?.();
  const length = req.headers['content-length'];
  if (req.headers['transfer-encoding'] === undefined && length !== undefined && /^\d+$/.test(length) && Number(length) <= DRAIN_MAX_BYTES) {
    req.resume();
    return;
  }
  req.pause();
  // Node destroys the socket once a `Connection: close` answer is flushed.
  if (!res.headersSent) res.setHeader('connection', 'close');
  else res.once('finish', () => req.socket?.destroy());
}
