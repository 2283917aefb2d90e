/**
 * Sign-in must start on the app's own host. The login cookie (state + PKCE verifier) is set on
 * the host the browser used to start sign-in, and Yandex sends the browser back to the host of
 * `redirectUri`; on any other host (`localhost` for an app registered as `127.0.0.1`, a `www.`
 * alias) the cookie is not sent back and the callback fails with `STATE_MISSING`. So a sign-in
 * started elsewhere is first redirected to the same path on the app's host.
 */

/**
 * Marks a request this redirect already sent once. Behind a proxy that rewrites `Host` (nginx's
 * default `Host: $proxy_host`), the app never sees the public host, and redirecting again
 * would loop; the second time, sign-in just goes on.
 */
export const HOST_REDIRECT_MARK = 'tracker_auth_host';

/** A plain `host[:port]`: no userinfo, path, spaces or list. */
const PLAIN_HOST = /^[A-Za-z0-9.\-[\]:]+$/;

/**
 * The host the browser used, as `URL.host` spells it (`protocol` only settles the default port),
 * from the `Host` header, or `undefined` when there is none or it is malformed (`evil:99999`,
 * `[::1`, `a b`): a hostile header is ignored, never a URL nor a 500. The header, not the URL:
 * adapters rebuild `request.url` from the app's configured public URL (`baseUrl`), which would
 * make every request look like it came to the app's host; they keep the `Host` the browser sent
 * (or, when the app trusts its proxy, the `X-Forwarded-Host` it set).
 */
function hostHeader(request: Request, protocol: string): string | undefined {
  const host = request.headers.get('host')?.trim();
  if (!host || !PLAIN_HOST.test(host)) return undefined;
  try {
    return new URL(`${protocol}//${host}`).host;
  } catch {
    return undefined;
  }
}

/**
 * Where to send a sign-in request made on another host than `appUrl`'s, or `undefined` to go on.
 * The browser's host is the `Host` header when it is usable, else the request URL's host. Only
 * hosts are compared (name and port), not schemes: behind a TLS-terminating proxy the app
 * sees `http:` for an `https:` app URL, and that is the same host to the browser.
 */
export function appHostRedirect(request: Request, appUrl: URL): string | undefined {
  const url = new URL(request.url);
  const browserHost = hostHeader(request, appUrl.protocol) ?? url.host;
  if (browserHost === appUrl.host) return undefined;
  if (url.searchParams.has(HOST_REDIRECT_MARK)) return undefined;
  const target = new URL(url.pathname + url.search, appUrl.origin);
  target.searchParams.set(HOST_REDIRECT_MARK, '1');
  return target.href;
}
