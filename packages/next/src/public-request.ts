/**
 * The app's public origin for core. Core's flow and proxy read `request.url` (the `Origin` check
 * of the proxy gate and sign-out, the `Secure` cookie attribute) and `Host` (the canonical-host
 * redirect of sign-in). Under `next start`, Next builds `request.url` from the address it listens on
 * (`http://localhost:3000` whatever the browser typed), so the adapter hands core a `Request`
 * whose origin is the one the browser used: the configured `baseUrl`, or else the origin Next
 * itself uses for its server-action check (`X-Forwarded-Proto`/`X-Forwarded-Host`, then `Host`;
 * Next fills the forwarded headers in when no proxy did).
 */
import { assertUrl } from '@tracker-auth/core/adapter';

/** The header reader of both a `Request` and Next's `headers()`. */
export interface HeaderReader {
  get(name: string): string | null;
}

/** A plain `host[:port]`; anything else (userinfo, paths, spaces, a port out of range) is not used to build a URL. */
const PLAIN_HOST = /^[A-Za-z0-9.\-[\]:]+$/;

function first(value: string | null): string | undefined {
  return value?.split(',')[0]?.trim() || undefined;
}

/** Validate a `baseUrl` option at construction: its origin, or `undefined` when not set. */
export function baseOrigin(baseUrl: unknown, field = 'baseUrl'): string | undefined {
  return baseUrl === undefined ? undefined : assertUrl(baseUrl, field).origin;
}

/**
 * The origin the browser used, from the forwarded headers or `Host`, or `undefined` when they
 * name no usable host. A Host that cannot be part of a URL (`evil.example:99999`, `[::1`) counts
 * as none, so a hostile header never becomes a URL nor a 500.
 */
export function headerOrigin(headers: HeaderReader, defaultProtocol: 'http' | 'https'): string | undefined {
  const proto = first(headers.get('x-forwarded-proto'));
  const protocol = proto === 'https' || proto === 'http' ? proto : defaultProtocol;
  const host = first(headers.get('x-forwarded-host')) ?? first(headers.get('host'));
  if (!host || !PLAIN_HOST.test(host) || !URL.canParse(`${protocol}://${host}`)) return undefined;
  return new URL(`${protocol}://${host}`).origin;
}

/**
 * `request` with its URL on the app's public origin (`baseUrl`, else the headers' origin) and
 * its `Host` the host the browser used (the headers' origin: core's sign-in judges the browser's
 * host by `Host`, which must not be an inner proxy's when `X-Forwarded-Host` names the public
 * one); `request` itself when both already are, or when the headers name no usable host. Method,
 * headers and abort signal are the original's, and the body too unless `withBody` is false
 * (the session refresher reads cookies only, and Next still needs the body for the render).
 */
export function publicRequest(request: Request, baseUrl: string | undefined, withBody = true): Request {
  const url = new URL(request.url);
  const browser = headerOrigin(request.headers, url.protocol === 'https:' ? 'https' : 'http');
  const origin = baseUrl ?? browser ?? url.origin;
  const host = browser === undefined ? undefined : new URL(browser).host;
  const hostMoves = host !== undefined && host !== request.headers.get('host');
  if (origin === url.origin && !hostMoves) return request;
  let headers = request.headers;
  if (hostMoves) {
    headers = new Headers(headers);
    headers.set('host', host);
  }
  const hasBody = withBody && request.method !== 'GET' && request.method !== 'HEAD' && request.body !== null;
  return new Request(`${origin}${url.pathname}${url.search}`, {
    method: request.method,
    headers,
    signal: request.signal,
    redirect: request.redirect,
    ...(hasBody ? { body: request.body, duplex: 'half' } : {}),
  } as RequestInit);
}
