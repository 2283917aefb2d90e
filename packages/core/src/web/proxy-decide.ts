/**
 * The proxy's decisions, shared by every transport: what is refused before anything is read,
 * which headers go up, the one replay on 401, and which headers come back. Each step works on
 * plain values (a method, a raw path, a header lookup) so the Node transport decides without
 * building a web `Request` or `Response`.
 */
import { AbortedError, NetworkError, TimeoutError } from '../errors.js';
import { redactUrl } from '../redact.js';
import type { TrackerAuth } from '../types.js';
import { NO_STORE_ISOLATED, type WebErrorCode } from './error-response.js';
import type { ProxyConfig } from './proxy-config.js';
import { JSON_TYPE, isNavigationBy, isSafeTrackerPath, isUnder, matchesPrefix } from './proxy-rules.js';
import { setCookieValue, type SessionCookie } from './cookies.js';

/** A header lookup: the value, or `null` when absent. */
export type HeaderLookup = (name: string) => string | null;

/**
 * A refusal decided before anything was sent: status, code, message and extra headers. A tuple,
 * not an object: the default entry ships this code to browsers-adjacent bundles, and property
 * names survive minification.
 */
export type ProxyRefusal = readonly [status: number, code: WebErrorCode, message: string, headers?: Record<string, string>];

/**
 * The Tracker path a request goes to (below the mount, without the query), or its refusal,
 * from its method, raw target (path and query: the adapter's, as received, or the request's
 * own, cut below `basePath` when `underBase`) and the navigation headers. A wrong method is
 * refused 405 wherever it points; a path outside the mount 404; then a bad or not allowed path
 * and a page load. `authorize` comes next.
 */
export function routeRequest(config: ProxyConfig, method: string, raw: string, underBase: boolean, header: HeaderLookup): string | ProxyRefusal {
  let path = raw.split('?', 1)[0]!;
  const { basePath, methods } = config;
  const outside = underBase && basePath !== '' && !isUnder(basePath, path);
  if (underBase) path = path.slice(basePath.length);
  if (!methods.has(method)) return [405, 'METHOD_NOT_ALLOWED', `Method ${method} is not allowed.`, { allow: [...methods].join(', ') }];
  if (outside) return [404, 'NOT_FOUND', 'Not found.'];
  if (!isSafeTrackerPath(path)) return [400, 'BAD_PATH', 'Not a valid Tracker API path.'];
  if (!matchesPrefix(config.allowPaths, path)) return [404, 'PATH_NOT_ALLOWED', 'This path is not served by the proxy.'];
  // Tracker content must never run as this site (the README explains).
  if (!config.allowNavigation && isNavigationBy(header)) return [403, 'NAVIGATION_REFUSED', 'Page loads are refused; use fetch().'];
  return path;
}

export const FORBIDDEN_REFUSAL: ProxyRefusal = [403, 'FORBIDDEN', 'Not allowed to use the proxy.'];

/** The verdict of reading a request body, when it is not the body itself. */
export type BodyVerdict = 'too-large' | 'bad-length' | 'unreadable' | 'timeout';

/** The refusal for a body that could not be taken. */
export function bodyRefusal(config: ProxyConfig, verdict: BodyVerdict): ProxyRefusal {
  const [status, code, what]: [number, WebErrorCode, string] =
    verdict === 'timeout'
      ? [408, 'REQUEST_TIMEOUT', `did not arrive within ${config.bodyTimeoutMs} ms`]
      : verdict === 'too-large'
        ? [413, 'PAYLOAD_TOO_LARGE', `exceeds ${config.maxBodyBytes} bytes`]
        : [400, 'BAD_REQUEST', verdict === 'bad-length' ? 'has an invalid Content-Length' : 'could not be read'];
  return [status, code, `The request body ${what}.`];
}

/** The allow-listed request headers to forward, as pairs. */
export function forwardedHeaders(config: ProxyConfig, header: HeaderLookup): [string, string][] {
  const forwarded: [string, string][] = [];
  for (const name of config.requestHeaders) {
    const value = header(name);
    if (value !== null) forwarded.push([name, value]);
  }
  return forwarded;
}

