/**
 * The Tracker proxy's options, validated once into the settings both transports decide with
 * (`createTrackerProxy` on `fetch`, `createNodeTrackerProxy` on a pooled Node transport), so
 * the two can never disagree about a limit, a default or who may use the proxy.
 */
import type { TrackerAuth } from '../types.js';
import type { OAuthFlow } from './oauth-flow.js';
import { sameOriginSignedIn } from './proxy-gate.js';
import {
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_REQUEST_HEADERS,
  DEFAULT_RESPONSE_HEADERS,
  DEFAULT_TIMEOUT_MS,
  KNOWN_METHODS,
  headerList,
  invalid,
  normalizeBasePath,
  pathPrefixes,
  trackerBaseOf,
} from './proxy-rules.js';
import type { UserAuth } from './user-auth.js';

/** Methods the proxy forwards unless `methods` says otherwise: reads plus create/update. */
export const DEFAULT_PROXY_METHODS: readonly string[] = /* @__PURE__ */ Object.freeze(['GET', 'HEAD', 'POST', 'PATCH']);
/** Tracker path prefixes the proxy forwards unless `allowPaths` says otherwise. */
export const DEFAULT_PROXY_PATHS: readonly string[] = /* @__PURE__ */ Object.freeze(['/v2/', '/v3/']);
/** Default request body limit: 1 MiB. */
export const DEFAULT_PROXY_MAX_BODY_BYTES = 1024 * 1024;
/** Default time for a whole request body to arrive: 30 s (then 408). */
export const DEFAULT_PROXY_BODY_TIMEOUT_MS = DEFAULT_BODY_TIMEOUT_MS;

/** The options every transport shares (what is decided, not how it is sent). */
export interface ProxyRuleOptions {
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
  /** Time to wait for Tracker's response headers, ms. Default 30 000. */
  timeoutMs?: number | undefined;
  auth?: unknown;
  /**
   * User mode: act as the user signed in through this flow (`createOAuthFlow()`), i.e.
   * `auth: (request) => flow.userAuth(request)`, with rotated session cookies added to the
   * answer. Exclusive with `auth`. Without `authorize` (and without `allowAnonymous: true`) the
   * gate is {@link sameOriginSignedIn}`(flow)`: a valid session, not sent by another site.
   */
  user?: OAuthFlow | undefined;
  authorize?: unknown;
  onError?: unknown;
}

/** Validated proxy settings, computed once per proxy. */
export interface ProxyConfig {
  methods: ReadonlySet<string>;
  /** The `Allow` header of a 405. */
  allowHeader: string;
  basePath: string;
  allowPaths: readonly string[];
  inlinePaths: readonly string[];
  allowNavigation: boolean;
  maxBodyBytes: number;
  timeoutMs: number;
  bodyTimeoutMs: number;
  /** Tracker's origin and base path, without a trailing slash. */
  trackerBase: string;
  requestHeaders: readonly string[];
  responseHeaders: readonly string[];
}

/** Whom a transport's request acts as, once {@link resolveProxyOptions} resolved `auth`/`user`. */
export type ResolvedProxyAuth<Req> = TrackerAuth | ((req: Req) => TrackerAuth | UserAuth | Promise<TrackerAuth | UserAuth>);

/** The proxy options both transports act on: the validated settings, whom to act as, who may. */
export interface ResolvedProxyOptions<Req> {
  config: ProxyConfig;
  auth: ResolvedProxyAuth<Req>;
  /** `undefined` only with `allowAnonymous: true`. */
  authorize: ((req: Req) => boolean | Promise<boolean>) | undefined;
  /** Calls `onError`, never throwing: an observer must not turn an error answer into a crash. */
  report(error: unknown, req: Req): void;
}

/**
 * Validate every option the transports share (ConfigurationError naming the field; `factory`
 * names the function in messages) and settle who the proxy acts as and who may use it: `auth`
 * or `user` (exactly one), `authorize`, or in user mode the default gate
 * {@link sameOriginSignedIn}. `webRequestOf` turns a transport's request into the web `Request`
 * the flow reads its cookie from (the web transport: the request itself).
 */
