/**
 * `trackerAuth()`: puts a typed `req.tracker` (ky client, auth headers, verifyAccess) on every
 * request. Service mode shares one credential; user mode acts as the signed-in user of
 * `trackerOAuth()`. Token logic is core's; this file wires it to `req`/`res`.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  assertTrackerClientOptions,
  ConfigurationError,
  createTrackerAuth,
  isSignInRequiredError,
  SignInRequiredError,
  type CreateTrackerAuthOptions,
  type TrackerAuth,
  type TrackerClientOptions,
  type UserAuth,
} from '@tracker-auth/core';
import { withHttpStatus } from './error-handler.js';
import { contextFor } from './request-context.js';
import { isTrackerOAuth, type TrackerOAuthRouter } from './tracker-oauth.js';

/** Service mode: one credential for every request (`credentials` + `org`, or a ready `auth`). */
export interface TrackerServiceOptions extends Partial<CreateTrackerAuthOptions> {
  /** A ready `createTrackerAuth()` result, instead of `credentials` + `org`. */
  auth?: TrackerAuth | undefined;
  /** Options of the shared Tracker client (e.g. `trackerUrl`). */
  client?: TrackerClientOptions | undefined;
}

/** User mode: act as the user signed in through `trackerOAuth()`. */
export interface TrackerUserOptions {
  oauth: TrackerOAuthRouter;
  /**
   * `true` (default): a signed-out request goes to `next(err)` with a `SignInRequiredError`
   * (`err.status` 401). `false`: it continues with `req.tracker` undefined.
   */
  required?: boolean | undefined;
  client?: TrackerClientOptions | undefined;
}

export type TrackerAuthOptions = TrackerServiceOptions | TrackerUserOptions;

/**
 * Re-seal rotated user tokens: `UserAuth.setCookie` changes when a call refreshed the token
 * (core has already waited for a refresh that was due when the request came in), so it is read
 * at the last moment before the headers go out.
 */
function sendRotatedCookie(res: Response, user: UserAuth): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: unknown[]) {
    if (user.setCookie && !this.headersSent) this.append('Set-Cookie', user.setCookie);
    return (writeHead as (...a: unknown[]) => Response).apply(this, args);
  } as Response['writeHead'];
}

/**
 * Middleware giving every request a typed `req.tracker`. Options are validated here.
 *
 * @example
 * // service mode: one app credential
 * app.use(trackerAuth({ credentials: credentialsFromEnv(), org: { orgId: '1234567' } }));
 * // user mode: the signed-in user (see trackerOAuth)
 * app.use('/app', trackerAuth({ oauth }));
 * app.get('/app/me', async (req, res) => res.json(await req.tracker!.verifyAccess()));
 */
export function trackerAuth(options: TrackerAuthOptions): RequestHandler {
  if (!options || typeof options !== 'object') {
    throw new ConfigurationError('INVALID_OPTION', 'options', 'trackerAuth: pass { auth } or { credentials, org } (service mode) or { oauth } (user mode).');
  }
  if ('oauth' in options && options.oauth !== undefined) {
    const { oauth, required = true, client } = options;
    if (!isTrackerOAuth(oauth)) {
      throw new ConfigurationError('INVALID_OPTION', 'oauth', 'trackerAuth: oauth must be the middleware returned by trackerOAuth().');
    }
    if (typeof required !== 'boolean') throw new ConfigurationError('INVALID_OPTION', 'required', 'trackerAuth: required must be true or false.');
    // Clients are made per request in user mode; check their options now so they fail at start.
    assertTrackerClientOptions(client ?? {}, 'client');
    return function trackerUserAuth(req: Request, res: Response, next: NextFunction): void {
      oauth.userAuth(req).then(
        (user) => {
          // Rotated tokens (or, for a dead session, the clearing cookie) go out with this response.
          sendRotatedCookie(res, user);
          if (user.signedIn === false) {
            // Yandex refused the session's refresh token: signed out, whatever the cookie says.
            if (required) next(withHttpStatus(new SignInRequiredError('Sign in with Yandex again: this session has ended.')));
            else next();
            return;
          }
          req.tracker = contextFor(user.auth, client);
          next();
        },
        (error: unknown) => {
          if (!required && isSignInRequiredError(error)) next();
          else next(withHttpStatus(error));
        },
      );
    };
  }
  const service = options as TrackerServiceOptions;
  if (service.auth !== undefined && (service.credentials !== undefined || service.org !== undefined)) {
    throw new ConfigurationError('INVALID_OPTION', 'auth', 'trackerAuth: pass either auth or credentials + org, not both.');
  }
  if (service.auth === undefined && service.credentials === undefined) {
    throw new ConfigurationError(
      'INVALID_OPTION',
      'credentials',
      'trackerAuth: pass credentials + org (service mode), a ready auth, or oauth: trackerOAuth(...) (user mode).',
    );
  }
  const { auth: given, client, ...authOptions } = service;
  const auth = given ?? createTrackerAuth(authOptions as CreateTrackerAuthOptions);
  if (typeof auth?.headers !== 'function') {
    throw new ConfigurationError('INVALID_OPTION', 'auth', 'trackerAuth: auth must come from createTrackerAuth().');
  }
  // One client for every request: its token cache and single-flight refresh are shared.
  const shared = contextFor(auth, client);
  return function trackerServiceAuth(req: Request, _res: Response, next: NextFunction): void {
    req.tracker = shared;
    next();
  };
}
