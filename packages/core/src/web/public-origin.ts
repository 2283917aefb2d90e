/**
 * The origin the browser used, for servers that do not put it in `request.url`. Under
 * `next start`, Next builds `request.url` from the address it listens on (`http://localhost:3000`
 * whatever the browser typed), yet core's flow and proxy judge `request.url` (the `Origin` check,
 * the `Secure` cookie attribute) and `Host` (sign-in's canonical-host redirect). The origin comes
 * from `X-Forwarded-Proto`/`X-Forwarded-Host`, then `Host`, as Next reads them for its own
 * server-action check (Next fills the forwarded headers in when no proxy did). Web-standard only.
 */

/** The header reader of both a `Request` and Next's `headers()`. */
export interface HeaderReader {
  get(name: string): string | null;
}

/** A plain `host[:port]`: no userinfo, path, spaces or list. */
const PLAIN_HOST = /^[A-Za-z0-9.\-[\]:]+$/;

/**
 * `protocol://host` when `host` is a plain `host[:port]` that can be part of a URL, else
 * `undefined`: a hostile header (`evil.example:99999`, `[::1`, `user@evil.example`) never
 * becomes a URL nor a 500. The one host check of core (the Node bridge uses it too).
 */
export function hostOrigin(protocol: 'http' | 'https', host: string | undefined): string | undefined {
  if (!host || !PLAIN_HOST.test(host) || !URL.canParse(`${protocol}://${host}`)) return undefined;
  return new URL(`${protocol}://${host}`).origin;
}

const first = (value: string | null): string | undefined => value?.split(',')[0]?.trim() || undefined;

/**
 * The origin the browser used, from `X-Forwarded-Proto`/`X-Forwarded-Host` or `Host`, or
 * `undefined` when they name no usable host.
 *
 * @example
 * headerOrigin(new Headers({ host: 'localhost:3000', 'x-forwarded-host': 'app.example.com', 'x-forwarded-proto': 'https' }), 'http')
 * // 'https://app.example.com'
 */
export function headerOrigin(headers: HeaderReader, defaultProtocol: 'http' | 'https'): string | undefined {
  const proto = first(headers.get('x-forwarded-proto'));
  const protocol = proto === 'https' || proto === 'http' ? proto : defaultProtocol;
  return hostOrigin(protocol, first(headers.get('x-forwarded-host')) ?? first(headers.get('host')));
}

/**
 * `request` on the app's public origin: its URL on `baseUrl` (else the headers' origin), and
 * `Host` the host of the headers' origin (sign-in judges the browser's host by `Host`, which must
 * not be an inner proxy's when `X-Forwarded-Host` names the public one). `request` itself when
 * both already are or the headers name no usable host. Method, headers and signal are kept, and
 * the body unless `withBody` is false (a middleware that reads cookies only leaves it to the
 * framework).
 *
 * @example
 * // Next's route handler: request.url is http://localhost:3000/…, Host app.example.com
 * flow.signIn(publicRequest(request, undefined)); // judged on http://app.example.com/…
 */
export function publicRequest(request: Request, baseUrl: string | undefined, withBody = true): Request {
  const url = new URL(request.url);
  const browser = headerOrigin(request.headers, url.protocol === 'https:' ? 'https' : 'http');
  const origin = baseUrl ?? browser ?? url.origin;
  const host = browser === undefined ? undefined : new URL(browser).host;
  const hostMoves = host !== undefined && host !== request.headers.get('host');
  if (origin === url.origin && !hostMoves) return request;
  const headers = new Headers(request.headers);
  if (hostMoves) headers.set('host', host);
  const hasBody = withBody && request.method !== 'GET' && request.method !== 'HEAD' && request.body !== null;
  return new Request(`${origin}${url.pathname}${url.search}`, {
    method: request.method,
    headers,
    signal: request.signal,
    redirect: request.redirect,
    ...(hasBody ? { body: request.body, duplex: 'half' } : {}),
  } as RequestInit);
}
