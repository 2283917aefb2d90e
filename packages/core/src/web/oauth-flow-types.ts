/**
 * The public option and result types of the sign-in flow (`createOAuthFlow` in
 * oauth-flow.ts), kept apart so the flow itself stays readable.
 */
import type { TrackerAuthEventHandler } from '../events.js';
import type { FetchLike, OAuthTokenSet, RefreshOptions, TokenStore, TrackerOrg } from '../types.js';
import type { SessionCookie } from './cookies.js';
import type { UserAuth } from './user-auth.js';

/** Cookie names and attributes of the sign-in flow. */
export interface OAuthFlowCookieOptions {
  /** Name of the session cookie (sealed tokens). Default `tracker_session`. */
  session?: string | undefined;
  /** Name of the short-lived (10 min) sign-in cookie (sealed state + PKCE verifier). Default `tracker_login`. */
  signIn?: string | undefined;
  /** Path attribute of both cookies. Default `/`. */
  path?: string | undefined;
  /** Domain attribute; omit (the default) for a host-only cookie. */
  domain?: string | undefined;
  /**
   * `Secure` attribute: `'auto'` (default) sets it when `redirectUri` or the request URL is
   * https. Set `true` behind a TLS-terminating proxy that forwards plain http.
   */
  secure?: boolean | 'auto' | undefined;
}

/** Options of `createOAuthFlow`. */
export interface OAuthFlowOptions {
  /** The ClientID of your app at oauth.yandex.ru. */
  clientId: string;
  /** The Client secret of your app. Never leaves the server. */
  clientSecret: string;
  /** Absolute URL of your callback route, registered as a Redirect URI of the app. */
  redirectUri: string;
  /** The Tracker organization users act in. */
  org: TrackerOrg;
  /**
   * Key material for sealing cookies (AES-GCM), at least 32 bytes. Pass an array to rotate:
   * the first seals, all are tried when opening.
   */
  sessionSecret: string | readonly string[];
  /** Rights to ask for. Default `['tracker:read', 'tracker:write']`. */
  scope?: readonly string[] | undefined;
  cookies?: OAuthFlowCookieOptions | undefined;
  /** How long a session lasts after sign-in, seconds (not extended by refreshes). Default 30 days. */
  sessionMaxAgeSeconds?: number | undefined;
  /** Where to go after sign-in when no valid `returnTo` was given. Default `/`. */
  afterSignInPath?: string | undefined;
  /** Where to go after sign-out when no valid `returnTo` was given. Default `/`. */
  afterSignOutPath?: string | undefined;
  /**
   * Query parameter of `signIn` and `signOut` naming where to go afterwards. Only same-origin
   * relative paths (`/issues?x=1`) are honoured; anything else falls back to the default
   * (no open redirect). `false` disables it. Default `returnTo`.
   */
  returnToParam?: string | false | undefined;
  /**
   * Issue device-bound tokens (docs/yandex-api.md 2.1): Yandex only revokes these on sign-out.
   */
  device?: { deviceId: string; deviceName?: string | undefined } | undefined;
  /** Ask the user to confirm rights again even when already granted (`force_confirm=yes`). */
  forceConfirm?: boolean | undefined;
  /** Base URL of Yandex OAuth. Default `https://oauth.yandex.ru`. */
  oauthUrl?: string | undefined;
  fetch?: FetchLike | undefined;
  /** Tuning of the access-token refresh (and its clock, `refresh.now`). */
  refresh?: RefreshOptions | undefined;
  /**
   * Where the current tokens of each session are shared between app instances (a Redis or
   * database {@link TokenStore}). Yandex rotates refresh tokens: without a shared store, a
   * request still carrying the pre-refresh cookie that reaches another instance than the one
   * that refreshed ends in `SignInRequiredError`. With it, that instance serves the rotated
   * tokens and re-seals the cookie. Keys are `oauth:user:sha256:<SHA-256 of the session's
   * refresh token>` (never a token); values hold tokens, so keep the store private and let
   * entries expire (after `sessionMaxAgeSeconds` at the latest). Default: none (per process).
   */
  store?: TokenStore | undefined;
  /** Timeout of one call to Yandex OAuth, ms. Default 10 000. */
  timeoutMs?: number | undefined;
  /** Observer of failures answered with an error response (for logging; must not throw). */
  onError?: ((error: unknown, request: Request) => void) | undefined;
  /**
   * Redirect `signIn` requests made on another host than the app URL (the host of `redirectUri`)
   * to the same path and query on the app URL, before sign-in starts: the login cookie only
   * comes back to the callback on the host it was set on, so sign-in started on `localhost` for
   * an app at `127.0.0.1` (or on a `www.` alias) would end in `STATE_MISSING`. GET and HEAD get a
   * 302, POST a 303. The browser's host is the request's `Host` header (a malformed one is
   * ignored), else the host of `request.url`: the adapters keep the `Host` the browser sent when
   * they rebuild the URL from `baseUrl`, and hand on `X-Forwarded-Host` instead when the app
   * trusts its proxy (`trustProxy`). Only the host (name and port) is compared, not the scheme,
   * so a TLS-terminating proxy needs nothing. Behind a proxy that rewrites `Host`, have it send
   * `X-Forwarded-Host` and trust it, or set this to `false`; otherwise each sign-in takes one
   * extra redirect (a request the redirect already sent once is never redirected again, so it
   * cannot loop). Default `true`.
   */
  canonicalHost?: boolean | undefined;
  /**
   * A path of this app (e.g. `/sign-in-error`) that shows why sign-in failed. When set, a failed
   * callback (consent declined, a missing or foreign state, a refused code exchange) answers
   * 303 to `errorPath?error=<code>` with a fixed `SignInErrorCode` (`access_denied`,
   * `state_missing`, `exchange_failed`, …) instead of a JSON error body; no upstream text or
   * secret is in the URL. Without it (the default), the callback answers JSON
   * `{ "error": { "code", "message" } }` with a 4xx/5xx status. `onError` sees the error either way.
   */
  errorPath?: string | undefined;
  /**
   * Observer of what the flow does (see `TrackerAuthEvent`): signed-in users' token refreshes
   * (`refresh.*`), `session.rotated` and `session.dead`, and, for clients built on
   * `userAuth(request).auth` without their own `onEvent`, retries, 429 waits and 401 replays.
   * No event holds a token or a cookie; what the handler throws is swallowed.
   */
  onEvent?: TrackerAuthEventHandler | undefined;
}