/**
 * Send once; on a 401, tell `auth` the rejected `Authorization` and replay once with fresh
 * headers, never a loop (a buffered body makes the replay exact). When `invalidate()` resolves
 * `false` the credential is in its forced-refresh cooldown and would send the same token
 * again: the 401 is passed back instead of a replay that cannot succeed. `send` sends with the
 * given auth headers; `discard` drains or cancels an answer that will not be passed on, so its
 * connection can be reused.
 */
export async function sendWithReplay<R extends { status: number }>(
  auth: TrackerAuth,
  signal: AbortSignal,
  send: (authHeaders: Record<string, string>) => Promise<R>,
  discard: (response: R) => unknown,
): Promise<R> {
  const init = { signal };
  const first = await auth.headers(init);
  const response = await send(first);
  if (response.status !== 401 || (await auth.invalidate(first.Authorization)) === false) return response;
  await discard(response);
  return send(await auth.headers(init));
}

/**
 * The error for a failed upstream call to `url`: `timeout` (no answer within `timeoutMs`),
 * `gone` (the client went away) or `network` (Tracker unreachable; `error` is the transport's).
 * The message reaches the browser: the operation and Tracker path only, never the upstream
 * origin or query. The redacted URL stays on `cause.url` for server logs (`onError`).
 */
export function upstreamFailure(kind: 'timeout' | 'gone' | 'network', method: string, url: string, timeoutMs: number, error?: unknown): Error {
  const [Failure, what] =
    kind === 'timeout'
      ? [TimeoutError, `no answer within ${timeoutMs} ms`]
      : kind === 'gone'
        ? [AbortedError, 'the client went away']
        : [NetworkError, 'Tracker could not be reached'];
  const cause = { url: redactUrl(url) };
  return new Failure(`Tracker proxy: ${what}: ${method} ${new URL(url).pathname}`, {
    cause: kind === 'network' && error instanceof Error ? { name: error.name, message: error.message, ...cause } : cause,
  });
}

/** `no-store` and the isolation headers, as pairs, built once. */
const ANSWER_TAIL = /* @__PURE__ */ Object.entries(NO_STORE_ISOLATED);

/**
 * The response headers the browser gets: allow-listed upstream headers (Tracker URLs in
 * `Link`/`Location` rewritten to the public mount: the adapter's `mount` path, else
 * `basePath`), `no-store`, the isolation headers, a download disposition for non-JSON bodies
 * outside `inlinePaths`, and a rotated session cookie.
 * Also says whether the answer has no body (HEAD, 204, 304). `decodes`: the transport decodes
 * compressed bodies (fetch does), so an encoded body's upstream Content-Length is dropped.
 */
export function answerHeaders(
  config: ProxyConfig,
  method: string,
  path: string,
  mount: string | undefined,
  status: number,
  header: HeaderLookup,
  decodes: boolean,
  cookies: readonly SessionCookie[] | undefined,
): { headers: [string, string][]; noBody: boolean } {
  const noBody = method === 'HEAD' || status === 204 || status === 304;
  const download = !noBody && !JSON_TYPE.test(header('content-type') ?? '') && !matchesPrefix(config.inlinePaths, path);
  const publicBase = mount?.replace(/\/$/, '') ?? config.basePath;
  const headers: [string, string][] = [];
  for (const name of config.responseHeaders) {
    const value = header(name);
    if (value === null || (download && name === 'content-disposition')) continue;
    headers.push([name, name === 'link' || name === 'location' ? value.split(config.trackerBase).join(publicBase) : value]);
  }
  // The upstream's own disposition with its type forced to `attachment` (the filename kept), or a bare one.
  if (download) headers.push(['content-disposition', 'attachment' + (header('content-disposition')?.replace(/^\s*[^;]*/, '') ?? '')]);
  const length = header('content-length');
  if (length !== null && !(decodes && header('content-encoding') !== null)) headers.push(['content-length', length]);
  headers.push(...ANSWER_TAIL);
  for (const cookie of cookies ?? []) headers.push(['set-cookie', setCookieValue(cookie)]);
  return { headers, noBody };
}

