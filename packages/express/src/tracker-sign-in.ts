/**
 * `trackerSignIn()`: "Sign in with Yandex" for Express. Core's `createOAuthFlow` does all the
 * work (state + PKCE, sealed cookies, code exchange, refresh, revoke) and `handleSignInAction`
 * picks the handler; this middleware maps three paths to action names and copies the answers.
 *
 * A plain `(req, res, next)` middleware rather than an `express.Router()`, so the package never
 * loads Express at runtime and the same code serves apps on Express 4 and 5.
 */
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ConfigurationError, createOAuthFlow, type OAuthFlow, type OAuthFlowOptions, type OAuthSession, type UserAuth } from '@tracker-auth/core';
import { assertAppPath, handleSignInAction, type GetSessionOptions, type SignInAction } from '@tracker-auth/core/adapter';
import { createWebRequestReader, sendWebResponse, type WebRequestReaderOptions } from '@tracker-auth/core/node';

/**
 * How the app's public URL is worked out (core's `createWebRequestReader` options): `baseUrl`,
 * and `trustProxy`, which defaults to the app's own `trust proxy` setting.
 */
export type PublicUrlOptions = WebRequestReaderOptions;

/** The default `trustProxy`: the Express app's own `trust proxy` setting. */
export const appTrustsProxy = (req: IncomingMessage): boolean => Boolean((req as Request).app?.get('trust proxy'));

/** Where the three routes live, relative to the mount point. */
export interface TrackerSignInPaths {
  /** `GET`: start sign-in (`?returnTo=/path` to come back somewhere). Default `/auth/sign-in`. */
  signIn?: string | undefined;
  /** `GET`: Yandex redirects back here; must match the path of `redirectUri`. Default `/auth/callback`. */
  callback?: string | undefined;
  /** `POST`: sign out. Default `/auth/sign-out`. */
  signOut?: string | undefined;
}

/** Options of {@link trackerSignIn}: core's `OAuthFlowOptions` plus routing. */
export interface TrackerSignInOptions extends OAuthFlowOptions, PublicUrlOptions {
  paths?: TrackerSignInPaths | undefined;
}

/** The middleware returned by {@link trackerSignIn}, with session helpers for your own routes. */
export interface TrackerSignIn extends RequestHandler {
  /** The underlying web-standard flow. */
  readonly flow: OAuthFlow;
  /** The signed-in session of `req` (no tokens unless asked), or `null`. */
  getSession(req: Request, options?: GetSessionOptions): Promise<OAuthSession | null>;
  /** Auth acting as the signed-in user; rejects with `SignInRequiredError` when signed out. */
  userAuth(req: Request): Promise<UserAuth>;
}

const BRAND = Symbol.for('@tracker-auth/express.sign-in');

/** True for the middleware returned by {@link trackerSignIn}. */
export function isTrackerSignIn(value: unknown): value is TrackerSignIn {
  return typeof value === 'function' && (value as unknown as Record<symbol, unknown>)[BRAND] === true;
}

const ROUTES = [
  ['signIn', '/auth/sign-in', 'sign-in'],
  ['callback', '/auth/callback', 'callback'],
  ['signOut', '/auth/sign-out', 'sign-out'],
] as const;

/**
 * Sign-in routes: `GET /auth/sign-in` → Yandex → `GET /auth/callback` (session cookie) and
 * `POST /auth/sign-out`. Options are validated here, when the app starts.
 *
 * @example
 * const signIn = trackerSignIn({
 *   clientId: process.env.YANDEX_CLIENT_ID!,
 *   clientSecret: process.env.YANDEX_CLIENT_SECRET!,
 *   redirectUri: 'https://app.example.com/auth/callback',
 *   org: { orgId: process.env.TRACKER_ORG_ID! },
 *   sessionSecret: process.env.SESSION_SECRET!,
 * });
 * app.use(signIn);
 * app.get('/me', async (req, res) => res.json(await signIn.getSession(req)));
 */
export function trackerSignIn(options: TrackerSignInOptions): TrackerSignIn {
  if (!options || typeof options !== 'object') {
    throw new ConfigurationError('INVALID_OPTION', 'options', 'trackerSignIn: pass an options object.');
  }
  const { paths, baseUrl, trustProxy, ...flowOptions } = options;
  const read = createWebRequestReader({ baseUrl, trustProxy: trustProxy ?? appTrustsProxy });
  const routes = new Map<string, SignInAction>();
  for (const [key, fallback, action] of ROUTES) {
    const field = `paths.${key}`;
    const path = assertAppPath(paths?.[key], field, { fallback, percentEncoded: false, message: `trackerSignIn: ${field} must be a plain path such as "${fallback}".` });
    routes.set(path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path, action);
  }
  if (routes.size !== 3) {
    throw new ConfigurationError('INVALID_OPTION', 'paths', 'trackerSignIn: paths.signIn, paths.callback and paths.signOut must differ.');
  }
  const flow = createOAuthFlow(flowOptions);

  // Methods are core's business too (405 for GET /auth/sign-out), so every method is routed.
  const middleware = function trackerSignInMiddleware(req: Request, res: Response, next: NextFunction): void {
    const action = routes.get(req.path);
    if (action === undefined) {
      next();
      return;
    }
    handleSignInAction(flow, action, read(req, res))
      .then((response) => sendWebResponse(res, response))
      .catch(next);
  } as TrackerSignIn;

  return Object.defineProperties(middleware, {
    [BRAND]: { value: true },
    flow: { value: flow, enumerable: true },
    getSession: { value: (req: Request, opts?: GetSessionOptions) => flow.getSession(read(req), opts), enumerable: true },
    userAuth: { value: (req: Request) => flow.userAuth(read(req)), enumerable: true },
  });
}
