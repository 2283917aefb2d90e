/**
 * The Tracker proxy's options, validated once into the settings both transports decide with
 * (`createTrackerProxy` on `fetch`, `createNodeTrackerProxy` on a pooled Node transport), so
 * the two can never disagree about a limit, a default or who may use the proxy.
 */
import { DEFAULT_TRACKER_URL, type TrackerAuth } from '../types.js';
import { assertUrl, isObject, type OptionFail } from '../validate.js';
import { HTTP_TOKEN } from './cookies.js';
import type { OAuthFlow } from './oauth-flow.js';
import { NOT_A_FLOW, sameOriginSignedIn } from './proxy-gate.js';
import {
  DEFAULT_REQUEST_HEADERS,
  DEFAULT_RESPONSE_HEADERS,
  NEVER_FORWARDED,
  isPlainPath,
  isSafeTrackerPath,
} from './proxy-rules.js';
import type { UserAuth } from './user-auth.js';

/** Methods the proxy forwards unless `methods` says otherwise: reads plus create/update. */
export const DEFAULT_PROXY_METHODS: readonly string[] = /* @__PURE__ */ Object.freeze(['GET', 'HEAD', 'POST', 'PATCH']);
/** Tracker path prefixes the proxy forwards unless `allowPaths` says otherwise. */
export const DEFAULT_PROXY_PATHS: readonly string[] = /* @__PURE__ */ Object.freeze(['/v2/', '/v3/']);
/** Default request body limit: 1 MiB. */
export const DEFAULT_PROXY_MAX_BODY_BYTES = 1024 * 1024;
/** Default time for a whole request body to arrive: 30 s (then 408). */
export const DEFAULT_PROXY_BODY_TIMEOUT_MS = 30_000;

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
  /** Methods forwarded (a 405 lists them in `Allow`). */
  methods: ReadonlySet<string>;
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

/** Whom a request acts as: a user's auth (with its session `cookies`), or the one credential as `{ auth }`. */
export type ProxyActor = Pick<UserAuth, 'auth'> & Partial<Pick<UserAuth, 'cookies'>>;

/** The proxy options both transports act on: the validated settings, whom to act as, who may. */
export interface ResolvedProxyOptions<Req> {
  config: ProxyConfig;
  /** Whom this request acts as (`auth` or `user` resolved); may throw `SignInRequiredError`. */
  actor: (req: Req) => Promise<ProxyActor>;
  /** `undefined` only with `allowAnonymous: true`. */
  authorize: ((req: Req) => boolean | Promise<boolean>) | undefined;
  /** Calls `onError`, never throwing: an observer must not turn an error answer into a crash. */
  report(error: unknown, req: Req): void;
}

/**
 * Validate every option the transports share (ConfigurationError naming the field, thrown by
 * `fail`, the factory's `optionFailer`) and settle who the proxy acts as and who may use it:
 * `auth` or `user` (exactly one), `authorize`, or in user mode the default gate
 * {@link sameOriginSignedIn}. `webRequestOf` turns a transport's request into the web `Request`
 * the flow reads its cookie from (the web transport: the request itself).
 */
