/**
 * "Sign in with Yandex" for Tracker, as web-standard handlers: sign-in → Yandex → callback →
 * sealed session cookie → per-request user auth → sign-out. The Express, NestJS and Next.js
 * adapters only translate requests and copy the returned headers (all Set-Cookie values are
 * produced here).
 *
 * Cookies: the sign-in cookie (10 min) holds the sealed state, PKCE verifier and return path;
 * the session cookie holds the sealed token set. Both are HttpOnly, SameSite=Lax (the callback
 * is a top-level GET redirect from Yandex, which Lax cookies accompany) and Secure on https.
 * Each sealed value is bound to its purpose, so a sign-in cookie never opens as a session.
 */
import { isOAuthResponseError, OAuthCallbackError, SignInRequiredError } from '../errors.js';
import { buildAuthorizeUrl } from '../oauth/authorize-url.js';
import { parseCallback } from '../oauth/callback.js';
import { createPkce } from '../oauth/pkce.js';
import { createState } from '../oauth/state.js';
import { exchangeCode } from '../oauth/token-endpoint.js';
import { hideSecrets, REDACTED, redactHeaders } from '../redact.js';
import { revokeToken } from '../oauth/revoke.js';
import type { OAuthTokenSet } from '../types.js';
import { appHostRedirect } from './app-host.js';
import { cookieHeaderAfter, readCookie, sessionCookie, withCookies, type CookieOptions, type SessionCookie } from './cookies.js';
import { jsonError, toErrorResponse } from './error-response.js';
import { resolveOAuthFlowOptions, SIGN_IN_TTL_SECONDS } from './oauth-flow-options.js';
import { safeReturnTo } from './return-to.js';
import { signInErrorCode } from './sign-in-error-code.js';
import type { SessionPayload } from './session-codec.js';
import type { GetSessionOptions, OAuthFlow, OAuthFlowOptions, OAuthSession, SessionRefresh } from './oauth-flow-types.js';
import { createUserAuthCache, type UserAuth } from './user-auth.js';

export type { GetSessionOptions, OAuthFlow, OAuthFlowCookieOptions, OAuthFlowOptions, OAuthSession, SessionRefresh } from './oauth-flow-types.js';

const NO_STORE = 'no-store';

/**
 * Create the sign-in flow. Options are validated here (ConfigurationError), never at the first
 * request.
 *
 * @example
 * const flow = createOAuthFlow({
 *   clientId: process.env.YANDEX_CLIENT_ID!,
 *   clientSecret: process.env.YANDEX_CLIENT_SECRET!,
 *   redirectUri: 'https://app.example.com/auth/callback',
 *   org: { orgId: process.env.TRACKER_ORG_ID! },
 *   sessionSecret: process.env.SESSION_SECRET!,
 * });
 * // GET /auth/sign-in → flow.signIn(request); GET /auth/callback → flow.callback(request)
 */
