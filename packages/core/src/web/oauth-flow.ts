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
import { assertEventHandler } from '../events.js';
import { buildAuthorizeUrl } from '../oauth/authorize-url.js';
import { parseCallback, type CodeCallback } from '../oauth/callback.js';
import { createPkce, type Pkce } from '../oauth/pkce.js';
import { revokeToken } from '../oauth/revoke.js';
import { TRACKER_SCOPES } from '../oauth/scopes.js';
import { createState } from '../oauth/state.js';
import { checkOAuthOptions, exchangeCode, requireString } from '../oauth/token-endpoint.js';
import { USER_TOKEN_MAX_AGE_MS } from '../oauth/user-token-source.js';
import { hideSecrets, REDACTED, redactHeaders } from '../redact.js';
import { assertTokenStore } from '../refresh/memory-store.js';
import { resolveRefreshOptions } from '../refresh/refresh-policy.js';
import type { OAuthTokenSet } from '../types.js';
import { assertAppPath, assertUrl, isObject, normalizeOrg, optionFailer } from '../validate.js';
import { appHostRedirect } from './app-host.js';
import { assertCookieOptions, cookieHeaderAfter, readCookie, sessionCookie, withCookies, type CookieOptions, type SessionCookie } from './cookies.js';
import { jsonError, toErrorResponse } from './error-response.js';
import { safeReturnTo } from './return-to.js';
import { createSessionCodec, type SessionPayload } from './session-codec.js';
import { signInErrorCode } from './sign-in-error-code.js';
import type { GetSessionOptions, OAuthFlow, OAuthFlowOptions, OAuthSession, SessionRefresh } from './oauth-flow-types.js';
import { createUserAuthCache, type UserAuth } from './user-auth.js';

export type { GetSessionOptions, OAuthFlow, OAuthFlowCookieOptions, OAuthFlowOptions, OAuthSession, SessionRefresh } from './oauth-flow-types.js';

const FN = 'createOAuthFlow';
const fail = optionFailer(FN);
/** How long a sign-in may take, from the redirect to Yandex to the callback: the sign-in cookie's life. */
const SIGN_IN_TTL_SECONDS = 10 * 60;
const DEFAULT_SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
/** The longest a browser keeps a cookie. */
const MAX_SESSION_MAX_AGE_SECONDS = 400 * 24 * 60 * 60;

const notAllowed = (allow: string, message: string) => jsonError(405, 'METHOD_NOT_ALLOWED', message, { allow });

/** A same-origin path option (default `/`): never an open redirect. */
function localPath(value: string | undefined, field: string): string {
  const safe = value === undefined ? '/' : safeReturnTo(value);
  return safe ?? fail(field, 'must be a same-origin path such as "/issues"');
}

function assertFunction(value: unknown, field: string): void {
  if (value !== undefined && typeof value !== 'function') fail(field, 'must be a function');
}

