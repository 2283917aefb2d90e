/**
 * A pass-through from browser code to the Tracker API that adds the server's credentials, so
 * tokens never reach the browser. Web-standard (`Request` → `Response`): the Express, NestJS
 * and Next.js adapters only translate to it.
 *
 * Safety model (all decided once, at construction):
 * - nothing is forwarded unless `authorize(request)` said yes (or anonymous use was opted into);
 * - only allow-listed methods and path prefixes reach Tracker, and the incoming path maps 1:1
 *   onto the Tracker path after strict validation (no dot segments, no empty segments, no
 *   encoded `.` `/` `\` `%` or control characters, nothing that could turn into another host);
 * - request headers are allow-listed (Authorization, Cookie, Host and hop-by-hop never pass);
 * - request bodies are read fully, up to `maxBodyBytes`, before anything is sent: an oversize
 *   body is answered 413 and no byte of it reaches Tracker, and a buffered body lets a 401 be
 *   replayed once after `auth.invalidate()`;
 * - response bodies stream back; response headers are allow-listed (pagination kept,
 *   Set-Cookie dropped) and Tracker URLs in `Link`/`Location` are rewritten to the proxy;
 * - responses are isolated from the app's origin: always `nosniff` and a sandbox CSP, and a
 *   non-JSON body (an attachment) is a download (`Content-Disposition: attachment`);
 * - page loads (address bar, links, frames) are refused: the proxy is for `fetch()`.
 */
import { AbortedError, NetworkError, TimeoutError } from '../errors.js';
import { redactUrl } from '../redact.js';
import type { FetchLike, TrackerAuth } from '../types.js';
import { jsonError, toErrorResponse } from './error-response.js';
import {
  BODYLESS_METHODS,
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_REQUEST_HEADERS,
  DEFAULT_RESPONSE_HEADERS,
  DEFAULT_TIMEOUT_MS,
  ISOLATION_HEADERS,
  KNOWN_METHODS,
  attachmentDisposition,
  headerList,
  invalid,
  isJsonType,
  isNavigation,
  isSafeTrackerPath,
  matchesPrefix,
  normalizeBasePath,
  pathPrefixes,
  readBody,
  trackerBaseOf,
} from './proxy-rules.js';
import type { UserAuth } from './user-auth.js';

/** Methods the proxy forwards unless `methods` says otherwise: reads plus create/update. */
export const DEFAULT_PROXY_METHODS: readonly string[] = Object.freeze(['GET', 'HEAD', 'POST', 'PATCH']);
/** Tracker path prefixes the proxy forwards unless `allowPaths` says otherwise. */
export const DEFAULT_PROXY_PATHS: readonly string[] = Object.freeze(['/v2/', '/v3/']);
/** Default request body limit: 1 MiB. */
export const DEFAULT_PROXY_MAX_BODY_BYTES = 1024 * 1024;
/** Default time for a whole request body to arrive: 30 s (then 408). */
export const DEFAULT_PROXY_BODY_TIMEOUT_MS = DEFAULT_BODY_TIMEOUT_MS;


/** Whom the proxy acts as: one credential for all, or one per request (user mode). */
export type TrackerProxyAuth =
  | TrackerAuth
  | ((request: Request) => TrackerAuth | UserAuth | Promise<TrackerAuth | UserAuth>);

