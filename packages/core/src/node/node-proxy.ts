/**
 * The Tracker proxy on Node's own terms: `(req, res) => Promise<void>` over `node:http`, with
 * upstream calls on an undici `Pool` (keep-alive connections reused across requests) and the
 * upstream body streamed straight into the `ServerResponse` (`undici.stream`). The rules are
 * core's, decided by the same steps as `createTrackerProxy` (web/proxy-decide.ts); only the
 * transport differs, so no web `Request` or `Response` is built on the way.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { Pool, type Dispatcher } from 'undici';
import type { TrackerAuth } from '../types.js';
import { optionFailer, type OptionFail } from '../validate.js';
import { withCookies } from '../web/cookies.js';
import { jsonError, toErrorResponse } from '../web/error-response.js';
import type { TrackerProxyOptions } from '../web/proxy.js';
import { resolveProxyOptions, type ProxyActor, type ProxyConfig } from '../web/proxy-config.js';
import {
  FORBIDDEN_REFUSAL,
  answerHeaders,
  bodyRefusal,
  forwardedHeaders,
  routeRequest,
  sendWithReplay,
  upstreamFailure,
  type HeaderLookup,
  type ProxyRefusal,
} from '../web/proxy-decide.js';
import { BODYLESS_METHODS } from '../web/proxy-rules.js';
import type { UserAuth } from '../web/user-auth.js';
import { sendWebResponse } from './http-bridge.js';
import { readRequestBody } from './request-body.js';
import { createWebRequestReader, type WebRequestReaderOptions } from './web-request-reader.js';

/** Options of {@link createNodeTrackerProxy}: core's proxy options, callbacks taking the Node request. */
export interface NodeTrackerProxyOptions
  extends Omit<TrackerProxyOptions, 'auth' | 'authorize' | 'onError' | 'fetch'>,
    WebRequestReaderOptions {
  /**
   * The credential: a `TrackerAuth` (service mode), or a function of the request returning a
   * `TrackerAuth` or a `UserAuth` (its `cookies` are added to the response). Pass this or `user`
   * (whose flow reads the session cookie from a body-less web `Request` built with `baseUrl` and
   * `trustProxy`).
   */
  auth?: TrackerAuth | ((req: IncomingMessage) => TrackerAuth | UserAuth | Promise<TrackerAuth | UserAuth>) | undefined;
  /**
   * Who may use the proxy (`false` → 403, nothing forwarded). Required unless `allowAnonymous:
   * true`, or `user` is given (default `sameOriginSignedIn(user)`). Do not read the body here.
   */
  authorize?: ((req: IncomingMessage) => boolean | Promise<boolean>) | undefined;
  /** Observer of failures answered with an error status (for logging; must not throw). */
  onError?: ((error: unknown, req: IncomingMessage) => void) | undefined;
  /**
   * Most keep-alive connections to Tracker held at once (undici `Pool` `connections`). Default
   * unlimited, as with `fetch`: idle ones are reused, and closed after Tracker's keep-alive time.
   */
  connections?: number | undefined;
  /**
   * An undici `Dispatcher` (a shared `Agent` or `Pool`) to send through instead of the proxy's
   * own `Pool`; its connections are then the caller's to close.
   */
  dispatcher?: Dispatcher | undefined;
}

/** Per-request hints from an adapter (Express: the raw target below the mount and the mount path). */
export interface NodeTrackerProxyContext {
  /** The raw request target below the mount point, as received (Express: from `originalUrl`). */
  path?: string | undefined;
  /** The public mount path of this request (Express: `req.baseUrl`), for `Link` rewriting. */
  basePath?: string | undefined;
}

/** What {@link createNodeTrackerProxy} returns: answers every request itself; never rejects. */
export interface NodeTrackerProxy {
  (req: IncomingMessage, res: ServerResponse, context?: NodeTrackerProxyContext): Promise<void>;
  /** Close the proxy's own upstream connections (not a `dispatcher` that was passed in). */
  close(): Promise<void>;
}

/** A 401 body kept aside while deciding whether to replay: at most this much of it. */
const KEPT_401_BYTES = 64 * 1024;

function headerOf(headers: IncomingMessage['headers']): HeaderLookup {
  return (name) => {
    const value = headers[name];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  };
}

/** One upstream attempt's outcome: streamed into `res`, or a 401 kept aside. */
interface Attempt {
  status: number;
  headers: IncomingMessage['headers'];
  /** The body of a 401 that was not streamed (it may be replayed instead). */
  kept?: Buffer[];
}

