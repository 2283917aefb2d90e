/**
 * User mode: a signed-in user's Yandex OAuth token as a {@link TokenSource}, refreshed with the
 * user's refresh token by the shared refresh engine (single-flight, expiry-driven). When the
 * refresh token no longer works, the app must send the user through sign-in again: that is
 * reported as {@link SignInRequiredError}, never as a generic failure.
 */
import { SignInRequiredError, isOAuthResponseError } from '../errors.js';
import { refreshingTokenSource, type RefreshingTokenSource } from '../refresh/engine.js';
import { assertSourceOptions, fingerprint, mergeDefaults } from '../tokens/source-options.js';
import type { TrackerAuthEventHandler } from '../events.js';
import type { OAuthTokenSet, RefreshOptions, StoredToken, TokenStore } from '../types.js';
import {
  checkOAuthOptions,
  refreshOAuthTokenAt,
  requireString,
  type OAuthClientCredentials,
  type OAuthRequestOptions,
  type RefreshOAuthTokenOptions,
} from './token-endpoint.js';

/** Options of {@link userTokenSource}. */
export interface UserTokenSourceOptions extends Omit<OAuthRequestOptions, 'signal' | 'timeoutMs'>, Omit<OAuthClientCredentials, 'clientSecret'> {
  /** The user's tokens, as `exchangeCode()` / `pollDeviceToken()` returned them (e.g. from the session). */
  tokens: OAuthTokenSet;
  /** The app's Client secret (needed to refresh). */
  clientSecret: string;
  /**
   * Where the current token lives (default: in memory). With a shared store (Redis, a
   * database), instances holding the same session share one refresh and its rotated tokens.
   */
  store?: TokenStore | undefined;
  /**
   * Refresh tuning. User tokens live long (a year at Yandex), so the default `maxAgeMs` here is
   * 90 days (Yandex suggests refreshing long-lived tokens about every 3 months), not 1 hour.
   */
  refresh?: RefreshOptions | undefined;
  /**
   * Called with the new token set after each refresh. Yandex rotates the refresh token: persist
   * it (e.g. reseal the session cookie) or the next refresh may fail.
   */
  onTokens?: ((tokens: OAuthTokenSet) => void | Promise<void>) | undefined;
  /**
   * Store key; default `oauth:user:<fingerprint of the refresh token>` (never the token itself),
   * which is unique per signed-in session.
   */
  id?: string | undefined;
  /** Observer of this source's `refresh.*` events (see `TrackerAuthEvent`); what it throws is swallowed. */
  onEvent?: TrackerAuthEventHandler | undefined;
}

/** Default `maxAgeMs` of user tokens: about 3 months (docs/yandex-api.md 2.3). */
export const USER_TOKEN_MAX_AGE_MS = 90 * 24 * 60 * 60 * 1000;

/**
 * A user token that expired or was refused, without a refresh token: only a new sign-in helps
 * (here and in the sign-in flow's sessions).
 */
export const noRefreshToken = () => new SignInRequiredError('The Yandex OAuth token can no longer be used and there is no refresh token: sign in again.');

/** What the store keeps of a token set: what requests need, and the refresh token. */
export const toStored = ({ accessToken, expiresAt, refreshToken }: OAuthTokenSet, issuedAt?: number): StoredToken => ({
  token: accessToken,
  kind: 'oauth',
  expiresAt,
  issuedAt,
  refreshToken,
});

/**
 * OAuth `error` values that mean the refresh token itself is dead (expired, revoked, or the
 * user withdrew consent); anything else (`invalid_client`, outages) is the app's or Yandex's
 * problem and is reported as is.
 */
const SIGN_IN_AGAIN = ['invalid_grant', 'invalid_token', 'access_denied'];