/**
 * Create the sign-in flow. Every option is checked here (ConfigurationError naming the field),
 * before the flow exists, never at the first request: one authorize URL is built and the session
 * codec derived on the way, so whatever Yandex or the cookies would refuse later fails now.
 * Adapters take the flow's options as they are and never re-check them.
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
  if (!isObject(options)) fail('options', 'must be an object');
  const { clientId, clientSecret, redirectUri, device, forceConfirm, oauthUrl, fetch, timeoutMs, store, onError } = options;
  // Required here (a confidential client), unlike in the bare OAuth calls.
  requireString(clientSecret, 'clientSecret', FN, 'the Client secret of your app');
  // Checks clientId, oauthUrl and timeoutMs; the OAuth calls per request use it as it is.
  const oauthCall = { clientId, clientSecret, oauthUrl, fetch, timeoutMs };
  checkOAuthOptions(FN, oauthCall);
  // `redirectUri` itself is sent exactly as given: Yandex compares it with the registered one as a string.
  const redirectUrl = assertUrl(redirectUri, 'redirectUri', { allowQuery: true });
  const org = normalizeOrg(options.org);
  const scope = options.scope ?? TRACKER_SCOPES;
  const cookieOptions = options.cookies ?? {};
  if (typeof cookieOptions !== 'object') fail('cookies', 'must be an object');
  const sessionName = cookieOptions.session ?? 'tracker_session';
  const loginName = cookieOptions.signIn ?? 'tracker_login';
  assertCookieOptions({ session: sessionName, signIn: loginName, path: cookieOptions.path, domain: cookieOptions.domain }, fail);
  if (sessionName === loginName) fail('cookies.signIn', 'must differ from `cookies.session`');
  const secureOption = cookieOptions.secure ?? 'auto';
  if (secureOption !== 'auto' && typeof secureOption !== 'boolean') fail('cookies.secure', "must be true, false or 'auto'");
  const sessionMaxAgeSeconds = options.sessionMaxAgeSeconds ?? DEFAULT_SESSION_MAX_AGE_SECONDS;
  if (!Number.isSafeInteger(sessionMaxAgeSeconds) || sessionMaxAgeSeconds <= 0 || sessionMaxAgeSeconds > MAX_SESSION_MAX_AGE_SECONDS) {
    fail('sessionMaxAgeSeconds', 'must be a whole number of seconds from 1 to 34560000 (400 days)');
  }
  const afterSignInPath = localPath(options.afterSignInPath, 'afterSignInPath');
  const afterSignOutPath = localPath(options.afterSignOutPath, 'afterSignOutPath');
  const returnToParam = options.returnToParam ?? 'returnTo';
  if (returnToParam !== false && (typeof returnToParam !== 'string' || returnToParam === '')) fail('returnToParam', 'must be a query parameter name or false');
  if (device !== undefined && !isObject(device)) fail('device', 'must be { deviceId, deviceName? }');
  assertFunction(onError, 'onError');
  const onEvent = assertEventHandler(options.onEvent, 'onEvent', FN);
  const canonicalHost = options.canonicalHost ?? true;
  if (typeof canonicalHost !== 'boolean') fail('canonicalHost', 'must be true or false');
  const errorPath = options.errorPath === undefined ? undefined : assertAppPath(options.errorPath, 'errorPath');
  assertFunction(fetch, 'fetch');
  assertTokenStore(store, fail);
  // Refresh tuning is used per request: check it now. User tokens live long (a year at Yandex):
  // refreshed about every 3 months by default, as Yandex suggests.
  const policy = resolveRefreshOptions(options.refresh);
  policy.maxAgeMs = options.refresh?.maxAgeMs ?? USER_TOKEN_MAX_AGE_MS;
  const now = policy.now;
  const deviceOptions = device === undefined ? {} : { deviceId: device.deviceId, deviceName: device.deviceName };
  const authorizeUrl = (state: string, pkce?: Pkce) =>
    buildAuthorizeUrl({ clientId, redirectUri, scope, forceConfirm, ...deviceOptions, state, pkce, oauthUrl });
  // Every authorize option (scope, device, …) fails at construction rather than at the first sign-in.
  authorizeUrl('x');
  const codec = createSessionCodec(options.sessionSecret, 'sessionSecret', now);

  /** A cookie of the flow with this request's attributes; without a value, the one clearing it. */
  function cookie(request: Request, name: string, value = '', maxAge = 0): SessionCookie {
    const secure = secureOption === 'auto' ? redirectUrl.protocol === 'https:' || request.url.startsWith('https:') : secureOption;
    const attributes: CookieOptions = { path: cookieOptions.path, domain: cookieOptions.domain, httpOnly: true, secure, sameSite: 'Lax', maxAge };
    return sessionCookie(name, value, attributes);
  }
  /** The session cookie of a sealed payload: it lives as long as the session. */
  const sealedCookie = (request: Request, sealed: string, payload: SessionPayload) =>
    cookie(request, sessionName, sealed, Math.max(0, Math.floor((payload.x - now()) / 1000)));

  function report(error: unknown, request: Request): void {
    try {
      onError?.(error, request);
    } catch {
      // An observer must not turn an error answer into a crash.
    }
  }

  function redirect(location: string, status: number, cookies: SessionCookie[] = []): Response {
    return withCookies(new Response(null, { status, headers: { location, 'cache-control': 'no-store' } }), cookies);
  }

  function returnToOf(request: Request, fallback: string): string {
    if (returnToParam === false) return fallback;
    return safeReturnTo(new URL(request.url).searchParams.get(returnToParam)) ?? fallback;
  }

  const cookieOf = (request: Request, name: string) => readCookie(request.headers.get('cookie'), name);
  /** The request's session, or `undefined` when it has none that opens. */
  async function readSession(request: Request): Promise<SessionPayload | undefined> {
    const raw = cookieOf(request, sessionName);
    return raw ? codec.openSession(raw, now()).catch(() => undefined) : undefined;
  }

  const users = createUserAuthCache({
    org,
    oauth: oauthCall,
    policy,
    store,
    seal: codec.sealSession,
    cookie: sealedCookie,
    clearCookie: (request) => cookie(request, sessionName),
    onEvent,
  });

  async function signIn(request: Request): Promise<Response> {
    const { method } = request;
    if (!['GET', 'HEAD', 'POST'].includes(method)) return notAllowed('GET, POST', 'Use GET to start sign-in.');
    // The sign-in cookie must be set on the host Yandex sends the browser back to.
    const appHost = canonicalHost ? appHostRedirect(request, redirectUrl) : undefined;
    if (appHost !== undefined) return redirect(appHost, method === 'POST' ? 303 : 302);
    try {
      const state = createState();
      const pkce = await createPkce();
      const returnTo = returnToOf(request, afterSignInPath);
      const sealed = await codec.sealLogin({ s: state, c: pkce.codeVerifier, r: returnTo, x: now() + SIGN_IN_TTL_SECONDS * 1000 });
      return redirect(authorizeUrl(state, pkce).href, 302, [cookie(request, loginName, sealed, SIGN_IN_TTL_SECONDS)]);
    } catch (error) {
      report(error, request);
      return toErrorResponse(error);
    }
  }

  async function callback(request: Request): Promise<Response> {
    // GET only: a HEAD (link checkers, prefetchers) must not spend the one-time code.
    if (request.method !== 'GET') return notAllowed('GET', 'The OAuth callback only answers GET.');
    const clearLogin = cookie(request, loginName);
    try {
      const raw = cookieOf(request, loginName);
      // An unreadable or expired login cookie counts as missing. Without it there is no state to
      // expect, so parseCallback would refuse with STATE_MISSING: the flow says why instead.
      const started = raw ? await codec.openLogin(raw, now()).catch(() => undefined) : undefined;
      if (started === undefined) {
        throw new OAuthCallbackError(
          'STATE_MISSING',
          `No sign-in is in progress (the login cookie did not come back): open the app at ${redirectUrl.origin}, allow its cookies and sign in again within ${SIGN_IN_TTL_SECONDS / 60} minutes.`,
        );
      }
      // With `responseType: 'code'`, a code or a throw.
      const { code } = parseCallback(request.url, { expectedState: started.s, responseType: 'code' }) as CodeCallback;
      const tokens = await exchangeCode({ ...oauthCall, ...deviceOptions, code, codeVerifier: started.c, redirectUri });
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
      return redirect(started.r, 302, [clearLogin, sealedCookie(request, await codec.sealSession(payload), payload)]);
    } catch (error) {
      report(error, request);
      // The app's own page, with a fixed code: never upstream text or a secret in the URL.
      if (errorPath !== undefined) return redirect(`${errorPath}?error=${signInErrorCode(error)}`, 303, [clearLogin]);
      return withCookies(toErrorResponse(error), [clearLogin]);
    }
  }

  async function signOut(request: Request): Promise<Response> {
    // POST only, and not from another site: a cross-site page must not be able to sign users
    // out (a GET sign-out could be triggered by an <img> tag).
    if (request.method !== 'POST') return notAllowed('POST', 'Sign out with POST.');
    // `Sec-Fetch-Site: cross-site`, or an `Origin` that is neither the request's nor the app's.
    const origin = request.headers.get('origin');
    if (request.headers.get('sec-fetch-site') === 'cross-site' || (origin !== null && origin !== new URL(request.url).origin && origin !== redirectUrl.origin)) {
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
    return redirect(returnToOf(request, afterSignOutPath), 303, [cookie(request, sessionName), cookie(request, loginName)]);
  }

  async function getSession(request: Request, getOptions?: GetSessionOptions): Promise<OAuthSession | null> {
    const opened = await readSession(request);
    // The newest tokens known here (a rotation this process made), or none when the session is dead.
    const session = opened && (await users.current(opened));
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
    const raw = cookieOf(request, sessionName);
    if (!raw) throw new SignInRequiredError('Sign in with Yandex first: this request has no session.');
    const session = await codec.openSession(raw, now()).catch((error: unknown) => {
      throw new SignInRequiredError('Sign in with Yandex again: the session is invalid or has expired.', { cause: error });
    });
    return await users.forSession(session, request);
  }

  async function refreshSession(request: Request): Promise<SessionRefresh> {
    const session = await readSession(request);
    const result = (cookies: SessionCookie[], signedIn: boolean): SessionRefresh => {
      const requestHeaders = new Headers(request.headers);
      if (cookies.length > 0) {
        const header = cookieHeaderAfter(request.headers.get('cookie'), cookies);
        if (header === '') requestHeaders.delete('cookie');
        else requestHeaders.set('cookie', header);
      }
      const refreshed: SessionRefresh = { cookies, signedIn, requestHeaders };
      // The new Cookie header holds the sealed session: printed, it shows redacted.
      return hideSecrets(refreshed, () => ({ ...refreshed, requestHeaders: redactHeaders(requestHeaders) }), 'SessionRefresh');
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