/**
 * Create the Tracker proxy as a Node request handler: the same rules as
 * {@link createTrackerProxy} (validated here, ConfigurationError), forwarded over pooled
 * keep-alive connections with the response streamed straight back. For Express, NestJS and
 * plain `node:http`; `createTrackerProxy` stays the one for web-standard runtimes.
 *
 * Deadlines are undici's own: `timeoutMs` is both the wait for Tracker's response headers
 * (`headersTimeout`) and the longest pause between body chunks (`bodyTimeout`); a client that
 * leaves aborts the upstream call (`signal`).
 *
 * @example
 * const proxy = createNodeTrackerProxy({ auth, authorize: (req) => isSignedIn(req), basePath: '/api/tracker' });
 * http.createServer((req, res) => void proxy(req, res));
 * // User mode: the signed-in user's token, default gate sameOriginSignedIn(flow)
 * const userProxy = createNodeTrackerProxy({ user: flow, baseUrl: 'https://app.example.com', basePath: '/api/tracker' });
 */
export function createNodeTrackerProxy(options: NodeTrackerProxyOptions): NodeTrackerProxy {
  const read = createWebRequestReader(options && typeof options === 'object' ? { baseUrl: options.baseUrl, trustProxy: options.trustProxy } : {});
  // User mode: the gate and the credential both read the session cookie; one web Request per request.
  const webRequests = new WeakMap<IncomingMessage, Request>();
  const webRequestOf = (req: IncomingMessage): Request => {
    let request = webRequests.get(req);
    if (request === undefined) webRequests.set(req, (request = read(req)));
    return request;
  };
  const fail: OptionFail = optionFailer('createNodeTrackerProxy');
  const { config, actor, authorize, report } = resolveProxyOptions(options, fail, webRequestOf);
  if (options.connections !== undefined && (!Number.isSafeInteger(options.connections) || options.connections < 1)) {
    fail('connections', 'must be a positive integer');
  }
  if (options.dispatcher !== undefined && (typeof options.dispatcher !== 'object' || typeof options.dispatcher?.stream !== 'function')) {
    fail('dispatcher', 'must be an undici Dispatcher (Agent, Pool)');
  }
  const base = new URL(config.trackerBase);
  const origin = base.origin;
  const prefix = base.pathname === '/' ? '' : base.pathname;
  const own = options.dispatcher === undefined ? new Pool(origin, { connections: options.connections ?? null }) : undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? own!;

  async function handle(req: IncomingMessage, res: ServerResponse, context?: NodeTrackerProxyContext): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const host = req.headers.host;
    if (host !== undefined && !isHostHeader(host)) return refuse(res, BAD_HOST_REFUSAL);
    const header = headerOf(req.headers);
    const raw = context?.path ?? req.url ?? '/';
    const path = routeRequest(config, method, raw, context?.path === undefined, header);
    if (typeof path !== 'string') return refuse(res, path);
    const q = raw.indexOf('?');
    const search = q === -1 || q === raw.length - 1 ? '' : raw.slice(q);

    try {
      if (authorize !== undefined && (await authorize(req)) !== true) return refuse(res, FORBIDDEN_REFUSAL);
    } catch (error) {
      report(error, req);
      return sendWebResponse(res, toErrorResponse(error));
    }

    let body: Buffer | undefined;
    if (!BODYLESS_METHODS.has(method)) {
      const read = await readRequestBody(req, config.maxBodyBytes, config.bodyTimeoutMs);
      if (typeof read === 'string') return refuse(res, bodyRefusal(config, read));
      body = read;
    }

    const forwarded = forwardedHeaders(config, header);
    const upstreamPath = prefix + path + search;
    // The client's departure aborts the upstream call; one listener, on the response's close.
    const controller = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) controller.abort();
    };
    res.once('close', onClose);

    let who: ProxyActor | undefined;
    try {
      const acting = await actor(req);
      who = acting;
      const mount = context?.basePath;
      let attempts = 0;
      const finalAttempt = await sendWithReplay<Attempt>(
        acting.auth,
        controller.signal,
        (authHeaders) => {
          attempts++;
          const headers: string[] = [];
          for (const [name, value] of forwarded) headers.push(name, value);
          for (const name in authHeaders) headers.push(name, authHeaders[name]!);
          return sendUpstream(dispatcher, config, {
            origin,
            method,
            upstreamPath,
            headers,
            body,
            signal: controller.signal,
            // Only a first 401 is kept aside for a possible replay; everything else streams.
            keep401: attempts === 1,
            res,
            answer: (status, upstreamHeaders) =>
              answerHeaders(config, method, path, mount, status, headerOf(upstreamHeaders), false, acting.cookies),
          });
        },
        // The 401's body was already read to its end (kept aside): the connection is free.
        async () => undefined,
      );
      if (finalAttempt.kept !== undefined) {
        // A 401 passed back (the credential's cooldown said a replay would resend the same token).
        const answer = answerHeaders(config, method, path, mount, 401, headerOf(finalAttempt.headers), false, acting.cookies);
        const bodyBytes = Buffer.concat(finalAttempt.kept);
        res.statusCode = 401;
        for (const [name, value] of answer.headers) if (name !== 'content-length') res.setHeader(name, value);
        res.setHeader('content-length', answer.noBody ? 0 : bodyBytes.length);
        res.end(answer.noBody ? undefined : bodyBytes);
      }
    } catch (error) {
      // Mid-body failures already cut the response (undici destroys it): nothing to answer.
      if (res.headersSent) return;
      const failure = upstreamError(error, method, config, origin + upstreamPath, controller.signal.aborted);
      report(failure, req);
      if (res.destroyed) return;
      await sendWebResponse(res, withCookies(toErrorResponse(failure), who?.cookies ?? []));
    } finally {
      res.off('close', onClose);
    }
  }

  const proxy = ((req, res, context) => handle(req, res, context)) as NodeTrackerProxy;
  proxy.close = async () => {
    await own?.close();
  };
  return proxy;
}

