/**
 * Tracker access from server components and server actions: the signed-in user's client or
 * the app's service client, plus `signIn()`/`signOut()` for server actions. Cookies are read
 * and written through Next's cookie API. Every `catch` here first hands Next's control-flow
 * errors (redirect, notFound, dynamic-usage bailouts) back to Next untouched.
 */
import { ConfigurationError, createTrackerClient, isSignInRequiredError, type OAuthFlow, type OAuthSession, type TrackerAuth, type TrackerClientOptions } from '@tracker-auth/core';
import { assertAppPath, assertTrackerClientOptions } from '@tracker-auth/core/adapter';
import type { OAuthRouteHandlers } from './oauth-route-handlers.js';
import { redirectWithCookies, sessionWritingAuth } from './cookie-writes.js';
import { nextRedirect, rethrowNextControlFlow } from './next-apis.js';
import { currentRequest, nextRequestScope, type RequestScope } from './request-scope.js';

/** The ky instance `createTrackerClient` returns: paths relative to `/v3/` (`get('myself')`). */
export type TrackerClient = ReturnType<typeof createTrackerClient>;

/** Options of {@link createTrackerServerHelpers}. */
export interface TrackerServerHelpersOptions {
  /** Sign-in routes (`createOAuthRouteHandlers()`): enables the user's client and sessions. */
  user?: Pick<OAuthRouteHandlers, 'flow' | 'baseUrl'> | undefined;
  /** The app's own credential (`createTrackerAuth()`): enables `getTrackerClient({ as: 'service' })`. */
  service?: TrackerAuth | undefined;
  /** Options of every client made here (`trackerUrl`, `apiVersion`, timeouts, retries, hooks). */
  client?: TrackerClientOptions | undefined;
  /** URL path of the sign-in route, used by `signIn()` and sign-in redirects. Default `/api/auth/sign-in`. */
  signInPath?: string | undefined;
  /** URL path of the sign-out route, used by `signOut()`. Default `/api/auth/sign-out`. */
  signOutPath?: string | undefined;
  /** Where the incoming request is read and cookies written. Default: Next's `headers()`/`cookies()`. */
  requestScope?: RequestScope | undefined;
}

/** Options of `getTrackerClient()`. */
export interface GetTrackerClientOptions {
  /**
   * Whose credentials: `'user'` (the signed-in user; the default when `user` is configured) or
   * `'service'` (the app's; the default otherwise). Never falls back from one to the other.
   */
  as?: 'user' | 'service' | undefined;
  /**
   * When no user is signed in: `'throw'` (default) a `SignInRequiredError`, or `'redirect'`
   * to the sign-in route (with `returnTo`) via Next's `redirect()`.
   */
  onSignInRequired?: 'throw' | 'redirect' | undefined;
  /** Path to come back to after a sign-in redirect. Default `/`. */
  returnTo?: string | undefined;
}

/** What {@link createTrackerServerHelpers} returns. */
export interface TrackerServerHelpers {
  /** A Tracker client for this request (see {@link GetTrackerClientOptions}). */
  getTrackerClient(options?: GetTrackerClientOptions): Promise<TrackerClient>;
  /** The signed-in user's session (no tokens), or `null`. */
  getSession(): Promise<OAuthSession | null>;
  /** Server action: start sign-in (login cookie via `cookies()`), then redirect to Yandex. */
  signIn(options?: { returnTo?: string | undefined }): Promise<never>;
  /** Server action: end the session (cookie cleared via `cookies()`), then redirect onwards. */
  signOut(options?: { returnTo?: string | undefined }): Promise<never>;
}

/** `?returnTo=…` for a same-origin relative path (the flow validates it again). */
function withReturnTo(path: string, returnTo: string | undefined): string {
  return returnTo === undefined ? path : `${path}?returnTo=${encodeURIComponent(returnTo)}`;
}

/**
 * Server-side helpers bound to your sign-in routes and/or service credential. Create them once
 * in a server-only module and import them from server components and server actions.
 *
 * @example
 * // lib/tracker.ts
 * export const auth = createOAuthRouteHandlers({ … });
 * export const { getTrackerClient, getSession, signIn, signOut } = createTrackerServerHelpers({ user: auth });
 *
 * // app/page.tsx (server component)
 * const tracker = await getTrackerClient({ onSignInRequired: 'redirect' });
 * const me = await tracker.get('myself').json<{ login: string }>();
 */
