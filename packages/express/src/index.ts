/**
 * @tracker-auth/express: Yandex Tracker API auth for Express 4 and 5.
 *
 * - `trackerAuth()`: typed `req.tracker` (client, headers, verifyAccess), service or user mode;
 * - `trackerProxy()`: a safe pass-through to Tracker for browser code;
 * - `trackerOAuth()`: sign in with Yandex (login, callback, logout);
 * - `trackerErrorHandler()`: tracker-auth errors → HTTP answers.
 *
 * All logic lives in `@tracker-auth/core`; these are thin translations.
 * @packageDocumentation
 */
export {
  trackerAuth,
  type TrackerAuthOptions,
  type TrackerServiceOptions,
  type TrackerUserOptions,
} from './tracker-auth.js';
export type { TrackerRequestContext, TrackerClient } from './request-context.js';
export { trackerProxy, type TrackerProxyOptions } from './tracker-proxy.js';
export { trackerOAuth, isTrackerOAuth, type TrackerOAuthOptions, type TrackerOAuthPaths, type TrackerOAuthRouter } from './tracker-oauth.js';
export { trackerErrorHandler, withHttpStatus, type TrackerErrorHandlerOptions } from './error-handler.js';
export type { PublicUrlOptions } from './web-request.js';