interface UpstreamCall {
  /** Tracker's origin: a shared `Agent` routes by it (a `Pool` has its own). */
  origin: string;
  method: string;
  upstreamPath: string;
  headers: string[];
  body: Buffer | undefined;
  signal: AbortSignal;
  keep401: boolean;
  res: ServerResponse;
  answer(status: number, headers: IncomingMessage['headers']): { headers: [string, string][]; noBody: boolean };
}

/**
 * One upstream call with `undici.stream`: the body goes straight into `res` with undici's
 * backpressure, except a first 401's, which is read into memory (up to 64 KiB) so the
 * connection is free for the replay.
 */
function sendUpstream(dispatcher: Dispatcher, config: ProxyConfig, call: UpstreamCall): Promise<Attempt> {
  let attempt: Attempt | undefined;
  const { res } = call;
  return new Promise<Attempt>((resolve, reject) => {
    dispatcher.stream(
      {
        origin: call.origin,
        path: call.upstreamPath,
        method: call.method as Dispatcher.HttpMethod,
        headers: call.headers,
        body: call.body ?? null,
        signal: call.signal,
        headersTimeout: config.timeoutMs,
        bodyTimeout: config.timeoutMs,
      },
      ({ statusCode, headers }) => {
        if (statusCode === 401 && call.keep401) {
          const kept: Buffer[] = [];
          let size = 0;
          attempt = { status: statusCode, headers, kept };
          return new Writable({
            write(chunk: Buffer, _encoding, done) {
              size += chunk.length;
              if (size <= KEPT_401_BYTES) kept.push(chunk);
              done();
            },
          });
        }
        attempt = { status: statusCode, headers };
        const answer = call.answer(statusCode, headers);
        res.statusCode = statusCode;
        for (const [name, value] of answer.headers) res.setHeader(name, value);
        // undici passes the bytes on as they came (it does not decode): their encoding must be named.
        const encoding = headers['content-encoding'];
        if (encoding !== undefined && !res.hasHeader('content-encoding')) res.setHeader('content-encoding', encoding);
        return res;
      },
      (error) => {
        if (error) reject(error);
        else resolve(attempt!);
      },
    );
  });
}

/** The library error for a failed upstream call (see {@link upstreamFailure}); anything but a transport failure is returned as is. */
function upstreamError(error: unknown, method: string, config: ProxyConfig, url: string, clientGone: boolean): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  // Anything but a transport failure (a credential error, a bug) keeps its own answer.
  const transport = typeof code === 'string' && (code.startsWith('UND_ERR') || /^E[A-Z]+$/.test(code));
  if (!clientGone && !transport) return error;
  const kind =
    clientGone || code === 'UND_ERR_ABORTED'
      ? 'gone'
      : code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT'
        ? 'timeout'
        : 'network';
  return upstreamFailure(kind, method, url, config.timeoutMs, error);
}

const BAD_HOST_REFUSAL: ProxyRefusal = [400, 'BAD_REQUEST', 'The Host header is not a valid host name.'];
const HOST_HEADER = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/;

/**
 * A `Host` that is a host[:port]. The proxy builds no URL from it, but the Node bridge answers
 * such a request 400 and both transports give the same answers.
 */
function isHostHeader(host: string): boolean {
  const match = HOST_HEADER.exec(host);
  return match !== null && (match[1] === undefined || Number(match[1]) <= 65535);
}

function refuse(res: ServerResponse, refusal: ProxyRefusal): Promise<void> {
  return sendWebResponse(res, jsonError(...refusal));
}