export function createOAuthFlow(options: OAuthFlowOptions): OAuthFlow {
  const {
    clientId,
    redirectUri,
    redirectUrl,
    org,
    scope,
    sessionName,
    loginName,
    cookieOptions,
    secureOption,
    sessionMaxAgeSeconds,
    afterSignInPath,
    afterSignOutPath,
    returnToParam,
    onEvent,
    canonicalHost,
    errorPath,
    store,
    now,
    oauthCall,
    device,
    codec,
  } = resolveOAuthFlowOptions(options);
  const redirectIsHttps = redirectUrl.protocol === 'https:';
  const allowedOrigins = new Set([redirectUrl.origin]);

  function cookieAttributes(request: Request, maxAge: number): CookieOptions {
    const secure = secureOption === 'auto' ? redirectIsHttps || request.url.startsWith('https:') : secureOption;
    return { path: cookieOptions.path, domain: cookieOptions.domain, httpOnly: true, secure, sameSite: 'Lax', maxAge };
  }
  const clearCookie = (request: Request, name: string): SessionCookie => sessionCookie(name, '', cookieAttributes(request, 0));

  function report(error: unknown, request: Request): void {
    try {
      options.onError?.(error, request);
    } catch {
      // An observer must not turn an error answer into a crash.
    }
  }

  function redirect(location: string, status: number, cookies: SessionCookie[]): Response {
    return withCookies(new Response(null, { status, headers: { location, 'cache-control': NO_STORE } }), cookies);
  }

  function returnToOf(request: Request, fallback: string): string {
    if (returnToParam === false) return fallback;
    return safeReturnTo(new URL(request.url).searchParams.get(returnToParam)) ?? fallback;
  }

  async function readSession(request: Request): Promise<SessionPayload | undefined> {
    const raw = readCookie(request.headers.get('cookie'), sessionName);
    if (!raw) return undefined;
    try {
      return await codec.openSession(raw, now());
    } catch {
      return undefined;
    }
  }

  const secondsUntil = (end: number) => Math.max(0, Math.floor((end - now()) / 1000));
  async function sealedSessionCookie(request: Request, payload: SessionPayload): Promise<SessionCookie> {
    return sessionCookie(sessionName, await codec.sealSession(payload), cookieAttributes(request, secondsUntil(payload.x)));
  }

  const users = createUserAuthCache({
    org,
    oauth: oauthCall,
    refresh: options.refresh,
    store,
    now,
    seal: (payload) => codec.sealSession(payload),
    cookie: (sealed, payload, request) => sessionCookie(sessionName, sealed, cookieAttributes(request, secondsUntil(payload.x))),
    clearCookie: (request) => clearCookie(request, sessionName),
    onEvent,
  });

  async function signIn(request: Request): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'HEAD' && request.method !== 'POST') {
      return jsonError(405, 'METHOD_NOT_ALLOWED', 'Use GET to start sign-in.', { allow: 'GET, POST' });
    }
    // The sign-in cookie must be set on the host Yandex sends the browser back to.
    const appHost = canonicalHost ? appHostRedirect(request, redirectUrl) : undefined;
    if (appHost !== undefined) return redirect(appHost, request.method === 'POST' ? 303 : 302, []);
    try {
      const state = createState();
      const pkce = await createPkce();
      const returnTo = returnToOf(request, afterSignInPath);
      const sealed = await codec.sealLogin({ s: state, c: pkce.codeVerifier, r: returnTo, x: now() + SIGN_IN_TTL_SECONDS * 1000 });
      const url = buildAuthorizeUrl({ clientId, redirectUri, scope, state, pkce, forceConfirm: options.forceConfirm, ...device, oauthUrl: options.oauthUrl });
      return redirect(url.href, 302, [sessionCookie(loginName, sealed, cookieAttributes(request, SIGN_IN_TTL_SECONDS))]);
    } catch (error) {
      report(error, request);
      return toErrorResponse(error);
    }
  }

  async function callback(request: Request): Promise<Response> {
    // GET only: a HEAD (link checkers, prefetchers) must not spend the one-time code.
    if (request.method !== 'GET') {
      return jsonError(405, 'METHOD_NOT_ALLOWED', 'The OAuth callback only answers GET.', { allow: 'GET' });
    }
    const clearLogin = clearCookie(request, loginName);
    try {
      const raw = readCookie(request.headers.get('cookie'), loginName);
      // An unreadable or expired login cookie counts as missing: parseCallback then refuses
      // with STATE_MISSING ("start sign-in again").
      const started = raw ? await codec.openLogin(raw, now()).catch(() => undefined) : undefined;
      const result = parseCallbackOrExplain(request.url, started?.s);
      if (result.type !== 'code' || started === undefined) throw new OAuthCallbackError('STATE_MISSING', 'No sign-in is in progress for this browser: start sign-in again.');
      const tokens = await exchangeCode({ ...oauthCall, ...device, code: result.code, codeVerifier: started.c, redirectUri });
      const signedInAt = now();
      const payload: SessionPayload = {
        a: tokens.accessToken,
        r: tokens.refreshToken,
        e: tokens.expiresAt,
        n: signedInAt,
        t: tokens.tokenType,
        s: tokens.scope,
        i: signedInAt,
        x: signedInAt + sessionMaxAgeSeconds * 1000,
      };
      return redirect(started.r, 302, [clearLogin, await sealedSessionCookie(request, payload)]);
    } catch (error) {
      report(error, request);
      // The app's own page, with a fixed code: never upstream text or a secret in the URL.
      if (errorPath !== undefined) return redirect(`${errorPath}?error=${signInErrorCode(error)}`, 303, [clearLogin]);
      return withCookies(toErrorResponse(error), [clearLogin]);
    }
  }

  /**
   * parseCallback, with the flow's own explanation of `STATE_MISSING` for a callback that found
   * no login cookie: the flow knows why a cookie goes missing, parseCallback alone does not.
   */
  function parseCallbackOrExplain(url: string, expectedState: string | undefined) {
    try {
      return parseCallback(url, { expectedState, responseType: 'code' });
    } catch (error) {
      if (expectedState === undefined && error instanceof OAuthCallbackError && error.code === 'STATE_MISSING') {
        throw new OAuthCallbackError(
          'STATE_MISSING',
          `No sign-in is in progress for this browser: the login cookie did not come back with the redirect from Yandex. ` +
            `Likely causes: the app was opened on another host than its app URL (${redirectUrl.origin}), and cookies belong to one host; ` +
            `the browser blocks cookies for this site; or sign-in was started more than ${SIGN_IN_TTL_SECONDS / 60} minutes ago. ` +
            `Open the app at ${redirectUrl.origin} and sign in again.`,
        );
      }
      throw error;
    }
  }

  async function signOut(request: Request): Promise<Response> {
    // POST only, and not from another site: a cross-site page must not be able to sign users
    // out (a GET sign-out could be triggered by an <img> tag).
    if (request.method !== 'POST') {
      return jsonError(405, 'METHOD_NOT_ALLOWED', 'Sign out with POST.', { allow: 'POST' });
    }
    if (isCrossSite(request, allowedOrigins)) {
      return jsonError(403, 'CROSS_SITE_REQUEST', 'Sign-out must come from this site.');
    }
    const session = await readSession(request);
    if (session !== undefined) {
      try {
        await users.forget(session);
      } catch (error) {
        // The store could not be reached: sign-out goes on (the cookie is cleared below).
        report(error, request);
      }
      try {
        await revokeToken({ ...oauthCall, accessToken: session.a });
      } catch (error) {
        // Best effort: Yandex only revokes device-bound tokens (docs/yandex-api.md 2.5) and answers
        // unsupported_token_type for the others; the cookie is cleared either way.
        if (!(isOAuthResponseError(error) && error.error === 'unsupported_token_type')) report(error, request);
      }
    }
    return redirect(returnToOf(request, afterSignOutPath), 303, [clearCookie(request, sessionName), clearCookie(request, loginName)]);
  }

  async function getSession(request: Request, getOptions?: GetSessionOptions): Promise<OAuthSession | null> {
    const opened = await readSession(request);
    // The newest tokens known here (a rotation this process made), or none when the session is dead.
    const session = opened === undefined ? undefined : await users.current(opened);
    if (session === undefined) return null;
    const info: OAuthSession = {
      signedInAt: session.i,
      expiresAt: session.x,
      accessTokenExpiresAt: session.e,
      scope: session.s,
      refreshable: session.r !== undefined,
    };
    if (getOptions?.includeTokens) {
      const tokens: OAuthTokenSet = { accessToken: session.a, refreshToken: session.r, tokenType: session.t, expiresAt: session.e, scope: session.s };
      // Readable by the caller, but a session object logged or sent as JSON must not carry them.
      info.tokens = hideSecrets(
        tokens,
        () => ({ ...tokens, accessToken: REDACTED, refreshToken: tokens.refreshToken === undefined ? undefined : REDACTED }),
        'OAuthTokenSet',
      );
    }
    return info;
  }

  async function userAuth(request: Request): Promise<UserAuth> {
    const raw = readCookie(request.headers.get('cookie'), sessionName);
    if (!raw) throw new SignInRequiredError('Sign in with Yandex first: this request has no session.');
    let session: SessionPayload;
    try {
      session = await codec.openSession(raw, now());
    } catch (error) {
      throw new SignInRequiredError('Sign in with Yandex again: the session is invalid or has expired.', { cause: error });
    }
    return await users.forSession(session, request);
  }

  async function refreshSession(request: Request): Promise<SessionRefresh> {
    const session = await readSession(request);
    const result = (cookies: SessionCookie[], signedIn: boolean): SessionRefresh => {
      const requestHeaders = new Headers(request.headers);
      if (cookies.length > 0) {
        const cookie = cookieHeaderAfter(request.headers.get('cookie'), cookies);
        if (cookie === '') requestHeaders.delete('cookie');
        else requestHeaders.set('cookie', cookie);
      }
      const refreshed: SessionRefresh = { cookies, signedIn, requestHeaders };
      // The new Cookie header holds the sealed session: printed, it shows redacted.
      return hideSecrets(refreshed, () => ({ cookies, signedIn, requestHeaders: redactHeaders(requestHeaders) }), 'SessionRefresh');
    };
    if (session === undefined) return result([], false);
    try {
      const user = await users.forSession(session, request);
      return result([...user.cookies], user.signedIn !== false);
    } catch (error) {
      // An outage while refreshing an expired token: the page's own Tracker calls will say so.
      report(error, request);
      return result([], true);
    }
  }

  return { signIn, callback, signOut, getSession, userAuth, refreshSession };
}

/** `Sec-Fetch-Site: cross-site`, or an `Origin` that is neither the request's nor the app's. */
function isCrossSite(request: Request, allowedOrigins: ReadonlySet<string>): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site === 'cross-site') return true;
  const origin = request.headers.get('origin');
  if (origin === null) return false;
  return origin !== new URL(request.url).origin && !allowedOrigins.has(origin);
}
