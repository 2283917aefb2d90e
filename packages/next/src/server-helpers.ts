/**
 * Tracker access from server components and server actions: the signed-in user's client or the
 * app's service client, and `signIn()`/`signOut()` for server actions. Every `catch` here first
 * hands Next's control-flow errors (redirect, notFound, dynamic bailouts) back to Next.
 */
import { ConfigurationError, createTrackerClient, isSignInRequiredError, type OAuthFlow, type OAuthSession, type TrackerAuth, type TrackerClient, type TrackerClientOptions } from '@tracker-auth/core';
import { assertAppPath, assertTrackerClientOptions } from '@tracker-auth/core/adapter';
import type { OAuthRouteHandlers } from './oauth-route-handlers.js';
import { redirectWithCookies, sessionWritingAuth } from './cookie-writes.js';
import { nextRedirect, rethrowNextControlFlow } from './next-apis.js';
import { currentRequest, nextRequestScope, type RequestScope } from './request-scope.js';

/** Options of {@link createTrackerServerHelpers}: `user`, `service`, or both. */
export interface TrackerServerHelpersOptions {
  /** Sign-in routes (`createOAuthRouteHandlers()`): the user's client and session. */
  user?: Pick<OAuthRouteHandlers, 'flow' | 'baseUrl'> | undefined;
  /** The app's own credential (`createTrackerAuth()`): `getTrackerClient({ as: 'service' })`. */
  service?: TrackerAuth | undefined;
  /** Options of every client made here (`trackerUrl`, timeouts, retries, hooks). */
  client?: TrackerClientOptions | undefined;
  /** URL path of the sign-in route (`signIn()`, sign-in redirects). Default `/api/auth/sign-in`. */
  signInPath?: string | undefined;
  /** URL path of the sign-out route (`signOut()`). Default `/api/auth/sign-out`. */
  signOutPath?: string | undefined;
  /** Where the request is read and cookies written. Default: Next's `headers()`/`cookies()`. */
  requestScope?: RequestScope | undefined;
}

/** Options of `getTrackerClient()`. */
export interface GetTrackerClientOptions {
  /** `'user'` (the default with `user`) or `'service'` (the default otherwise); never falls back from one to the other. */
  as?: 'user' | 'service' | undefined;
  /** No user signed in: `'throw'` (default) a `SignInRequiredError`, or `'redirect'` to the sign-in route (Next's `redirect()`). */
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
  /** Server action: `flow.signIn` (login cookie via `cookies()`), then redirect to Yandex. */
  signIn(options?: { returnTo?: string | undefined }): Promise<never>;
  /** Server action: `flow.signOut` (session cookie cleared via `cookies()`), then redirect onwards. */
  signOut(options?: { returnTo?: string | undefined }): Promise<never>;
}

const withReturnTo = (path: string, returnTo: string | undefined) => (returnTo === undefined ? path : `${path}?returnTo=${encodeURIComponent(returnTo)}`);

/**
 * Server-side helpers bound to your sign-in routes and/or service credential; options are validated here.
 *
 * @example
 * export const { getTrackerClient, getSession, signIn, signOut } = createTrackerServerHelpers({ user: auth });
 * // app/page.tsx (server component)
 * const me = await (await getTrackerClient({ onSignInRequired: 'redirect' })).get('myself').json<{ login: string }>();
 */
export function createTrackerServerHelpers(options: TrackerServerHelpersOptions): TrackerServerHelpers {
  const invalid = (field: string, message: string) => new ConfigurationError('INVALID_OPTION', field, message);
  if (!options || typeof options !== 'object') throw invalid('options', 'createTrackerServerHelpers: pass an options object with user and/or service.');
  const { user, service, requestScope: scope = nextRequestScope } = options;
  const flow: OAuthFlow | undefined = user?.flow;
  if (user !== undefined && typeof flow?.userAuth !== 'function') throw invalid('user', 'createTrackerServerHelpers: user must be what createOAuthRouteHandlers() returned.');
  if (service !== undefined && typeof service?.headers !== 'function') throw invalid('service', 'createTrackerServerHelpers: service must be a TrackerAuth from createTrackerAuth().');
  if (!flow && !service) throw invalid('user', 'createTrackerServerHelpers: pass user (sign-in routes), service (an app credential), or both.');
  const path = (field: 'signInPath' | 'signOutPath', fallback: string) =>
    assertAppPath(options[field], field, { fallback, message: `createTrackerServerHelpers: ${field} must be a path such as "${fallback}".` });
  const [signInPath, signOutPath] = [path('signInPath', '/api/auth/sign-in'), path('signOutPath', '/api/auth/sign-out')];
  const clientOptions = assertTrackerClientOptions(options.client ?? {}, 'client');
  const serviceClient = service ? createTrackerClient(service, clientOptions) : undefined;
  const request = (method: 'GET' | 'POST', at: string) => currentRequest(scope, method, at, user?.baseUrl);

  function requireFlow(what: string): OAuthFlow {
    if (!flow) throw invalid('user', `${what} needs user (sign-in routes) in createTrackerServerHelpers().`);
    return flow;
  }

  return {
    async getTrackerClient({ as = flow ? 'user' : 'service', onSignInRequired = 'throw', returnTo = '/' } = {}) {
      if (as === 'service') {
        if (!serviceClient) throw invalid('service', "getTrackerClient({ as: 'service' }) needs service (an app credential) in createTrackerServerHelpers().");
        return serviceClient;
      }
      if (as !== 'user') throw invalid('as', "getTrackerClient: as must be 'user' or 'service'.");
      const userFlow = requireFlow("getTrackerClient({ as: 'user' })");
      try {
        return createTrackerClient(sessionWritingAuth(await userFlow.userAuth(await request('GET', '/')), scope), clientOptions);
      } catch (error) {
        await rethrowNextControlFlow(error);
        if (onSignInRequired === 'redirect' && isSignInRequiredError(error)) return nextRedirect(withReturnTo(signInPath, returnTo));
        throw error;
      }
    },
    async getSession() {
      return requireFlow('getSession()').getSession(await request('GET', '/'));
    },
    async signIn({ returnTo } = {}) {
      const userFlow = requireFlow('signIn()');
      return redirectWithCookies(await userFlow.signIn(await request('GET', withReturnTo(signInPath, returnTo))), scope);
    },
    async signOut({ returnTo } = {}) {
      const userFlow = requireFlow('signOut()');
      return redirectWithCookies(await userFlow.signOut(await request('POST', withReturnTo(signOutPath, returnTo))), scope);
    },
  };
}
