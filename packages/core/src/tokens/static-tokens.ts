/**
 * Static credentials: a Yandex OAuth token or an IAM token the app already holds. Nothing to
 * fetch or refresh, so these sources never call an upstream.
 */
import { TokenExchangeError } from '../errors.js';
import { hideSecrets } from '../redact.js';
import type { AccessToken, TokenKind, TokenSource } from '../types.js';
import { assertToken, optionFailer } from '../validate.js';
import { parseIamExpiresAt } from './iam-exchange.js';
import { fingerprint } from './source-options.js';

/**
 * A static token source. `invalidate()` changes nothing and resolves `false`: the next
 * `getToken()` serves the very same token, so a client that got a 401 fails fast with
 * `UnauthorizedError` instead of replaying a token Tracker just refused.
 */
export interface StaticTokenSource extends TokenSource {
  invalidate(token?: string): Promise<false>;
}

function staticSource(kind: TokenKind, token: string, expiresAt?: number, now: () => number = Date.now): StaticTokenSource {
  const id = `${kind}:static:${fingerprint(token)}`;
  const access: AccessToken = { token, kind, expiresAt, issuedAt: undefined };
  hideSecrets(access, () => ({ kind, expiresAt }), 'AccessToken');
  const source: StaticTokenSource = {
    id,
    kind,
    async getToken() {
      if (expiresAt !== undefined && now() >= expiresAt) {
        // Sending it would only earn a 401 from Tracker; say what to do instead.
        throw new TokenExchangeError(`the static IAM token ${id} expired at ${new Date(expiresAt).toISOString()}; pass a new one, or use iamFromServiceAccountKey()`, {
          source: 'iam',
          retryable: false,
        });
      }
      return access;
    },
    // Nothing to refresh: a static token stays what it is, and a replay would send it again.
    invalidate: async () => false,
    // A store or refresh settings have nothing to do for a static token.
    withDefaults: () => source,
  };
  hideSecrets(source, () => ({ id, kind, expiresAt }), kind === 'oauth' ? 'OAuthTokenSource' : 'IamTokenSource');
  return source;
}

/**
 * A static Yandex OAuth token (`Authorization: OAuth <token>`), valid for Yandex 360 and Yandex
 * Cloud organizations. Validated now: empty, whitespace, control characters or a pasted scheme
 * word (`OAuth y0_…`) throw {@link ConfigurationError} without echoing the token.
 *
 * @example
 * const auth = createTrackerAuth({ credentials: oauthToken(process.env.TRACKER_OAUTH_TOKEN!), org: { orgId: '1234567' } });
 */
export function oauthToken(token: string): StaticTokenSource {
  return staticSource('oauth', assertToken(token, 'token'));
}

export interface IamTokenOptions {
  /** When the token stops working: epoch ms, a `Date`, or IAM's RFC 3339 `expiresAt` string. */
  expiresAt?: number | Date | string | undefined;
  /** Clock, for tests. Default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * A static Yandex Cloud IAM token (`Authorization: Bearer <token>`, Yandex Cloud organizations
 * only). IAM tokens live at most 12 hours and are never refreshed here; with `expiresAt` the source
 * fails clearly once it has passed instead of sending a dead token. For long-running apps use
 * {@link iamFromServiceAccountKey}, {@link iamFromMetadata} or {@link iamFromOAuthToken}.
 *
 * @example
 * const credentials = iamToken(process.env.TRACKER_IAM_TOKEN!, { expiresAt: '2026-11-30T04:00:00.123456789Z' });
 */
export function iamToken(token: string, options: IamTokenOptions = {}): StaticTokenSource {
  const fail = optionFailer('iamToken');
  const raw = assertToken(token, 'token');
  if (options === null || typeof options !== 'object') fail('options', 'must be an object');
  const { expiresAt: given, now = Date.now } = options;
  const expiresAt = typeof given === 'number' ? given : given instanceof Date ? given.getTime() : parseIamExpiresAt(given);
  if (given !== undefined && !Number.isFinite(expiresAt)) {
    fail('expiresAt', 'must be epoch ms, a valid Date or an RFC 3339 timestamp');
  }
  if (typeof now !== 'function') fail('now', 'must be a function returning epoch ms');
  return staticSource('iam', raw, expiresAt, now);
}
