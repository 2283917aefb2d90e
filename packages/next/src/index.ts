/**
 * @tracker-auth/next: Yandex Tracker for the Next.js App Router (15 and 16): sign-in routes, a
 * token-free proxy route, server helpers, and a session refresher for `proxy.ts`/`middleware.ts`.
 * Server-only (`server-only`): the helpers hold credentials.
 * @packageDocumentation
 */
import 'server-only';

export type { TrackerClient } from '@tracker-auth/core';
export { createTrackerRouteHandler, DEFAULT_TRACKER_ROUTE_BASE_PATH, type TrackerRouteHandlerOptions, type TrackerRouteHandlers } from './route-handler.js';
export type { RouteHandler } from './route-handler-type.js';
export { createOAuthRouteHandlers, type OAuthRouteHandlers, type OAuthRouteHandlersOptions } from './oauth-route-handlers.js';
export {
  createTrackerServerHelpers,
  type GetTrackerClientOptions,
  type TrackerServerHelpers,
  type TrackerServerHelpersOptions,
} from './server-helpers.js';
export { createSessionRefresher, type SessionRefresher, type SessionRefresherOptions } from './session-refresher.js';
export type { RequestScope } from './request-scope.js';
