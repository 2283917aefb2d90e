/**
 * User mode: the signed-in user's Tracker client, as a request-scoped provider. Core's
 * `flow.userAuth()` opens the sealed session cookie (SignInRequiredError → 401 when there is
 * none or Yandex refused its refresh token) and refreshes the user's token when due or on use;
 * when the tokens changed, its `setCookie` must reach the browser, so it is added just before
 * the response headers go out.
 */
import type { ServerResponse } from 'node:http';
import { Scope, type FactoryProvider } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import { ConfigurationError, createTrackerClient, SignInRequiredError, type TrackerAuth } from '@tracker-auth/core';
import { TRACKER_USER_CLIENT } from './injection-tokens.js';
import type { TrackerAuthSetup, TrackerClient } from './module-setup.js';
import { rawRequest, type PlatformRequest } from './node-http.js';

/** Injection token of the module's internal setup (auth, client, flow). */
export const TRACKER_AUTH_SETUP = Symbol.for('@tracker-auth/nestjs:TRACKER_AUTH_SETUP');

// One ky instance per user credential, reused while core keeps that user's auth cached.
const clients = new WeakMap<TrackerAuth, TrackerClient>();

/** The signed-in user's client for this request. */
export async function userClientFor(platformReq: PlatformRequest, setup: TrackerAuthSetup): Promise<TrackerClient> {
  if (setup.flow === null) {
    throw new ConfigurationError('INVALID_OPTION', 'oauth', 'TrackerAuthModule: @InjectTrackerUserClient() needs the `oauth` option (user mode).');
  }
  // Nest's REQUEST is the platform's object; `req.res` is set on both (see linkResponse).
  const req = rawRequest(platformReq);
  const user = await setup.flow.userAuth(setup.webRequest(req));
  // Rotated tokens (or, for a dead session, the clearing cookie) go out with this response.
  if (req.res) beforeHeaders(req.res, () => user.setCookie);
  // Yandex refused the session's refresh token: signed out (401), and the cookie is cleared.
  if (user.signedIn === false) throw new SignInRequiredError('Sign in with Yandex again: this session has ended.');
  let client = clients.get(user.auth);
  if (!client) clients.set(user.auth, (client = createTrackerClient(user.auth, setup.clientOptions)));
  return client;
}

/**
 * Append the latest re-sealed session cookie when the headers are written (Node calls
 * `writeHead` for implicit headers too), the way Express's own `on-headers` helper works.
 */
function beforeHeaders(res: ServerResponse, cookie: () => string | undefined): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    const value = cookie();
    if (value !== undefined && !this.headersSent) {
      const current = this.getHeader('set-cookie');
      const list = current === undefined ? [] : Array.isArray(current) ? current : [String(current)];
      this.setHeader('set-cookie', [...list, value]);
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
}

/** The request-scoped provider behind `@InjectTrackerUserClient()`. */
export const trackerUserClientProvider: FactoryProvider = {
  provide: TRACKER_USER_CLIENT,
  scope: Scope.REQUEST,
  inject: [REQUEST, TRACKER_AUTH_SETUP],
  useFactory: userClientFor,
};
