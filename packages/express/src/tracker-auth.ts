/**
 * `trackerAuth()`: puts a typed `req.tracker` (ky client, auth headers, verifyAccess) on every
 * request. Service mode shares one credential; user mode acts as the user signed in through
 * `trackerSignIn()`. Token logic is core's; this file wires it to `req`/`res`.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  ConfigurationError,
  createTrackerAuth,
  isSignInRequiredError,
  SignInRequiredError,
  type CreateTrackerAuthOptions,
  type TrackerAuth,
  type TrackerClientOptions,
} from '@tracker-auth/core';
import { createTrackerContexts, type TrackerContext } from '@tracker-auth/core/adapter';
import { deliverSessionCookies } from '@tracker-auth/core/node';
import { withHttpStatus } from './error-handler.js';
import { isTrackerSignIn, type TrackerSignIn } from './tracker-sign-in.js';

/** What `trackerAuth()` puts on `req.tracker`: core's `TrackerContext` (client, auth, headers, verifyAccess). */
export type TrackerRequestContext = TrackerContext;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `trackerAuth()` of `@tracker-auth/express`. */
      tracker?: TrackerRequestContext;
    }
  }
}

/** Service mode: one credential for every request (`credentials` + `org`, or a ready `auth`). */
export interface TrackerServiceOptions extends Partial<CreateTrackerAuthOptions> {
  /** A ready `createTrackerAuth()` result, instead of `credentials` + `org`. */
  auth?: TrackerAuth | undefined;
  /** Options of the Tracker client (e.g. `trackerUrl`). */
  client?: TrackerClientOptions | undefined;
}

/** User mode: act as the user signed in through `trackerSignIn()`. */
export interface TrackerUserOptions {
  user: TrackerSignIn;
  /**
   * `true` (default): a signed-out request goes to `next(err)` with a `SignInRequiredError`
   * (`err.status` 401). `false`: it continues with `req.tracker` undefined.
   */
  required?: boolean | undefined;
  client?: TrackerClientOptions | undefined;
}

export type TrackerAuthOptions = TrackerServiceOptions | TrackerUserOptions;

/**
 * Middleware giving every request a typed `req.tracker`. Options are validated here.
 *
 * @example
 * // service mode: one app credential
 * app.use(trackerAuth({ credentials: credentialsFromEnv(), org: { orgId: '1234567' } }));
 * // user mode: the signed-in user (see trackerSignIn)
 * app.use('/app', trackerAuth({ user: signIn }));
 * app.get('/app/me', async (req, res) => res.json(await req.tracker!.verifyAccess()));
 */
export function trackerAuth(options: TrackerAuthOptions): RequestHandler {
  if (!options || typeof options !== 'object') {
    throw new ConfigurationError('INVALID_OPTION', 'options', 'trackerAuth: pass { auth } or { credentials, org } (service mode) or { user } (user mode).');
  }
  if ('user' in options && options.user !== undefined) {
    const { user: signIn, required = true } = options;
    if (!isTrackerSignIn(signIn)) {
      throw new ConfigurationError('INVALID_OPTION', 'user', 'trackerAuth: user must be the middleware returned by trackerSignIn().');
    }
    if (typeof required !== 'boolean') throw new ConfigurationError('INVALID_OPTION', 'required', 'trackerAuth: required must be true or false.');
    const contextOf = createTrackerContexts(options.client);
    return function trackerUserAuth(req: Request, res: Response, next: NextFunction): void {
      signIn.userAuth(req).then(
        (user) => {
          // Rotated tokens (or, for a dead session, the clearing cookie) go out with this response.
          deliverSessionCookies(res, user);
          if (user.signedIn !== false) req.tracker = contextOf(user.auth);
          // A dead session (Yandex refused its refresh token) is signed out, whatever the cookie says.
          if (user.signedIn === false && required) next(withHttpStatus(new SignInRequiredError('Sign in with Yandex again: this session has ended.')));
          else next();
        },
        (error: unknown) => next(!required && isSignInRequiredError(error) ? undefined : withHttpStatus(error)),
      );
    };
  }
  const { auth: given, client, ...authOptions } = options as TrackerServiceOptions;
  if (given !== undefined && (authOptions.credentials !== undefined || authOptions.org !== undefined)) {
    throw new ConfigurationError('INVALID_OPTION', 'auth', 'trackerAuth: pass either auth or credentials + org, not both.');
  }
  if (given === undefined && authOptions.credentials === undefined) {
    throw new ConfigurationError('INVALID_OPTION', 'credentials', 'trackerAuth: pass credentials + org (service mode), a ready auth, or user: trackerSignIn(...) (user mode).');
  }
  const auth = given ?? createTrackerAuth(authOptions as CreateTrackerAuthOptions);
  if (typeof auth?.headers !== 'function') {
    throw new ConfigurationError('INVALID_OPTION', 'auth', 'trackerAuth: auth must come from createTrackerAuth().');
  }
  // One context for every request: its token cache and single-flight refresh are shared.
  const shared = createTrackerContexts(client)(auth);
  return function trackerServiceAuth(req: Request, _res: Response, next: NextFunction): void {
    req.tracker = shared;
    next();
  };
}