export function resolveProxyOptions<Req>(options: ProxyRuleOptions, fail: OptionFail, webRequestOf: (req: Req) => Request): ResolvedProxyOptions<Req> {
  if (!isObject(options as unknown)) fail('options', 'must be an object');
  const { auth, user, authorize, onError, allowAnonymous, allowNavigation, basePath = '', maxBodyBytes = DEFAULT_PROXY_MAX_BODY_BYTES } = options;
  /** An opt-in flag: absent or `true`. */
  const onlyTrue = (field: string, value: unknown) => {
    if (value !== undefined && value !== true) fail(field, 'can only be true');
  };
  /** A callback: absent or a function. */
  const callback = (field: string, value: unknown) => {
    if (value !== undefined && typeof value !== 'function') fail(field, 'must be a function');
  };
  /** A duration in ms: finite and positive. Both default to 30 s (`timeoutMs`: then 504). */
  const positiveMs = (field: 'timeoutMs' | 'bodyTimeoutMs') => {
    const ms = options[field] ?? DEFAULT_PROXY_BODY_TIMEOUT_MS;
    if (!Number.isFinite(ms) || ms <= 0) fail(field, 'must be a positive number (ms)');
    return ms;
  };
  /** Plain Tracker paths, without their trailing slash. */
  const pathPrefixes = (field: 'allowPaths' | 'inlinePaths', fallback: readonly string[]) => {
    const list = options[field] ?? fallback;
    if (!Array.isArray(list)) fail(field, 'must be an array of paths');
    return Array.from(list, (prefix: unknown) => {
      if (typeof prefix !== 'string' || !isSafeTrackerPath(prefix)) fail(field, 'must hold plain paths such as /v3/');
      return prefix.replace(/\/$/, '');
    });
  };
  /** The default header names plus the extra ones (lower case), none of them {@link NEVER_FORWARDED}. */
  const headerList = (field: 'requestHeaders' | 'responseHeaders', defaults: readonly string[]) => {
    const out = new Set(defaults);
    for (const raw of options[field] ?? []) {
      const name = typeof raw === 'string' ? raw.toLowerCase() : '';
      if (!HTTP_TOKEN.test(name)) fail(field, 'must hold header names');
      // The name is one of a fixed list (credentials, connection-specific), never a secret.
      if (NEVER_FORWARDED.has(name)) fail(field, `cannot include ${name}`);
      out.add(name);
    }
    return [...out];
  };

  if (user !== undefined) {
    if (auth !== undefined) fail('user', 'cannot be combined with `auth`');
    if (typeof user?.userAuth !== 'function' || typeof user.getSession !== 'function') fail('user', NOT_A_FLOW);
  } else if (typeof auth !== 'function' && typeof (auth as { headers?: unknown } | null | undefined)?.headers !== 'function') {
    fail('auth', 'must be a TrackerAuth or a function returning one (or pass `user`)');
  }
  callback('authorize', authorize);
  onlyTrue('allowAnonymous', allowAnonymous);
  if (authorize === undefined && !allowAnonymous && user === undefined) {
    fail('authorize', 'is required (or pass allowAnonymous: true)');
  }
  callback('onError', onError);

  if (basePath !== '' && basePath !== '/' && (typeof basePath !== 'string' || !isPlainPath(basePath))) {
    fail('basePath', 'must be a plain path such as /api/tracker');
  }
  const methods = new Set<string>();
  for (const method of options.methods ?? DEFAULT_PROXY_METHODS) {
    const upper = typeof method === 'string' ? method.toUpperCase() : '';
    if (!KNOWN_METHODS.test(upper)) fail('methods', 'may only contain GET, HEAD, POST, PUT, PATCH, DELETE');
    methods.add(upper);
  }
  if (methods.size === 0) fail('methods', 'must not be empty');
  const allowPaths = pathPrefixes('allowPaths', DEFAULT_PROXY_PATHS);
  if (allowPaths.length === 0) fail('allowPaths', 'must not be empty');
  const inlinePaths = pathPrefixes('inlinePaths', []);
  onlyTrue('allowNavigation', allowNavigation);
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0) fail('maxBodyBytes', 'must be a non-negative integer (bytes)');
  const config: ProxyConfig = {
    methods,
    basePath: basePath.replace(/\/$/, ''),
    allowPaths,
    inlinePaths,
    allowNavigation: allowNavigation === true,
    maxBodyBytes,
    timeoutMs: positiveMs('timeoutMs'),
    bodyTimeoutMs: positiveMs('bodyTimeoutMs'),
    // The same check as the client's `trackerUrl`: http(s), no credentials, query or fragment.
    trackerBase: assertUrl(options.trackerUrl ?? DEFAULT_TRACKER_URL, 'trackerUrl').href.replace(/\/+$/, ''),
    requestHeaders: headerList('requestHeaders', DEFAULT_REQUEST_HEADERS),
    responseHeaders: headerList('responseHeaders', DEFAULT_RESPONSE_HEADERS),
  };

  const gate = user && !authorize && !allowAnonymous && sameOriginSignedIn(user);
  return {
    config,
    actor: async (req) => {
      const resolved = await (user ? user.userAuth(webRequestOf(req)) : typeof auth === 'function' ? auth(req) : auth);
      // A TrackerAuth has `headers()`; a UserAuth (user mode, or an `auth` function returning
      // one) has `auth` and the session cookies.
      return typeof (resolved as TrackerAuth).headers === 'function' ? { auth: resolved as TrackerAuth } : (resolved as UserAuth);
    },
    authorize: gate ? (req) => gate(webRequestOf(req)) : (authorize as ResolvedProxyOptions<Req>['authorize']),
    report: (error, req) => {
      try {
        (onError as ((error: unknown, req: Req) => void) | undefined)?.(error, req);
      } catch {
        // An observer must not turn an error answer into a crash.
      }
    },
  };
}

/** Methods the proxy can forward at all. */
const KNOWN_METHODS = /^(?:GET|HEAD|POST|PUT|PATCH|DELETE)$/;
