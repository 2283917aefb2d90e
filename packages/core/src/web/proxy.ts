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
import { discardResponse } from '../http/upstream.js';
import type { FetchLike, TrackerAuth } from '../types.js';
import { optionFailer, type OptionFail } from '../validate.js';
import { withCookies } from './cookies.js';
import { jsonError, toErrorResponse } from './error-response.js';
import { resolveProxyOptions, type ProxyActor, type ProxyRuleOptions } from './proxy-config.js';
import {
  FORBIDDEN_REFUSAL,
  answerHeaders,
  bodyRefusal,
  forwardedHeaders,
  routeRequest,
  sendWithReplay,
  upstreamFailure,
} from './proxy-decide.js';
import { BODYLESS_METHODS, readBody } from './proxy-rules.js';
import type { UserAuth } from './user-auth.js';

export {
  DEFAULT_PROXY_BODY_TIMEOUT_MS,
  DEFAULT_PROXY_MAX_BODY_BYTES,
  DEFAULT_PROXY_METHODS,
  DEFAULT_PROXY_PATHS,
} from './proxy-config.js';

/** Whom the proxy acts as: one credential for all, or one per request (user mode). */
export type TrackerProxyAuth =
  | TrackerAuth
  | ((request: Request) => TrackerAuth | UserAuth | Promise<TrackerAuth | UserAuth>);

/** Options of {@link createTrackerProxy}. */
export interface TrackerProxyOptions extends ProxyRuleOptions {
  /**
   * The credential to call Tracker with: a `TrackerAuth` (service mode), or a function of the
   * request returning one or a `UserAuth` (whose `cookies`, rotated tokens, are added to the
   * response). Throwing `SignInRequiredError` answers 401. Pass this or `user`.
   */
  auth?: TrackerProxyAuth | undefined;
  /**
   * Decides whether this request may use the proxy; `false` answers 403 and nothing is
   * forwarded. Runs after method/path checks and before the body is read (do not read the
   * body here). Required unless `allowAnonymous: true`, or `user` is given (then the default
   * is `sameOriginSignedIn(user)`).
   */
  authorize?: ((request: Request) => boolean | Promise<boolean>) | undefined;
  fetch?: FetchLike | undefined;
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
 *
 * // User mode: each signed-in user's own token, default gate sameOriginSignedIn(flow)
 * const userProxy = createTrackerProxy({ user: flow, basePath: '/api/tracker' });
 */
export function createTrackerProxy(options: TrackerProxyOptions): TrackerProxy {
  const fail: OptionFail = optionFailer('createTrackerProxy');
  const { config, actor, authorize, report } = resolveProxyOptions<Request>(options, fail, (request) => request);
  const { fetch: fetchOption } = options;
  if (fetchOption !== undefined && typeof fetchOption !== 'function') fail('fetch', 'must be a function');
  const { timeoutMs } = config;
  const fetchImpl: FetchLike = fetchOption ?? ((input, init) => globalThis.fetch(input, init));

  return async function trackerProxy(request: Request, context?: TrackerProxyContext): Promise<Response> {
    const method = request.method.toUpperCase();
    const header = (name: string) => request.headers.get(name);
    const url = new URL(request.url);
    const raw = context?.path;
    // The adapter's raw target is seen as sent, so dot segments URL parsing would resolve are caught.
    const path = routeRequest(config, method, raw ?? url.pathname, raw === undefined, header);
    if (typeof path !== 'string') return jsonError(...path);

    // Whom the request acts as, once known: its rotated session cookies go with any answer.
    let who: ProxyActor | undefined;
    try {
      if (authorize !== undefined && (await authorize(request)) !== true) return jsonError(...FORBIDDEN_REFUSAL);

      let body: Uint8Array<ArrayBuffer> | undefined;
      if (!BODYLESS_METHODS.has(method)) {
        const read = await readBody(request, config.maxBodyBytes, config.bodyTimeoutMs);
        if (typeof read === 'string') return jsonError(...bodyRefusal(config, read));
        body = read;
      }

      const forwarded = forwardedHeaders(config, header);
      const upstreamUrl = config.trackerBase + path + url.search;
      const clientSignal = context?.signal ?? request.signal;
      who = await actor(request);
      const response = await sendWithReplay(
        who.auth,
        clientSignal,
        async (authHeaders) => {
          const headers = new Headers(forwarded);
          for (const name in authHeaders) headers.set(name, authHeaders[name]!);
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
          if (clientSignal.aborted) controller.abort(clientSignal.reason);
          else clientSignal.addEventListener('abort', () => controller.abort(clientSignal.reason), { once: true });
          try {
            return await fetchImpl(upstreamUrl, { method, headers, body, signal: controller.signal, redirect: 'manual' });
          } catch (error) {
            throw upstreamFailure(timedOut ? 'timeout' : clientSignal.aborted ? 'gone' : 'network', method, upstreamUrl, timeoutMs, error);
          } finally {
            clearTimeout(timer);
          }
        },
        discardResponse,
      );
      const answer = answerHeaders(
        config,
        method,
        path,
        context?.basePath,
        response.status,
        (name) => response.headers.get(name),
        true,
        who.cookies,
      );
      if (answer.noBody) discardResponse(response);
      return new Response(answer.noBody ? null : response.body, {
        status: response.status,
        statusText: response.statusText,
        headers: answer.headers,
      });
    } catch (error) {
      report(error, request);
      return withCookies(toErrorResponse(error), who?.cookies ?? []);
    }
  };
}
