/**
 * `trackerProxy()`: Express glue around core's `createTrackerProxy`, where every safety rule
 * lives (authorize or explicit anonymous opt-in, method and path allow-lists, traversal and
 * absolute-URL rejection, header stripping, body size limit). This file only translates.
 */
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  ConfigurationError,
  sameOriginSignedIn,
  type TrackerAuth,
  type TrackerProxyOptions as CoreProxyOptions,
  type UserAuth,
} from '@tracker-auth/core';
import { createNodeTrackerProxy, type NodeTrackerProxyOptions } from '@tracker-auth/core/node';
import { isTrackerOAuth, type TrackerOAuthRouter } from './tracker-oauth.js';
import { assertPublicUrlOptions, webRequestOf, type PublicUrlOptions } from './web-request.js';

/** Options of {@link trackerProxy}: core's proxy options, with callbacks typed for Express. */
export interface TrackerProxyOptions
  extends Omit<CoreProxyOptions, 'auth' | 'authorize' | 'basePath' | 'onError' | 'fetch'>,
    Pick<NodeTrackerProxyOptions, 'connections' | 'dispatcher'>,
    PublicUrlOptions {
  /**
   * Whom Tracker sees: a `TrackerAuth` (service mode), the `trackerOAuth()` router (each
   * signed-in user's own token; signed-out requests get 401), or a function of the request.
   */
  auth: TrackerAuth | TrackerOAuthRouter | ((req: Request) => TrackerAuth | UserAuth | Promise<TrackerAuth | UserAuth>);
  /**
   * Who may use the proxy (`false` → 403, nothing forwarded). Required unless `allowAnonymous:
   * true`, or `auth` is the `trackerOAuth()` router: then the default is core's
   * `sameOriginSignedIn(flow)` gate (a valid session, and `Sec-Fetch-Site` neither `cross-site`
   * nor `same-site`), the same default as the Next.js adapter.
   */
  authorize?: ((req: Request) => boolean | Promise<boolean>) | undefined;
  /** Observer of failures answered with an error status (for logging; must not throw). */
  onError?: ((error: unknown, req: Request) => void) | undefined;
}

/**
 * The request target below the mount point exactly as received, so core validates it before URL
 * parsing could resolve `..` or `%2e%2e` away. Taken from `originalUrl` because Express 4 eats
 * one slash of `//host/…` when it strips the mount path from `req.url`.
 */
function rawPathBelowMount(req: Request): string {
  const original = req.originalUrl;
  return original.startsWith(req.baseUrl) ? original.slice(req.baseUrl.length) : req.url;
}

/**
 * A pass-through to the Tracker API for browser code that must not hold tokens. Mount it on a
 * path; the rest of the URL is the Tracker path. Options are validated here. Runs on core's
 * Node transport (`createNodeTrackerProxy`: pooled keep-alive connections to Tracker, the
 * answer streamed straight into `res`).
 *
 * @example
 * app.use('/api/tracker', trackerProxy({
 *   auth: oauth, // the trackerOAuth() router: act as the signed-in user; default gate: sameOriginSignedIn
 *   methods: ['GET', 'POST'],
 *   allowPaths: ['/v3/issues', '/v3/queues', '/v3/myself'],
 * }));
 */
export function trackerProxy(options: TrackerProxyOptions): RequestHandler {
  if (!options || typeof options !== 'object') {
    throw new ConfigurationError('INVALID_OPTION', 'options', 'trackerProxy: pass an options object.');
  }
  const { auth, authorize, onError, baseUrl, trustProxy, ...rest } = options;
  assertPublicUrlOptions({ baseUrl, trustProxy });
  // User mode reads the session cookie through core's web handlers: one body-less web Request
  // per Express request, built only when the gate or the credential asks for it.
  const webRequests = new WeakMap<IncomingMessage, globalThis.Request>();
  const webOf = (req: IncomingMessage) => {
    let request = webRequests.get(req);
    if (!request) webRequests.set(req, (request = webRequestOf(req as Request, undefined, { baseUrl, trustProxy })));
    return request;
  };
  const gate = isTrackerOAuth(auth) && authorize === undefined && rest.allowAnonymous !== true ? sameOriginSignedIn(auth.flow) : undefined;
  const proxy = createNodeTrackerProxy({
    ...rest,
    auth: isTrackerOAuth(auth)
      ? (req) => auth.flow.userAuth(webOf(req))
      : typeof auth === 'function'
        ? (req) => auth(req as Request)
        : auth,
    authorize:
      typeof authorize === 'function'
        ? (req) => authorize(req as Request)
        : gate !== undefined
          ? // User mode without a gate of its own: the same default as every adapter (core).
            (req) => gate(webOf(req))
          : authorize,
    onError: typeof onError === 'function' ? (error, req) => onError(error, req as Request) : onError,
  });

  return function trackerProxyMiddleware(req: Request, res: Response, next: NextFunction): void {
    proxy(req, res, { path: rawPathBelowMount(req), basePath: req.baseUrl }).catch(next);
  };
}