/** What `getSession` tells about a signed-in user. Holds no secret unless asked. */
export interface OAuthSession {
  /** When the user signed in, epoch ms. */
  signedInAt: number;
  /** When the session ends and the user must sign in again, epoch ms. */
  expiresAt: number;
  /** When the current access token expires, epoch ms (refreshed on use by `userAuth`). */
  accessTokenExpiresAt?: number | undefined;
  /** Granted scope, when Yandex reported it (only when narrower than asked). */
  scope?: string | undefined;
  /** Whether a refresh token is held. */
  refreshable: boolean;
  /** The tokens themselves: only with `getSession(request, { includeTokens: true })`. */
  tokens?: OAuthTokenSet | undefined;
}

/** Options of `getSession`. */
export interface GetSessionOptions {
  /** Include the OAuth tokens (server-side use only; never send them to a browser). */
  includeTokens?: boolean | undefined;
}

/** What `refreshSession` tells a middleware to do before the page renders. */
export interface SessionRefresh {
  /**
   * Cookies to set on the response: the re-sealed session after its tokens rotated, or a
   * clearing cookie once the session is dead. Empty when nothing changed.
   */
  cookies: SessionCookie[];
  /** Whether the request still has a usable session (false: none, unreadable, ended or dead). */
  signedIn: boolean;
  /**
   * The request's headers with `Cookie` as the browser will send it from now on (`cookies`
   * applied), so a render after the middleware already reads the new session. A copy of the
   * incoming headers when nothing changed.
   */
  requestHeaders: Headers;
}

/** What `createOAuthFlow` returns: web-standard handlers and session helpers. */
export interface OAuthFlow {
  /** `GET`: start sign-in; answers 302 to Yandex with a fresh state + PKCE in a login cookie. */
  signIn(request: Request): Promise<Response>;
  /** `GET`: Yandex's redirect back; exchanges the code, sets the session cookie, 302 onwards. */
  callback(request: Request): Promise<Response>;
  /** `POST` (same-origin): clears the session cookie, revokes the token best-effort, 303 onwards. */
  signOut(request: Request): Promise<Response>;
  /**
   * The signed-in session of this request, or `null` (also once Yandex refused its refresh
   * token). Never throws for a bad cookie. No network.
   */
  getSession(request: Request, options?: GetSessionOptions): Promise<OAuthSession | null>;
  /**
   * Tracker auth acting as the signed-in user.
   * @throws {SignInRequiredError} no session, or one that can no longer be opened or refreshed
   */
  userAuth(request: Request): Promise<UserAuth>;
  /**
   * For a middleware that runs before rendering (where cookies can still be written, e.g. a
   * Next.js `middleware.ts`/`proxy.ts`): when the session's access token is due for a refresh or
   * expired, refresh it now (awaited, at most `refresh.timeoutMs`) and return the `Set-Cookie`
   * values to send; a rotation made earlier that the browser has not received yet is returned
   * too, and a dead session gets a clearing cookie. Cheap when nothing is due: it opens the
   * cookie and makes no network call. Never throws: upstream trouble is reported to `onError`
   * and leaves the cookie as it is.
   *
   * @example
   * const { cookies, requestHeaders } = await flow.refreshSession(request);
   * const response = NextResponse.next({ request: { headers: requestHeaders } });
   * for (const { name, value, options } of cookies) response.headers.append('set-cookie', serializeCookie(name, value, options));
   */
  refreshSession(request: Request): Promise<SessionRefresh>;
}