/** Options of {@link createTrackerProxy}. */
export interface TrackerProxyOptions {
  /**
   * The credential to call Tracker with: a `TrackerAuth` (service mode), or a function of the
   * request (user mode), e.g. `(request) => flow.userAuth(request)`. A returned `UserAuth`'s
   * `setCookie` (rotated tokens) is added to the response. Throwing `SignInRequiredError`
   * answers 401.
   */
  auth: TrackerProxyAuth;
  /**
   * Decides whether this request may use the proxy; `false` answers 403 and nothing is
   * forwarded. Runs after method/path checks and before the body is read (do not read the
   * body here). Required unless `allowAnonymous: true`.
   */
  authorize?: ((request: Request) => boolean | Promise<boolean>) | undefined;
  /** Explicit opt-in to serve anyone who can reach the proxy, without `authorize`. */
  allowAnonymous?: true | undefined;
  /**
   * The path prefix the proxy is mounted at, stripped from the request URL, e.g.
   * `/api/tracker` (so `/api/tracker/v3/myself` → `/v3/myself`). Default `''`. Also used to
   * rewrite Tracker URLs in `Link`/`Location`.
   */
  basePath?: string | undefined;
  /** Methods forwarded; others get 405. Default `GET HEAD POST PATCH`; PUT and DELETE are opt-in. */
  methods?: readonly string[] | undefined;
  /**
   * Tracker path prefixes forwarded (segment-wise: `/v3/issues` allows `/v3/issues` and
   * `/v3/issues/…`, not `/v3/issues2`); others get 404. Default `['/v2/', '/v3/']`.
   */
  allowPaths?: readonly string[] | undefined;
  /** Largest request body accepted, bytes; larger → 413 before anything is sent. Default 1 MiB. */
  maxBodyBytes?: number | undefined;
  /**
   * Time for the whole request body to arrive once the proxy starts reading it, ms; a slower
   * body → 408 and nothing is sent. Default 30 000.
   */
  bodyTimeoutMs?: number | undefined;
  /**
   * Tracker path prefixes (as in `allowPaths`) whose non-JSON responses are served inline, e.g.
   * images shown with `<img src>`. Elsewhere a non-JSON body gets `Content-Disposition:
   * attachment`. The sandbox CSP and `nosniff` apply everywhere regardless. Default none.
   */
  inlinePaths?: readonly string[] | undefined;
  /**
   * `true`: let the browser load proxy URLs as pages (links, address bar, frames), e.g. for
   * download links. By default such loads (`Sec-Fetch-Mode: navigate`, `Sec-Fetch-Dest`
   * document, frame, iframe, embed or object) get 403 `NAVIGATION_REFUSED`.
   */
  allowNavigation?: true | undefined;
  /** Extra request header names to forward (Authorization, Cookie, Host, hop-by-hop are refused). */
  requestHeaders?: readonly string[] | undefined;
  /** Extra response header names to pass back (Set-Cookie and hop-by-hop are refused). */
  responseHeaders?: readonly string[] | undefined;
  /** Default `https://api.tracker.yandex.net`. */
  trackerUrl?: string | undefined;
  fetch?: FetchLike | undefined;
  /** Time to wait for Tracker's response headers, ms. Default 30 000. */
  timeoutMs?: number | undefined;
  /**
   * Observer of failures that became an error response (credential, network, timeout,
   * unexpected). For logging; its return value is ignored and it must not throw.
   */
  onError?: ((error: unknown, request: Request) => void) | undefined;
}

/** Per-request hints from an adapter. */
export interface TrackerProxyContext {
  /**
   * The raw request target relative to the mount point, exactly as received (Express:
   * `req.url`). Used instead of `request.url` minus `basePath`, so dot segments and encodings
   * that URL parsing would silently resolve are seen and rejected.
   */
  path?: string | undefined;
  /** The public mount path of this request (Express: `req.baseUrl`), for `Link` rewriting. */
  basePath?: string | undefined;
  /**
   * Aborts when the client went away; used instead of `request.signal` (which then does not
   * matter). The Node bridge's `toWebRequestAndSignal()` hands it over this way because a
   * `Request` built with a signal is about 3× dearer on Node 20.
   */
  signal?: AbortSignal | undefined;
}

/** What {@link createTrackerProxy} returns. */
export type TrackerProxy = (request: Request, context?: TrackerProxyContext) => Promise<Response>;