export function createTrackerServerHelpers(options: TrackerServerHelpersOptions): TrackerServerHelpers {
  if (!options || typeof options !== 'object') {
    throw new ConfigurationError('INVALID_OPTION', 'options', 'createTrackerServerHelpers: pass an options object with user and/or service.');
  }
  const flow: OAuthFlow | undefined = options.user?.flow;
  if (options.user !== undefined && typeof flow?.userAuth !== 'function') {
    throw new ConfigurationError('INVALID_OPTION', 'user', 'createTrackerServerHelpers: user must be what createOAuthRouteHandlers() returned.');
  }
  const service = options.service;
  if (service !== undefined && typeof service?.headers !== 'function') {
    throw new ConfigurationError('INVALID_OPTION', 'service', 'createTrackerServerHelpers: service must be a TrackerAuth from createTrackerAuth().');
  }
  if (!flow && !service) {
    throw new ConfigurationError('INVALID_OPTION', 'user', 'createTrackerServerHelpers: pass user (sign-in routes), service (an app credential), or both.');
  }
  const path = (field: 'signInPath' | 'signOutPath', fallback: string) =>
    assertAppPath(options[field], field, { fallback, message: `createTrackerServerHelpers: ${field} must be a path such as "${fallback}".` });
  const [signInPath, signOutPath] = [path('signInPath', '/api/auth/sign-in'), path('signOutPath', '/api/auth/sign-out')];
  const scope = options.requestScope ?? nextRequestScope;
  const baseUrl = options.user?.baseUrl;
  const clientOptions = assertTrackerClientOptions(options.client ?? {}, 'client');
  const serviceClient = service ? createTrackerClient(service, clientOptions) : undefined;

  function requireFlow(what: string): OAuthFlow {
    if (!flow) throw new ConfigurationError('INVALID_OPTION', 'user', `${what} needs user (sign-in routes) in createTrackerServerHelpers().`);
    return flow;
  }

  async function userClient(onSignInRequired: 'throw' | 'redirect', returnTo: string | undefined): Promise<TrackerClient> {
    const userFlow = requireFlow("getTrackerClient({ as: 'user' })");
    const request = await currentRequest(scope, 'GET', '/', baseUrl);
    try {
      return createTrackerClient(sessionWritingAuth(await userFlow.userAuth(request), scope), clientOptions);
    } catch (error) {
      await rethrowNextControlFlow(error);
      if (onSignInRequired === 'redirect' && isSignInRequiredError(error)) return nextRedirect(withReturnTo(signInPath, returnTo ?? '/'));
      throw error;
    }
  }

  return {
    async getTrackerClient(getOptions = {}) {
      const as = getOptions.as ?? (flow ? 'user' : 'service');
      if (as === 'service') {
        if (!serviceClient) throw new ConfigurationError('INVALID_OPTION', 'service', "getTrackerClient({ as: 'service' }) needs service (an app credential) in createTrackerServerHelpers().");
        return serviceClient;
      }
      if (as !== 'user') throw new ConfigurationError('INVALID_OPTION', 'as', "getTrackerClient: as must be 'user' or 'service'.");
      return userClient(getOptions.onSignInRequired ?? 'throw', getOptions.returnTo);
    },
    async getSession() {
      return requireFlow('getSession()').getSession(await currentRequest(scope, 'GET', '/', baseUrl));
    },
    async signIn(signInOptions = {}) {
      const userFlow = requireFlow('signIn()');
      const request = await currentRequest(scope, 'GET', withReturnTo(signInPath, signInOptions.returnTo), baseUrl);
      return redirectWithCookies(await userFlow.login(request), scope);
    },
    async signOut(signOutOptions = {}) {
      const userFlow = requireFlow('signOut()');
      const request = await currentRequest(scope, 'POST', withReturnTo(signOutPath, signOutOptions.returnTo), baseUrl);
      return redirectWithCookies(await userFlow.logout(request), scope);
    },
  };
}
