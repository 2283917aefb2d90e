/**
 * "Sign in with Yandex" as Next.js App Router route handlers. Core's `createOAuthFlow` does the
 * work (state + PKCE in a sealed login cookie, code exchange, the sealed session cookie, the
 * same-origin sign-out); the Set-Cookie headers it returns travel on the route's `Response`.
 */
import { ConfigurationError, createOAuthFlow, type OAuthFlow, type OAuthFlowOptions } from '@tracker-auth/core';
import { baseOrigin, publicRequest } from './public-request.js';
import type { RouteHandler } from './route-handler-type.js';

/** The last path segment of each action, for the single `app/api/auth/[action]/route.ts`. */
export const OAUTH_ROUTE_ACTIONS = { signIn: 'sign-in', callback: 'callback', signOut: 'sign-out' } as const;

/** Options of {@link createOAuthRouteHandlers}: core's flow options, or a flow you built. */
export type OAuthRouteHandlersOptions = (OAuthFlowOptions | { flow: OAuthFlow }) & {
  /**
   * The app's public origin (e.g. `https://app.example.com`), for a reverse proxy that rewrites
   * `Host` and `X-Forwarded-Host`. Default: the origin the browser used, from
   * `X-Forwarded-Proto`/`X-Forwarded-Host`/`Host` as Next reads them for server actions (Next's
   * own `request.url` names the address `next start` listens on, e.g. `localhost:3000`). Set, it
   * builds the request URLs; sign-in started on another host is still redirected to the host of
   * `redirectUri` first (core's `canonicalHost` compares the browser's host from the headers).
   * Also used by the proxy route, the server helpers and the session refresher built on these
   * routes.
   */
  baseUrl?: string | undefined;
};

/** What {@link createOAuthRouteHandlers} returns. */
export interface OAuthRouteHandlers {
  /** `GET`: redirects to Yandex with a fresh state and PKCE challenge (`?returnTo=/path` honoured). */
  signIn: RouteHandler;
  /** `GET`: Yandex's redirect back; sets the session cookie and redirects into the app. */
  callback: RouteHandler;
  /** `POST` (same-origin form): clears the session, revokes the token best-effort, 303 onwards. */
  signOut: RouteHandler;
  /**
   * For one dynamic route `app/api/auth/[action]/route.ts`: `GET …/sign-in`, `GET …/callback`;
   * `…/sign-out` 405, anything else 404.
   */
  GET: RouteHandler;
  /** For the dynamic route: `POST …/sign-out`; `…/sign-in` and `…/callback` 405, anything else 404. */
  POST: RouteHandler;
  /** The core flow behind the handlers (sessions, user auth), shared with the other helpers. */
  readonly flow: OAuthFlow;
  /** The configured `baseUrl`'s origin, when one was given (shared with the other helpers). */
  readonly baseUrl?: string | undefined;
}

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "sandbox; default-src 'none'",
};

/** Same body shape as core's web handlers: `{ error: { code, message } }`. */
function errorResponse(status: 404 | 405, allow?: string): Response {
  const body = status === 404 ? { code: 'NOT_FOUND', message: 'Not found.' } : { code: 'METHOD_NOT_ALLOWED', message: `Use ${allow} here.` };
  return new Response(JSON.stringify({ error: body }), { status, headers: allow ? { ...JSON_HEADERS, allow } : JSON_HEADERS });
}

function lastSegment(request: Request): string {
  const path = new URL(request.url).pathname.replace(/\/+$/, '');
  return path.slice(path.lastIndexOf('/') + 1);
}

function isFlow(value: unknown): value is OAuthFlow {
  const flow = value as Partial<OAuthFlow> | null;
  return typeof flow === 'object' && flow !== null && ['login', 'callback', 'logout', 'getSession', 'userAuth'].every((k) => typeof flow[k as keyof OAuthFlow] === 'function');
}

/**
 * Sign-in, callback and sign-out route handlers. Options are validated here (a
 * `ConfigurationError` names the field), when the route module loads.
 *
 * @example
 * // lib/auth.ts
 * export const auth = createOAuthRouteHandlers({
 *   clientId: process.env.YANDEX_CLIENT_ID!,
 *   clientSecret: process.env.YANDEX_CLIENT_SECRET!,
 *   redirectUri: 'https://app.example.com/api/auth/callback',
 *   org: { orgId: process.env.TRACKER_ORG_ID! },
 *   sessionSecret: process.env.SESSION_SECRET!,
 * });
 * // app/api/auth/[action]/route.ts
 * export const { GET, POST } = auth;
 */
export function createOAuthRouteHandlers(options: OAuthRouteHandlersOptions): OAuthRouteHandlers {
  let flow: OAuthFlow;
  // Core judges anything that is not an options object (and names what is wrong with it).
  const isObject = typeof options === 'object' && options !== null;
  const { baseUrl: baseUrlOption, ...rest } = isObject ? options : ({} as OAuthRouteHandlersOptions);
  const baseUrl = baseOrigin(baseUrlOption);
  if ('flow' in rest) {
    if (!isFlow(rest.flow)) {
      throw new ConfigurationError('INVALID_OPTION', 'flow', 'createOAuthRouteHandlers: flow must be what createOAuthFlow() returned.');
    }
    flow = rest.flow;
  } else {
    flow = createOAuthFlow((isObject ? rest : options) as OAuthFlowOptions);
  }
  // Next hands route handlers a second argument ({ params }); the flow takes the request only,
  // on the app's public origin (see public-request.ts).
  const signIn: RouteHandler = (request) => flow.login(publicRequest(request, baseUrl));
  const callback: RouteHandler = (request) => flow.callback(publicRequest(request, baseUrl));
  const signOut: RouteHandler = (request) => flow.logout(publicRequest(request, baseUrl));
  return {
    signIn,
    callback,
    signOut,
    GET: async (request) => {
      const action = lastSegment(request);
      if (action === OAUTH_ROUTE_ACTIONS.signIn) return signIn(request);
      if (action === OAUTH_ROUTE_ACTIONS.callback) return callback(request);
      return action === OAUTH_ROUTE_ACTIONS.signOut ? errorResponse(405, 'POST') : errorResponse(404);
    },
    POST: async (request) => {
      const action = lastSegment(request);
      if (action === OAUTH_ROUTE_ACTIONS.signOut) return signOut(request);
      return action === OAUTH_ROUTE_ACTIONS.signIn || action === OAUTH_ROUTE_ACTIONS.callback ? errorResponse(405, 'GET') : errorResponse(404);
    },
    flow,
    baseUrl,
  };
}
