/**
 * The Tracker proxy as App Router route handlers. Every decision (the gate, method and path
 * allow-lists, header stripping, body limits, user mode) is core's `createTrackerProxy`; this
 * file hands it Next's requests on the app's public origin.
 */
import { createTrackerProxy, type OAuthFlow, type TrackerProxyOptions } from '@tracker-auth/core';
import { assertUrl, publicRequest } from '@tracker-auth/core/adapter';
import type { OAuthRouteHandlers } from './oauth-route-handlers.js';
import type { RouteHandler } from './route-handler-type.js';

/** Every method export of a catch-all proxy route. */
export type TrackerRouteHandlers = Record<'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS', RouteHandler>;

/** Default mount point: `app/api/tracker/[...path]/route.ts`. */
export const DEFAULT_TRACKER_ROUTE_BASE_PATH = '/api/tracker';

/** Options of {@link createTrackerRouteHandler}: core's proxy options, `user` being your sign-in routes. */
export interface TrackerRouteHandlerOptions extends Omit<TrackerProxyOptions, 'user'> {
  /** Act as the signed-in user of these sign-in routes (core's `user`: default gate `sameOriginSignedIn`; exclusive with `auth`). */
  user?: Pick<OAuthRouteHandlers, 'flow' | 'baseUrl'> | undefined;
  /** The route's URL path, stripped before forwarding. Default `/api/tracker` (add Next's `basePath` if you use one). */
  basePath?: string | undefined;
  /** The app's public origin, which the gate compares `Origin` with. Default: `user`'s `baseUrl`, else the origin the browser used. */
  baseUrl?: string | undefined;
}

/**
 * Route handlers that forward browser calls under `basePath` to Tracker with server-side
 * credentials, so no token reaches the browser. Options are validated here.
 *
 * @example
 * // app/api/tracker/[...path]/route.ts
 * export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = createTrackerRouteHandler({ user: auth, allowPaths: ['/v3/myself', '/v3/issues'] });
 */
export function createTrackerRouteHandler(options: TrackerRouteHandlerOptions): TrackerRouteHandlers {
  const { user, baseUrl, ...rest } = options ?? ({} as TrackerRouteHandlerOptions);
  const proxy = createTrackerProxy({
    ...rest,
    basePath: rest.basePath ?? DEFAULT_TRACKER_ROUTE_BASE_PATH,
    // Core judges `user` (naming the field), so anything but sign-in routes is handed on as it is.
    user: user === undefined ? undefined : ((user as Partial<OAuthRouteHandlers> | null)?.flow ?? (user as unknown as OAuthFlow)),
  });
  const origin = baseUrl === undefined ? user?.baseUrl : assertUrl(baseUrl, 'baseUrl').origin;
  // Next passes a second argument ({ params }): the proxy's second parameter means something else.
  const handler: RouteHandler = (request) => proxy(publicRequest(request, origin));
  return { GET: handler, HEAD: handler, POST: handler, PUT: handler, PATCH: handler, DELETE: handler, OPTIONS: handler };
}