export function resolveProxyOptions<Req>(
  options: ProxyRuleOptions,
  factory: string,
  webRequestOf: (req: Req) => Request,
): ResolvedProxyOptions<Req> {
  if (!options || typeof options !== 'object') invalid('options', `${factory}: pass an options object.`);
  const { auth, user, authorize, onError } = options;
  if (user !== undefined) {
    if (auth !== undefined) invalid('user', `${factory}: pass either user (an OAuthFlow) or auth, not both.`);
    if (typeof user !== 'object' || user === null || typeof user.userAuth !== 'function' || typeof user.getSession !== 'function') {
      invalid('user', `${factory}: user must be what createOAuthFlow() returned.`);
    }
  } else if (
    typeof auth !== 'function' &&
    (typeof auth !== 'object' || auth === null || typeof (auth as { headers?: unknown }).headers !== 'function')
  ) {
    invalid('auth', `${factory}: auth must be a TrackerAuth (createTrackerAuth()) or a function of the request returning one; or pass user (an OAuthFlow).`);
  }
  if (authorize !== undefined && typeof authorize !== 'function') {
    invalid('authorize', `${factory}: authorize must be a function (request) => boolean.`);
  }
  if (options.allowAnonymous !== undefined && options.allowAnonymous !== true) {
    invalid('allowAnonymous', `${factory}: allowAnonymous can only be true.`);
  }
  if (authorize === undefined && options.allowAnonymous !== true && user === undefined) {
    invalid(
      'authorize',
      `${factory}: pass authorize(request) to decide who may use your Tracker credentials, or allowAnonymous: true to let anyone who reaches the proxy use them.`,
    );
  }
  if (onError !== undefined && typeof onError !== 'function') invalid('onError', `${factory}: onError must be a function.`);

  const gate = user !== undefined && authorize === undefined && options.allowAnonymous !== true ? sameOriginSignedIn(user) : undefined;
  return {
    config: resolveProxyConfig(options, factory),
    auth: user !== undefined ? (req: Req) => user.userAuth(webRequestOf(req)) : (auth as ResolvedProxyAuth<Req>),
    authorize: gate !== undefined ? (req: Req) => gate(webRequestOf(req)) : (authorize as ResolvedProxyOptions<Req>['authorize']),
    report: (error, req) => {
      try {
        (onError as ((error: unknown, req: Req) => void) | undefined)?.(error, req);
      } catch {
        // An observer must not turn an error answer into a crash.
      }
    },
  };
}

/** The settings part of {@link resolveProxyOptions} (limits, lists, Tracker's URL). */
function resolveProxyConfig(options: ProxyRuleOptions, factory: string): ProxyConfig {
  const basePath = normalizeBasePath(options.basePath);
  const methods = new Set<string>();
  for (const method of options.methods ?? DEFAULT_PROXY_METHODS) {
    const upper = typeof method === 'string' ? method.toUpperCase() : '';
    if (!KNOWN_METHODS.has(upper)) invalid('methods', `${factory}: methods may only contain ${[...KNOWN_METHODS].join(', ')}.`);
    methods.add(upper);
  }
  if (methods.size === 0) invalid('methods', `${factory}: methods must not be empty.`);

  const allowPaths = pathPrefixes(options.allowPaths ?? DEFAULT_PROXY_PATHS, 'allowPaths');
  if (allowPaths.length === 0) invalid('allowPaths', `${factory}: allowPaths must not be empty.`);
  const inlinePaths = pathPrefixes(options.inlinePaths ?? [], 'inlinePaths');
  if (options.allowNavigation !== undefined && options.allowNavigation !== true) {
    invalid('allowNavigation', `${factory}: allowNavigation can only be true.`);
  }

  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_PROXY_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0) {
    invalid('maxBodyBytes', `${factory}: maxBodyBytes must be a non-negative integer (bytes).`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) invalid('timeoutMs', `${factory}: timeoutMs must be a positive number of milliseconds.`);
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  if (!Number.isFinite(bodyTimeoutMs) || bodyTimeoutMs <= 0) {
    invalid('bodyTimeoutMs', `${factory}: bodyTimeoutMs must be a positive number of milliseconds.`);
  }

  return {
    methods,
    allowHeader: [...methods].join(', '),
    basePath,
    allowPaths,
    inlinePaths,
    allowNavigation: options.allowNavigation === true,
    maxBodyBytes,
    timeoutMs,
    bodyTimeoutMs,
    trackerBase: trackerBaseOf(options.trackerUrl),
    requestHeaders: headerList(options.requestHeaders, DEFAULT_REQUEST_HEADERS, 'requestHeaders'),
    responseHeaders: headerList(options.responseHeaders, DEFAULT_RESPONSE_HEADERS, 'responseHeaders'),
  };
}
