/**
 * "Sign in with Yandex" for Tracker, as web-standard handlers: login → Yandex → callback →
 * sealed session cookie → per-request user auth → logout. The Express, NestJS and Next.js
 * adapters only translate requests and copy the returned headers (all Set-Cookie values are
 * produced here).
 */
import { ConfigurationError } from '../errors.js';
import type { FetchLike, OAuthTokenSet, RefreshOptions, TrackerOrg } from '../types.js';
import type { UserAuth } from './user-auth.js';

/** Cookie names and attributes of the sign-in flow. */
export interface OAuthFlowCookieOptions {
  /** Name of the session cookie (sealed tokens). Default `tracker_session`. */
  session?: string | undefined;
  /** Name of the short-lived (10 min) login cookie (sealed state + PKCE verifier). Default `tracker_login`. */
  login?: string | undefined;
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

/** Options of {@link createOAuthFlow}. */
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
  /** How long a session cookie lives, seconds. Default 30 days. */
  sessionMaxAgeSeconds?: number | undefined;
  /** Where to go after sign-in when no valid `returnTo` was given. Default `/`. */
  afterLoginPath?: string | undefined;
  /** Where to go after sign-out when no valid `returnTo` was given. Default `/`. */
  afterLogoutPath?: string | undefined;
  /**
   * Query parameter of `login` and `logout` naming where to go afterwards. Only same-origin
   * relative paths (`/issues?x=1`) are honoured; anything else falls back to the default
   * (no open redirect). `false` disables it. Default `returnTo`.
   */
  returnToParam?: string | false | undefined;
  /**
   * Issue device-bound tokens (yandex-api.md 2.1): Yandex only revokes these on sign-out.
   */
  device?: { deviceId: string; deviceName?: string | undefined } | undefined;
  /** Ask the user to confirm rights again even when already granted (`force_confirm=yes`). */
  forceConfirm?: boolean | undefined;
  /** Base URL of Yandex OAuth. Default `https://oauth.yandex.ru`. */
  oauthUrl?: string | undefined;
  /** Base URL of the Tracker API. Default `https://api.tracker.yandex.net`. */
  trackerUrl?: string | undefined;
  fetch?: FetchLike | undefined;
  /** Tuning of the access-token refresh. */
  refresh?: RefreshOptions | undefined;
  /** Timeout of one call to Yandex OAuth, ms. Default 10 000. */
  timeoutMs?: number | undefined;
  /** Observer of failures answered with an error response (for logging; must not throw). */
  onError?: ((error: unknown, request: Request) => void) | undefined;
}

/** What `getSession` tells about a signed-in user. Holds no secret unless asked. */
export interface OAuthSession {
  /** When the user signed in, epoch ms. */
  signedInAt: number;
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

/** What {@link createOAuthFlow} returns: web-standard handlers and session helpers. */
export interface OAuthFlow {
  /** `GET`: start sign-in; answers 302 to Yandex with a fresh state + PKCE in a login cookie. */
  login(request: Request): Promise<Response>;
  /** `GET`: Yandex's redirect back; exchanges the code, sets the session cookie, 302 onwards. */
  callback(request: Request): Promise<Response>;
  /** `POST` (same-origin): clears the session cookie, revokes the token best-effort, 303 onwards. */
  logout(request: Request): Promise<Response>;
  /** The signed-in session of this request, or `null`. Never throws for a bad cookie. */
  getSession(request: Request, options?: GetSessionOptions): Promise<OAuthSession | null>;
  /**
   * Tracker auth acting as the signed-in user.
   * @throws {SignInRequiredError} no session, or one that can no longer be opened or refreshed
   */
  userAuth(request: Request): Promise<UserAuth>;
}

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
 * // GET /auth/login → flow.login(request); GET /auth/callback → flow.callback(request)
 */
export function createOAuthFlow(options: OAuthFlowOptions): OAuthFlow {
  if (!options || typeof options !== 'object') {
    throw new ConfigurationError('INVALID_OPTION', 'options', 'createOAuthFlow: pass an options object.');
  }
  const notYet = (): never => {
    throw new Error('createOAuthFlow: not implemented yet');
  };
  return { login: notYet, callback: notYet, logout: notYet, getSession: notYet, userAuth: notYet };
}
