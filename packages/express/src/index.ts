/**
 * @tracker-auth/express: Yandex Tracker API auth for Express 4 and 5.
 *
 * - `trackerSignIn()`: sign in with Yandex (sign-in, callback, sign-out);
 * - `trackerAuth()`: typed `req.tracker` (client, headers, verifyAccess), service or user mode;
 * - `trackerProxy()`: a safe pass-through to Tracker for browser code;
 * - `trackerErrorHandler()`: tracker-auth errors → HTTP answers.
 *
 * All logic lives in `@tracker-auth/core`; these are thin translations.
 * @packageDocumentation
 */
export type { TrackerClient } from '@tracker-auth/core';
export { trackerAuth, type TrackerAuthOptions, type TrackerRequestContext, type TrackerServiceOptions, type TrackerUserOptions } from './tracker-auth.js';
export { trackerProxy, type TrackerProxyOptions } from './tracker-proxy.js';
export { trackerSignIn, isTrackerSignIn, type PublicUrlOptions, type TrackerSignIn, type TrackerSignInOptions, type TrackerSignInPaths } from './tracker-sign-in.js';
export { trackerErrorHandler, withHttpStatus, type TrackerErrorHandlerOptions } from './error-handler.js';
