/**
 * The Tracker proxy as Next.js App Router route handlers. All safety decisions (authorize or
 * anonymous opt-in, method and path allow-lists, traversal rejection, header stripping, the
 * body size limit) are core's `createTrackerProxy`; this file only maps Next's exports to it.
 */
import { ConfigurationError, createTrackerProxy, sameOriginSignedIn, type TrackerProxyOptions } from '@tracker-auth/core';
import type { OAuthRouteHandlers } from './oauth-route-handlers.js';
import { baseOrigin, publicRequest } from './public-request.js';
import type { RouteHandler } from './route-handler-type.js';

/** Every method export of a catch-all proxy route. */
export interface TrackerRouteHandlers {
  GET: RouteHandler;
  HEAD: RouteHandler;
  POST: RouteHandler;
  PUT: RouteHandler;
  PATCH: RouteHandler;
  DELETE: RouteHandler;
  OPTIONS: RouteHandler;
}

/** Default mount point: `app/api/tracker/[...path]/route.ts`. */
export const DEFAULT_TRACKER_ROUTE_BASE_PATH = '/api/tracker';

/**
 * Options of {@link createTrackerRouteHandler}: core's proxy options, where `auth` may be
 * replaced by `user` (act as the signed-in user of your sign-in routes).
 */
export type TrackerRouteHandlerOptions = Omit<TrackerProxyOptions, 'auth' | 'basePath'> & {
  /**
   * The route's URL path, stripped before forwarding (`/api/tracker/v3/myself` → `/v3/myself`).
   * Default `/api/tracker`. Include Next's `basePath` config when you use one.
   */
  basePath?: string | undefined;
  /**
   * The app's public origin (e.g. `https://app.example.com`), which the gate compares a
   * request's `Origin` with. Default: `user`'s `baseUrl`, else the origin the browser used
   * (`X-Forwarded-Proto`/`X-Forwarded-Host`/`Host`, as Next reads them for server actions).
   */
  baseUrl?: string | undefined;
} & (
    | {
        /** Whose credentials to call Tracker with (see core's `TrackerProxyOptions.auth`). */
        auth: TrackerProxyOptions['auth'];
        user?: undefined;
      }
    | {
        auth?: undefined;
        /**
         * Act as the signed-in user of these sign-in routes. Without `authorize` (and without
         * `allowAnonymous`), core's `sameOriginSignedIn(flow)` gate applies: only requests with
         * a session that another site did not trigger (`Sec-Fetch-Site` cross-site or
         * same-site, or a foreign `Origin`) pass; others get 403. Sessions that can no longer
         * be refreshed answer 401.
         */
        user: Pick<OAuthRouteHandlers, 'flow' | 'baseUrl'>;
      }
  );

/**
 * Route handlers that forward browser calls under `basePath` to the Tracker API with
 * server-side credentials, so no token ever reaches the browser. Options are validated here,
 * when the route module loads.
 *
 * @example
 * // app/api/tracker/[...path]/route.ts
 * import { createTrackerRouteHandler } from '@tracker-auth/next';
 * import { signIn } from '@/lib/tracker';
 *
 * export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = createTrackerRouteHandler({
 *   user: signIn, // the signed-in user's token; requests without a session get 403
 *   allowPaths: ['/v3/issues', '/v3/queues', '/v3/myself'],
 * });
 */
export function createTrackerRouteHandler(options: TrackerRouteHandlerOptions): TrackerRouteHandlers {
  const { user, auth, baseUrl: baseUrlOption, ...rest } = (options ?? {}) as TrackerRouteHandlerOptions;
  if (user !== undefined && auth !== undefined) {
    throw new ConfigurationError('INVALID_OPTION', 'user', 'createTrackerRouteHandler: pass either auth or user, not both.');
  }
  if (user !== undefined && (typeof user !== 'object' || user === null || typeof user.flow?.userAuth !== 'function')) {
    throw new ConfigurationError('INVALID_OPTION', 'user', 'createTrackerRouteHandler: user must be what createOAuthRouteHandlers() returned.');
  }
  const flow = user?.flow;
  const baseUrl = baseOrigin(baseUrlOption) ?? user?.baseUrl;
  const proxy = createTrackerProxy({
    ...rest,
    basePath: rest.basePath ?? DEFAULT_TRACKER_ROUTE_BASE_PATH,
    // With `user`, the credential and the default gate both come from the session cookie.
    auth: flow ? (request) => flow.userAuth(request) : (auth as TrackerProxyOptions['auth']),
    // The same default gate as every adapter's user mode: core's sameOriginSignedIn.
    authorize: rest.authorize ?? (flow && rest.allowAnonymous !== true ? sameOriginSignedIn(flow) : undefined),
  });
  // Next passes a second argument ({ params }); the proxy's second parameter means something
  // else, so only the request is handed on, on the app's public origin (public-request.ts).
  // The path comes from request.url minus basePath.
  const handler: RouteHandler = (request) => proxy(publicRequest(request, baseUrl));
  return { GET: handler, HEAD: handler, POST: handler, PUT: handler, PATCH: handler, DELETE: handler, OPTIONS: handler };
}