/**
 * One refresh grant for a signed-in user: the token endpoint's answer, or
 * {@link SignInRequiredError} when the refresh token itself is dead (`invalid_grant`,
 * `invalid_token`, `access_denied`); other failures (outages, `invalid_client`) pass through.
 * Shared by {@link userTokenSource} and the sign-in flow's session cache.
 */
export async function refreshUserTokens(options: RefreshOAuthTokenOptions, now: () => number): Promise<OAuthTokenSet> {
  try {
    return await refreshOAuthTokenAt(options, now);
  } catch (error) {
    if (isOAuthResponseError(error) && SIGN_IN_AGAIN.includes(error.error)) {
      throw new SignInRequiredError(`The Yandex OAuth session can no longer be refreshed (${error.error}): sign in again.`, {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * A token source for one signed-in user: serves their OAuth token (`Authorization: OAuth …`),
 * refreshes it with the refresh token when it nears expiry or Tracker rejects it (one refresh
 * shared by concurrent callers), and hands rotated tokens to `onTokens`.
 *
 * @throws {ConfigurationError} at once, for bad options.
 * @example
 * const credentials = userTokenSource({
 *   tokens: session.tokens,
 *   clientId, clientSecret,
 *   onTokens: async (tokens) => { session.tokens = tokens; await saveSession(session); },
 * });
 * const tracker = createTrackerClient(createTrackerAuth({ credentials, org: { orgId } }));
 * // getToken()/requests reject with SignInRequiredError once the refresh token is dead
 */
export function userTokenSource(options: UserTokenSourceOptions): RefreshingTokenSource {
  const fn = 'userTokenSource';
  // The options object, `onEvent`, `fetch`, `id` and `store`, like every token source.
  assertSourceOptions(options, fn);
  const fail = checkOAuthOptions(fn, options);
  const { tokens, onTokens } = options;
  requireString(options.clientSecret, 'clientSecret', fn, 'needed to refresh');
  if (typeof tokens !== 'object' || !tokens) fail('tokens', 'must be the token set from exchangeCode()', 'INVALID_TOKEN');
  const { accessToken, refreshToken, expiresAt } = tokens;
  requireString(accessToken, 'tokens.accessToken', fn, 'from exchangeCode()');
  if (refreshToken !== undefined) requireString(refreshToken, 'tokens.refreshToken', fn, 'or leave it out');
  if (expiresAt !== undefined && !Number.isFinite(expiresAt)) fail('tokens.expiresAt', 'must be epoch milliseconds', 'INVALID_TOKEN');
  if (onTokens !== undefined && typeof onTokens !== 'function') fail('onTokens', 'must be a function when given');

  // The last answer of the token endpoint, for onTokens (the store keeps only what requests need).
  let latest: OAuthTokenSet | undefined;

  const source = refreshingTokenSource({
    id: options.id ?? `oauth:user:${fingerprint(refreshToken ?? accessToken)}`,
    kind: 'oauth',
    store: options.store,
    refresh: { maxAgeMs: USER_TOKEN_MAX_AGE_MS, ...options.refresh },
    onEvent: options.onEvent,
    initial: toStored(tokens),
    fetchToken: async ({ current, signal, timeoutMs, now }) => {
      const refreshWith = current?.refreshToken ?? refreshToken;
      if (refreshWith === undefined) {
        throw noRefreshToken();
      }
      // The other options (tokens, store, …) are no fields of a token call: the grant ignores them.
      const next = await refreshUserTokens({ ...options, refreshToken: refreshWith, signal, timeoutMs }, now);
      // Yandex may omit a new refresh token; the old one then stays valid.
      latest = { ...next, refreshToken: next.refreshToken ?? refreshWith };
      return toStored(latest, now());
    },
    onRefresh: async (stored) => {
      await onTokens?.(latest ?? { accessToken: stored.token, tokenType: 'bearer', expiresAt: stored.expiresAt, refreshToken: stored.refreshToken });
    },
  });
  source.withDefaults = (defaults) => userTokenSource(mergeDefaults(options, defaults));
  return source;
}
