/**
 * "Sign in with Yandex" as App Router route handlers. Core's `createOAuthFlow` does the work and
 * judges each route's method; the handlers hand it the request on the app's public origin.
 */
import { ConfigurationError, createOAuthFlow, type OAuthFlow, type OAuthFlowOptions } from '@tracker-auth/core';
import { assertUrl, handleSignInAction, publicRequest } from '@tracker-auth/core/adapter';
import type { RouteHandler } from './route-handler-type.js';

/** Options of {@link createOAuthRouteHandlers}: core's flow options, or a flow you built. */
export type OAuthRouteHandlersOptions = (OAuthFlowOptions | { flow: OAuthFlow }) & {
  /**
   * The app's public origin (`https://app.example.com`), for a reverse proxy that rewrites `Host`
   * and `X-Forwarded-Host`. Default: the origin the browser used (`X-Forwarded-Proto`/`-Host`,
   * `Host`, as Next reads them), not Next's listening address. Shared with the helpers built on these routes.
   */
  baseUrl?: string | undefined;
};

/** What {@link createOAuthRouteHandlers} returns. */
export interface OAuthRouteHandlers {
  /** `flow.signIn`: redirects to Yandex with a fresh state and PKCE challenge (`?returnTo=/path`). */
  signIn: RouteHandler;
  /** `flow.callback` (GET): Yandex's redirect back; sets the session cookie, redirects into the app. */
  callback: RouteHandler;
  /** `flow.signOut` (same-origin POST): clears the session, revokes the token, 303 onwards. */
  signOut: RouteHandler;
  /** `app/api/auth/[action]/route.ts`: the last path segment picks `sign-in`, `callback` or `sign-out` (else 404). */
  GET: RouteHandler;
  /** The same dispatch as `GET`; the flow answers a wrong method with 405 and `Allow`. */
  POST: RouteHandler;
  /** The core flow behind the handlers, shared with the other helpers. */
  readonly flow: OAuthFlow;
  /** The configured `baseUrl`'s origin, when one was given. */
  readonly baseUrl?: string | undefined;
}

/**
 * Sign-in, callback and sign-out route handlers; options are validated here (a
 * `ConfigurationError` names the field).
 *
 * @example
 * // lib/auth.ts
 * export const auth = createOAuthRouteHandlers({ clientId, clientSecret, redirectUri: 'https://app.example.com/api/auth/callback', org: { orgId }, sessionSecret });
 * // app/api/auth/[action]/route.ts
 * export const { GET, POST } = auth;
 */
export function createOAuthRouteHandlers(options: OAuthRouteHandlersOptions): OAuthRouteHandlers {
  // Core judges anything that is not an options object (and names what is wrong with it).
  const isObject = typeof options === 'object' && options !== null;
  const { baseUrl: baseUrlOption, ...rest } = isObject ? options : ({} as OAuthRouteHandlersOptions);
  const baseUrl = baseUrlOption === undefined ? undefined : assertUrl(baseUrlOption, 'baseUrl').origin;
  if ('flow' in rest && typeof (rest.flow as Partial<OAuthFlow> | null)?.signIn !== 'function') {
    throw new ConfigurationError('INVALID_OPTION', 'flow', 'createOAuthRouteHandlers: flow must be what createOAuthFlow() returned.');
  }
  const flow = 'flow' in rest ? rest.flow : createOAuthFlow((isObject ? rest : options) as OAuthFlowOptions);
  // Next passes a second argument ({ params }): the flow takes the request only.
  const handler =
    (handle: (request: Request) => Promise<Response>): RouteHandler =>
    (request) =>
      handle(publicRequest(request, baseUrl));
  const dispatch = handler((request) => handleSignInAction(flow, new URL(request.url).pathname.replace(/\/+$/, '').split('/').pop()!, request));
  return {
    signIn: handler((request) => flow.signIn(request)),
    callback: handler((request) => flow.callback(request)),
    signOut: handler((request) => flow.signOut(request)),
    GET: dispatch,
    POST: dispatch,
    flow,
    baseUrl,
  };
}
