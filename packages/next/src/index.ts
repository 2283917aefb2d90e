/**
 * @tracker-auth/next: Yandex Tracker for the Next.js App Router (15 and 16). Route handlers
 * for a token-free proxy and "Sign in with Yandex", server helpers for server components
 * and server actions, and a session refresher for `proxy.ts`/`middleware.ts`.
 *
 * Server-only: importing this entry into a client component fails the build (`server-only`),
 * because the helpers hold credentials.
 * @packageDocumentation
 */
import 'server-only';

export {
  createTrackerRouteHandler,
  DEFAULT_TRACKER_ROUTE_BASE_PATH,
  type TrackerRouteHandlerOptions,
  type TrackerRouteHandlers,
} from './route-handler.js';
export type { RouteHandler } from './route-handler-type.js';
export {
  createOAuthRouteHandlers,
  OAUTH_ROUTE_ACTIONS,
  type OAuthRouteHandlers,
  type OAuthRouteHandlersOptions,
} from './oauth-route-handlers.js';
export {
  createTrackerServerHelpers,
  type GetTrackerClientOptions,
  type TrackerClient,
  type TrackerServerHelpers,
  type TrackerServerHelpersOptions,
} from './server-helpers.js';
export {
  createSessionRefresher,
  type SessionRefresher,
  type SessionRefresherOptions,
  type SessionRefreshResult,
} from './session-refresher.js';
export type { RequestScope } from './request-scope.js';
export { applySetCookies, type NextCookieOptions, type WritableCookieStore } from './set-cookie.js';
