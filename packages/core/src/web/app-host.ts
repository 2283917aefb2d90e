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

/**
 * Where to send a sign-in request made on another host than `appUrl`'s, or `undefined` to go on.
 * Only hosts are compared (name and port), not schemes: behind a TLS-terminating proxy the app
 * sees `http:` for an `https:` app URL, and that is the same host to the browser.
 */
export function appHostRedirect(request: Request, appUrl: URL): string | undefined {
  const url = new URL(request.url);
  if (url.host === appUrl.host) return undefined;
  if (url.searchParams.has(HOST_REDIRECT_MARK)) return undefined;
  const target = new URL(url.pathname + url.search, appUrl.origin);
  target.searchParams.set(HOST_REDIRECT_MARK, '1');
  return target.href;
}
