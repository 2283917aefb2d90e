/**
 * Token rotation for pages. Server components cannot write cookies, so a refresh that happened
 * while rendering would never reach the browser. This helper runs before rendering, in the file
 * Next runs for every request (`proxy.ts` in Next 16, `middleware.ts` in Next 15): core's
 * `flow.refreshSession()` refreshes a due session there, and the new cookie goes both onto the
 * request (so the render already reads the new session) and onto the response (so the browser
 * stores it). Server components then only read.
 */
import { ConfigurationError, type OAuthFlow } from '@tracker-auth/core';
import { nextServer } from './next-apis.js';
import type { OAuthRouteHandlers } from './oauth-route-handlers.js';
import { publicRequest } from './public-request.js';
import { cookieHeaderAfter } from './set-cookie.js';

/** Cache-Control of an answer that carries a session cookie. */
const PRIVATE = 'private, no-cache, no-store, max-age=0, must-revalidate';

/** Options of {@link createSessionRefresher}. */
export interface SessionRefresherOptions {
  /** The sign-in routes whose sessions to keep fresh (`createOAuthRouteHandlers()`). */
  user: Pick<OAuthRouteHandlers, 'flow' | 'baseUrl'>;
}

/** What {@link SessionRefresher.refresh} found, for your own `proxy`/`middleware` function. */
export interface SessionRefreshResult {
  /**
   * `Set-Cookie` values to add to your response: the re-sealed session after a rotation, or a
   * clearing cookie for a dead session. Empty when nothing changed.
   */
  setCookie: string[];
  /** Whether the request still has a usable session (false: none, unreadable, ended or dead). */
  signedIn: boolean;
  /**
   * The request's headers with `Cookie` as the browser will send it from now on; pass them as
   * `NextResponse.next({ request: { headers: requestHeaders } })` so the render reads the new
   * session. A copy of the incoming headers when nothing changed.
   */
  requestHeaders: Headers;
}

/**
 * A `proxy` (Next 16) or `middleware` (Next 15) function: refreshes a due session and answers
 * `NextResponse.next()` carrying the cookie both ways. Never throws for upstream trouble (the
 * flow's `onError` hears about it and the request goes on with its cookie unchanged).
 */
export interface SessionRefresher {
  (request: Request): Promise<Response>;
  /** The same work without building a response, to combine with your own proxy/middleware logic. */
  refresh(request: Request): Promise<SessionRefreshResult>;
}

/**
 * The session refresher for `proxy.ts` (Next 16) or `middleware.ts` (Next 15). Runs on the
 * Node.js and on the Edge runtime (it needs `fetch` and WebCrypto only). Options are validated
 * here (a `ConfigurationError` names the field).
 *
 * @example
 * // proxy.ts (Next 16; Next 15: middleware.ts exporting `middleware`)
 * import { tracker } from '@/lib/tracker';
 *
 * export function proxy(request: Request) {
 *   return tracker().refreshSession(request);
 * }
 * // Requests with a session cookie; not the sign-in routes (they set the cookie themselves)
 * // nor static files.
 * export const config = {
 *   matcher: [{ source: '/((?!api/auth/|_next/static/|_next/image/|favicon.ico).*)', has: [{ type: 'cookie', key: 'tracker_session' }] }],
 * };
 */
export function createSessionRefresher(options: SessionRefresherOptions): SessionRefresher {
  const flow: OAuthFlow | undefined = (options as Partial<SessionRefresherOptions> | undefined)?.user?.flow;
  if (typeof flow?.refreshSession !== 'function') {
    throw new ConfigurationError('INVALID_OPTION', 'user', 'createSessionRefresher: user must be what createOAuthRouteHandlers() returned.');
  }
  const sessionFlow = flow;
  const baseUrl = options.user.baseUrl;

  async function refresh(request: Request): Promise<SessionRefreshResult> {
    // On the public origin (whether the rotated cookie is `Secure`); the body stays Next's.
    const { setCookie, signedIn } = await sessionFlow.refreshSession(publicRequest(request, baseUrl, false));
    const requestHeaders = new Headers(request.headers);
    if (setCookie.length > 0) {
      const cookie = cookieHeaderAfter(request.headers.get('cookie'), setCookie);
      if (cookie === '') requestHeaders.delete('cookie');
      else requestHeaders.set('cookie', cookie);
    }
    return { setCookie, signedIn, requestHeaders };
  }

  async function refreshSession(request: Request): Promise<Response> {
    const { NextResponse } = await nextServer();
    const result = await refresh(request);
    // Untouched requests go on as they came: no header override for Next to apply.
    if (result.setCookie.length === 0) return NextResponse.next();
    const response = NextResponse.next({ request: { headers: result.requestHeaders } });
    // Core's values as they are (HttpOnly, Secure, SameSite, Max-Age), not re-serialized.
    for (const cookie of result.setCookie) response.headers.append('set-cookie', cookie);
    // A static page is served with `s-maxage`: a shared cache must not keep this user's cookie.
    response.headers.set('cache-control', PRIVATE);
    return response;
  }
  return Object.assign(refreshSession, { refresh });
}