function isUserAuth(value: TrackerAuth | UserAuth): value is UserAuth {
  return typeof (value as TrackerAuth).headers !== 'function' && typeof (value as UserAuth).auth === 'object';
}

/**
 * Create a proxy handler `(request) => Promise<Response>` that forwards allow-listed Tracker
 * calls with server-side credentials. Options are validated here (ConfigurationError).
 *
 * @example
 * const proxy = createTrackerProxy({
 *   auth: createTrackerAuth({ credentials: oauthToken(process.env.TRACKER_TOKEN!), org: { orgId: '123' } }),
 *   authorize: (request) => isSignedIn(request),
 *   basePath: '/api/tracker',
 * });
 * // GET /api/tracker/v3/issues/TEST-1 → GET https://api.tracker.yandex.net/v3/issues/TEST-1
 */
export function createTrackerProxy(options: TrackerProxyOptions): TrackerProxy {
  if (!options || typeof options !== 'object') invalid('options', 'createTrackerProxy: pass an options object.');
  const { auth, authorize, onError } = options;
  if (typeof auth !== 'function' && (typeof auth !== 'object' || auth === null || typeof auth.headers !== 'function')) {
    invalid('auth', 'createTrackerProxy: auth must be a TrackerAuth (createTrackerAuth()) or a function of the request returning one.');
  }
  if (authorize !== undefined && typeof authorize !== 'function') {
    invalid('authorize', 'createTrackerProxy: authorize must be a function (request) => boolean.');
  }
  if (options.allowAnonymous !== undefined && options.allowAnonymous !== true) {
    invalid('allowAnonymous', 'createTrackerProxy: allowAnonymous can only be true.');
  }
  if (authorize === undefined && options.allowAnonymous !== true) {
    invalid(
      'authorize',
      'createTrackerProxy: pass authorize(request) to decide who may use your Tracker credentials, or allowAnonymous: true to let anyone who reaches the proxy use them.',
    );
  }
  if (onError !== undefined && typeof onError !== 'function') invalid('onError', 'createTrackerProxy: onError must be a function.');

  const basePath = normalizeBasePath(options.basePath);
  const methods = new Set<string>();
  for (const method of options.methods ?? DEFAULT_PROXY_METHODS) {
    const upper = typeof method === 'string' ? method.toUpperCase() : '';
    if (!KNOWN_METHODS.has(upper)) invalid('methods', `createTrackerProxy: methods may only contain ${[...KNOWN_METHODS].join(', ')}.`);
    methods.add(upper);
  }
  if (methods.size === 0) invalid('methods', 'createTrackerProxy: methods must not be empty.');
  const allowHeader = [...methods].join(', ');

  const allowPaths = pathPrefixes(options.allowPaths ?? DEFAULT_PROXY_PATHS, 'allowPaths');
  if (allowPaths.length === 0) invalid('allowPaths', 'createTrackerProxy: allowPaths must not be empty.');
  const inlinePaths = pathPrefixes(options.inlinePaths ?? [], 'inlinePaths');
  if (options.allowNavigation !== undefined && options.allowNavigation !== true) {
    invalid('allowNavigation', 'createTrackerProxy: allowNavigation can only be true.');
  }
  const allowNavigation = options.allowNavigation === true;

  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_PROXY_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0) {
    invalid('maxBodyBytes', 'createTrackerProxy: maxBodyBytes must be a non-negative integer (bytes).');
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) invalid('timeoutMs', 'createTrackerProxy: timeoutMs must be a positive number of milliseconds.');
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  if (!Number.isFinite(bodyTimeoutMs) || bodyTimeoutMs <= 0) {
    invalid('bodyTimeoutMs', 'createTrackerProxy: bodyTimeoutMs must be a positive number of milliseconds.');
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') invalid('fetch', 'createTrackerProxy: fetch must be a function.');

  const trackerBase = trackerBaseOf(options.trackerUrl);
  const requestHeaders = headerList(options.requestHeaders, DEFAULT_REQUEST_HEADERS, 'requestHeaders');
  const responseHeaders = headerList(options.responseHeaders, DEFAULT_RESPONSE_HEADERS, 'responseHeaders');
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  const isAllowedPath = (path: string): boolean => matchesPrefix(allowPaths, path);

  const report = (error: unknown, request: Request): void => {
    try {
      onError?.(error, request);
    } catch {
      // An observer must not turn an error answer into a crash.
    }
  };

  return async function trackerProxy(request: Request, context?: TrackerProxyContext): Promise<Response> {
    const method = request.method.toUpperCase();
    if (!methods.has(method)) {
      return jsonError(405, 'METHOD_NOT_ALLOWED', `Method ${method} is not allowed here.`, { allow: allowHeader });
    }

    const url = new URL(request.url);
    let path: string;
    if (context?.path !== undefined) {
      const raw = context.path;
      const q = raw.indexOf('?');
      path = q === -1 ? raw : raw.slice(0, q);
    } else {
      const pathname = url.pathname;
      if (basePath !== '' && pathname !== basePath && !(pathname.startsWith(basePath) && pathname.charCodeAt(basePath.length) === 47)) {
        return jsonError(404, 'NOT_FOUND', 'Not found.');
      }
      path = pathname.slice(basePath.length);
    }
    if (!isSafeTrackerPath(path)) {
      return jsonError(400, 'BAD_PATH', 'The request path is not a valid Tracker API path.');
    }
    if (!isAllowedPath(path)) return jsonError(404, 'PATH_NOT_ALLOWED', 'This Tracker API path is not available through the proxy.');
    if (!allowNavigation && isNavigation(request)) {
      return jsonError(
        403,
        'NAVIGATION_REFUSED',
        "The Tracker proxy answers the app's fetch() calls only; it is not opened as a page, link or frame, so Tracker content never runs as this site.",
      );
    }

    try {
      if (authorize !== undefined && (await authorize(request)) !== true) {
        return jsonError(403, 'FORBIDDEN', 'Not allowed to use the Tracker proxy.');
      }
    } catch (error) {
      report(error, request);
      return toErrorResponse(error);
    }

    let body: Uint8Array<ArrayBuffer> | undefined;
    if (!BODYLESS_METHODS.has(method)) {
      const read = await readBody(request, maxBodyBytes, bodyTimeoutMs);
      if (read === 'timeout') return jsonError(408, 'REQUEST_TIMEOUT', `The request body did not arrive within ${bodyTimeoutMs} ms.`);
      if (read === 'too-large') {
        return jsonError(413, 'PAYLOAD_TOO_LARGE', `The request body exceeds ${maxBodyBytes} bytes.`);
      }
      if (read === 'bad-length') return jsonError(400, 'BAD_REQUEST', 'Invalid Content-Length.');
      if (read === 'unreadable') return jsonError(400, 'BAD_REQUEST', 'The request body could not be read.');
      body = read;
    }

    const forwarded: [string, string][] = [];
    for (const name of requestHeaders) {
      const value = request.headers.get(name);
      if (value !== null) forwarded.push([name, value]);
    }
    const target = trackerBase + path + url.search;

    const clientSignal = context?.signal ?? request.signal;
    let userAuth: UserAuth | undefined;
    try {
      const resolved = typeof auth === 'function' ? await auth(request) : auth;
      userAuth = isUserAuth(resolved) ? resolved : undefined;
      const trackerAuth = userAuth ? userAuth.auth : (resolved as TrackerAuth);

      let upstream = await send(trackerAuth, method, target, forwarded, body, clientSignal);
      if (upstream.response.status === 401) {
        // One forced credential refresh and one replay, never a loop (architecture principle 6).
        // The body was buffered, so the replay sends exactly the same request.
        await upstream.response.body?.cancel().catch(() => undefined);
        await trackerAuth.invalidate(upstream.authorization);
        upstream = await send(trackerAuth, method, target, forwarded, body, clientSignal);
      }
      const response = upstream.response;
      const headers = new Headers();
      const publicBase = context?.basePath !== undefined ? stripSlash(context.basePath) : basePath;
      for (const name of responseHeaders) {
        const value = response.headers.get(name);
        if (value === null) continue;
        headers.set(name, name === 'link' || name === 'location' ? value.split(trackerBase).join(publicBase) : value);
      }
      // fetch decodes compressed bodies, so a Content-Length is only right for identity bodies.
      const length = response.headers.get('content-length');
      if (length !== null && !response.headers.has('content-encoding')) headers.set('content-length', length);
      headers.set('cache-control', 'no-store');
      for (const [name, value] of ISOLATION_HEADERS) headers.set(name, value);
      const noBody = method === 'HEAD' || response.status === 204 || response.status === 304;
      if (!noBody && !isJsonType(response.headers.get('content-type')) && !matchesPrefix(inlinePaths, path)) {
        headers.set('content-disposition', attachmentDisposition(response.headers.get('content-disposition')));
      }
      const setCookie = userAuth?.setCookie;
      if (setCookie) headers.append('set-cookie', setCookie);
      if (noBody) await response.body?.cancel().catch(() => undefined);
      return new Response(noBody ? null : response.body, { status: response.status, statusText: response.statusText, headers });
    } catch (error) {
      report(error, request);
      const setCookie = userAuth?.setCookie;
      return toErrorResponse(error, setCookie ? { 'set-cookie': setCookie } : undefined);
    }
  };

  async function send(
    trackerAuth: TrackerAuth,
    method: string,
    target: string,
    forwarded: [string, string][],
    body: Uint8Array<ArrayBuffer> | undefined,
    clientSignal: AbortSignal | undefined,
  ): Promise<{ response: Response; authorization: string }> {
    const authHeaders = await trackerAuth.headers(clientSignal ? { signal: clientSignal } : undefined);
    const headers = new Headers(forwarded);
    for (const name in authHeaders) {
      const value = authHeaders[name];
      if (value !== undefined) headers.set(name, value);
    }
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    (timer as { unref?: () => void }).unref?.();
    // Forward the client's abort by hand: AbortSignal.any() costs 30-150 µs per call on Node 20
    // (tools/bench handler.bench.mjs). The listener stays for the response body's lifetime so a
    // client that leaves mid-stream still cancels the upstream; it dies with the request's signal.
    if (clientSignal) {
      if (clientSignal.aborted) controller.abort(clientSignal.reason);
      else clientSignal.addEventListener('abort', () => controller.abort(clientSignal.reason), { once: true });
    }
    const signal = controller.signal;
    try {
      const response = await fetchImpl(target, { method, headers, body, signal, redirect: 'manual' });
      return { response, authorization: authHeaders.Authorization };
    } catch (error) {
      // The message reaches the browser: the operation and Tracker path only, never the
      // upstream origin. The full URL stays on `cause.url` for server logs (`onError`).
      const where = `${method} ${pathOf(target)}`;
      const url = redactUrl(target);
      if (timedOut) throw new TimeoutError(`Tracker proxy: no answer within ${timeoutMs} ms: ${where}`, { cause: { url } });
      if (clientSignal?.aborted) throw new AbortedError(`Tracker proxy: the client went away: ${where}`, { cause: { url } });
      throw new NetworkError(`Tracker proxy: Tracker could not be reached: ${where}`, {
        cause: error instanceof Error ? { name: error.name, message: error.message, url } : { url },
      });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The path of a Tracker URL (no origin, no query): what an error message may name. */
function pathOf(target: string): string {
  return new URL(target).pathname;
}

function stripSlash(path: string): string {
  return path.endsWith('/') ? path.slice(0, -1) : path;
}
