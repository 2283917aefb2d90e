/**
 * Token revocation (docs/yandex-api.md 2.5): `POST /revoke_token` with `access_token` and client
 * authentication. Yandex documents it for device-bound tokens (issued with `device_id`).
 */
import { checkOAuthOptions, postOAuthForm, requireString, type OAuthClientCredentials, type OAuthRequestOptions } from './token-endpoint.js';

/** Options of {@link revokeToken}. */
export interface RevokeTokenOptions extends OAuthRequestOptions, OAuthClientCredentials {
  /** The OAuth access token to revoke. */
  accessToken: string;
}

/**
 * Revoke an OAuth access token, e.g. on sign-out. Resolves when Yandex answers
 * `{"status":"ok"}` (or any 2xx without an `error`).
 *
 * @throws {OAuthResponseError} `invalid_client`, `unsupported_token_type` (not a device token), …
 * @throws {TokenExchangeError | TimeoutError | NetworkError | AbortedError}
 * @example
 * await revokeToken({ accessToken: session.tokens.accessToken, clientId, clientSecret });
 */
export async function revokeToken(options: RevokeTokenOptions): Promise<void> {
  const fn = 'revokeToken';
  const { accessToken } = options;
  checkOAuthOptions(fn, options);
  requireString(accessToken, 'accessToken', fn, 'the token to revoke');
  await postOAuthForm({
    ...options,
    path: '/revoke_token',
    what: 'token revocation',
    form: { access_token: accessToken },
    secrets: [accessToken],
    // A 200 that still says `error` is a refusal all the same.
    errorIn2xxIsRefusal: true,
  });
}
