/**
 * `trackerOAuth()`: "Sign in with Yandex" for Express. Core's `createOAuthFlow` does all the
 * work (state + PKCE, sealed cookies, code exchange, refresh, revoke) and writes every
 * Set-Cookie; this middleware only routes three paths to it and copies the answers.
 *
 * A plain `(req, res, next)` middleware rather than an `express.Router()`, so the package never
 * loads Express at runtime and the same code serves apps on Express 4 and 5.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  assertAppPath,
  ConfigurationError,
  createOAuthFlow,
  type GetSessionOptions,
  type OAuthFlow,
  type OAuthFlowOptions,
  type OAuthSession,
  type UserAuth,
} from '@tracker-auth/core';
import { sendWebResponse } from '@tracker-auth/core/node';
import { assertPublicUrlOptions, webRequestOf, type PublicUrlOptions } from './web-request.js';

/** Where the three routes live, relative to the mount point. */
export interface TrackerOAuthPaths {
  /** `GET`: start sign-in (`?returnTo=/path` to come back somewhere). Default `/auth/login`. */
  login?: string | undefined;
  /** `GET`: Yandex redirects back here; must match the path of `redirectUri`. Default `/auth/callback`. */
  callback?: string | undefined;
  /** `POST`: sign out. Default `/auth/logout`. */
  logout?: string | undefined;
}

/** Options of {@link trackerOAuth}: core's `OAuthFlowOptions` plus routing. */
export interface TrackerOAuthOptions extends OAuthFlowOptions, PublicUrlOptions {
  paths?: TrackerOAuthPaths | undefined;
}

/** The middleware returned by {@link trackerOAuth}, with session helpers for your own routes. */
export interface TrackerOAuthRouter extends RequestHandler {
  /** The underlying web-standard flow (for `trackerAuth`, `trackerProxy` or custom routes). */
  readonly flow: OAuthFlow;
  /** The signed-in session of `req` (no tokens unless asked), or `null`. */
  getSession(req: Request, options?: GetSessionOptions): Promise<OAuthSession | null>;
  /** Auth acting as the signed-in user; rejects with `SignInRequiredError` when signed out. */
  userAuth(req: Request): Promise<UserAuth>;
}

const BRAND = Symbol.for('@tracker-auth/express.oauth');

/** True for the middleware returned by {@link trackerOAuth}. */
export function isTrackerOAuth(value: unknown): value is TrackerOAuthRouter {
  return typeof value === 'function' && (value as unknown as Record<symbol, unknown>)[BRAND] === true;
}

function routePath(value: string | undefined, fallback: string, field: string): string {
  const path = assertAppPath(value, field, {
    fallback,
    percentEncoded: false,
    message: `trackerOAuth: ${field} must be a plain path such as "${fallback}".`,
  });
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/**
 * Sign-in routes: `GET /auth/login` → Yandex → `GET /auth/callback` (session cookie) and
 * `POST /auth/logout`. Options are validated here, when the app starts.
 *
 * @example
 * const oauth = trackerOAuth({
 *   clientId: process.env.YANDEX_CLIENT_ID!,
 *   clientSecret: process.env.YANDEX_CLIENT_SECRET!,
 *   redirectUri: 'https://app.example.com/auth/callback',
 *   org: { orgId: process.env.TRACKER_ORG_ID! },
 *   sessionSecret: process.env.SESSION_SECRET!,
 * });
 * app.use(oauth);
 * app.get('/me', async (req, res) => res.json(await oauth.getSession(req)));
 */
export function trackerOAuth(options: TrackerOAuthOptions): TrackerOAuthRouter {
  if (!options || typeof options !== 'object') {
    throw new ConfigurationError('INVALID_OPTION', 'options', 'trackerOAuth: pass an options object.');
  }
  const { paths, baseUrl, trustProxy, ...flowOptions } = options;
  assertPublicUrlOptions({ baseUrl, trustProxy });
  const login = routePath(paths?.login, '/auth/login', 'paths.login');
  const callback = routePath(paths?.callback, '/auth/callback', 'paths.callback');
  const logout = routePath(paths?.logout, '/auth/logout', 'paths.logout');
  if (new Set([login, callback, logout]).size !== 3) {
    throw new ConfigurationError('INVALID_OPTION', 'paths', 'trackerOAuth: paths.login, paths.callback and paths.logout must differ.');
  }
  const flow = createOAuthFlow(flowOptions);
  const web = (req: Request, res?: Response) => webRequestOf(req, res, { baseUrl, trustProxy });

  // Methods are core's business too (405 for GET /auth/logout), so every method is routed.
  const routes = new Map<string, (request: globalThis.Request) => Promise<globalThis.Response>>([
    [login, (r) => flow.login(r)],
    [callback, (r) => flow.callback(r)],
    [logout, (r) => flow.logout(r)],
  ]);

  const middleware = function trackerOAuthMiddleware(req: Request, res: Response, next: NextFunction): void {
    const handle = routes.get(req.path);
    if (!handle) {
      next();
      return;
    }
    handle(web(req, res))
      .then((response) => sendWebResponse(res, response))
      .catch(next);
  } as TrackerOAuthRouter;

  Object.defineProperties(middleware, {
    [BRAND]: { value: true },
    flow: { value: flow, enumerable: true },
    getSession: { value: (req: Request, opts?: GetSessionOptions) => flow.getSession(web(req), opts), enumerable: true },
    userAuth: { value: (req: Request) => flow.userAuth(web(req)), enumerable: true },
  });
  return middleware;
}
