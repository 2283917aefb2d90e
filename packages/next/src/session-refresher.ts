/**
 * Token rotation for pages. Server components cannot write cookies, so a refresh while rendering
 * would never reach the browser: this runs before the render, in `proxy.ts` (Next 16) or
 * `middleware.ts` (Next 15). Core's `flow.refreshSession()` refreshes a due session; its cookies
 * go onto the request (the render reads the new session) and onto the response (the browser keeps it).
 */
import { ConfigurationError, serializeCookie } from '@tracker-auth/core';
import { publicRequest, type SessionRefresh } from '@tracker-auth/core/adapter';
import { nextServer } from './next-apis.js';
import type { OAuthRouteHandlers } from './oauth-route-handlers.js';

/** Options of {@link createSessionRefresher}. */
export interface SessionRefresherOptions {
  /** The sign-in routes whose sessions to keep fresh (`createOAuthRouteHandlers()`). */
  user: Pick<OAuthRouteHandlers, 'flow' | 'baseUrl'>;
}

/**
 * A `proxy`/`middleware` function answering `NextResponse.next()` with the cookies both ways.
 * Never throws for upstream trouble (the flow's `onError` hears of it; the cookie stays as it was).
 */
export interface SessionRefresher {
  (request: Request): Promise<Response>;
  /** The same work without a response (core's `{ cookies, signedIn, requestHeaders }`), to combine with your own logic. */
  refresh(request: Request): Promise<SessionRefresh>;
}

/**
 * The session refresher for `proxy.ts` (Next 16) or `middleware.ts` (Next 15), Node.js or Edge
 * runtime. Options are validated here.
 *
 * @example
 * // proxy.ts (Next 15: middleware.ts exporting `middleware`)
 * export const proxy = createSessionRefresher({ user: auth });
 * export const config = { matcher: [{ source: '/((?!api/auth/|_next/static/|_next/image/|favicon.ico).*)', has: [{ type: 'cookie', key: 'tracker_session' }] }] };
 */
export function createSessionRefresher(options: SessionRefresherOptions): SessionRefresher {
  const user = (options as Partial<SessionRefresherOptions> | undefined)?.user;
  const flow = user?.flow;
  if (typeof flow?.refreshSession !== 'function') {
    throw new ConfigurationError('INVALID_OPTION', 'user', 'createSessionRefresher: user must be what createOAuthRouteHandlers() returned.');
  }
  const refresh = async (request: Request): Promise<SessionRefresh> => {
    // On the public origin (whether the rotated cookie is `Secure`); the body stays Next's.
    const result = await flow.refreshSession(publicRequest(request, user?.baseUrl, false));
    // Next's own headers (its Host) for the render, with the Cookie the browser sends from now on.
    const requestHeaders = new Headers(request.headers);
    const cookie = result.requestHeaders.get('cookie');
    if (cookie === null) requestHeaders.delete('cookie');
    else requestHeaders.set('cookie', cookie);
    return { ...result, requestHeaders };
  };
  async function refreshSession(request: Request): Promise<Response> {
    const [{ NextResponse }, { cookies, requestHeaders }] = await Promise.all([nextServer(), refresh(request)]);
    // Untouched requests go on as they came: no header override for Next to apply.
    if (cookies.length === 0) return NextResponse.next();
    const response = NextResponse.next({ request: { headers: requestHeaders } });
    for (const { name, value, options } of cookies) response.headers.append('set-cookie', serializeCookie(name, value, options));
    // A static page is served with `s-maxage`: a shared cache must not keep this user's cookie.
    response.headers.set('cache-control', 'private, no-cache, no-store, max-age=0, must-revalidate');
    return response;
  }
  return Object.assign(refreshSession, { refresh });
}
