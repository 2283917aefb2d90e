/**
 * `trackerProxy()`: Express glue around core's Node proxy (`createNodeTrackerProxy`), where
 * every safety rule lives (authorize or explicit anonymous opt-in, the default gate of user
 * mode, method and path allow-lists, traversal rejection, header stripping, body limits).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ConfigurationError, type OAuthFlow, type TrackerAuth, type TrackerProxyOptions as CoreProxyOptions, type UserAuth } from '@tracker-auth/core';
import { createNodeTrackerProxy, type NodeTrackerProxyOptions } from '@tracker-auth/core/node';
import { appTrustsProxy, isTrackerSignIn, type PublicUrlOptions, type TrackerSignIn } from './tracker-sign-in.js';

/** Options of {@link trackerProxy}: core's proxy options, with callbacks typed for Express. */
export interface TrackerProxyOptions
  extends Omit<CoreProxyOptions, 'auth' | 'user' | 'authorize' | 'basePath' | 'onError' | 'fetch'>,
    Pick<NodeTrackerProxyOptions, 'connections' | 'dispatcher'>,
    PublicUrlOptions {
  /** Service mode: a `TrackerAuth`, or a function of the request returning one (or a `UserAuth`). */
  auth?: TrackerAuth | ((req: Request) => TrackerAuth | UserAuth | Promise<TrackerAuth | UserAuth>) | undefined;
  /**
   * User mode: the `trackerSignIn()` middleware (or its flow): each signed-in user's own token,
   * rotated cookies sent back. Without `authorize` the gate is core's `sameOriginSignedIn`: a
   * valid session, not sent by another site.
   */
  user?: TrackerSignIn | OAuthFlow | undefined;
  /** Who may use the proxy (`false` → 403, nothing forwarded). Required unless `allowAnonymous: true` or `user`. */
  authorize?: ((req: Request) => boolean | Promise<boolean>) | undefined;
  /** Observer of failures answered with an error status (for logging; must not throw). */
  onError?: ((error: unknown, req: Request) => void) | undefined;
}

/**
 * A pass-through to the Tracker API for browser code that must not hold tokens. Mount it on a
 * path; the rest of the URL is the Tracker path. Options are validated here. Pooled keep-alive
 * connections to Tracker, the answer streamed straight into `res`.
 *
 * @example
 * app.use('/api/tracker', trackerProxy({
 *   user: signIn, // trackerSignIn(): act as the signed-in user; default gate sameOriginSignedIn
 *   methods: ['GET', 'POST'],
 *   allowPaths: ['/v3/issues', '/v3/queues', '/v3/myself'],
 * }));
 */
export function trackerProxy(options: TrackerProxyOptions): RequestHandler {
  if (!options || typeof options !== 'object') {
    throw new ConfigurationError('INVALID_OPTION', 'options', 'trackerProxy: pass an options object.');
  }
  const { user, trustProxy } = options;
  const proxy = createNodeTrackerProxy({
    ...options,
    user: isTrackerSignIn(user) ? user.flow : user,
    trustProxy: trustProxy ?? appTrustsProxy,
  } as NodeTrackerProxyOptions);

  return function trackerProxyMiddleware(req: Request, res: Response, next: NextFunction): void {
    // The target exactly as received, so core sees `..` or `%2e%2e` before URL parsing could
    // resolve them. From `originalUrl`: Express 4 eats one slash of `//host/…` in `req.url`.
    const path = req.originalUrl.startsWith(req.baseUrl) ? req.originalUrl.slice(req.baseUrl.length) : req.url;
    proxy(req, res, { path, basePath: req.baseUrl }).catch(next);
  };
}
