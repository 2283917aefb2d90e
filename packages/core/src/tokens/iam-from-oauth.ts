/**
 * IAM tokens exchanged from a Yandex OAuth token (docs/yandex-api.md 3.1, `yandexPassportOauthToken`).
 * Unlike the Yandex Cloud Node SDK, which calls IAM on every RPC (docs/yandex-api.md 5), the IAM
 * token is cached and refreshed by expiry, single-flight.
 */
import type { RefreshingTokenSource } from '../refresh/engine.js';
import { DEFAULT_IAM_URL } from '../types.js';
import { assertToken, assertUrl } from '../validate.js';
import { exchangeForIamToken } from './iam-exchange.js';
import { assertSourceOptions, fingerprint, iamSourceEngine, type TokenSourceOptions } from './source-options.js';

export interface IamFromOAuthTokenOptions extends TokenSourceOptions {
  /** A Yandex OAuth token of a Yandex account with access to the cloud organization. */
  oauthToken: string;
  /** IAM API base URL. Default `https://iam.api.cloud.yandex.net`. */
  iamUrl?: string | URL | undefined;
}

/**
 * A token source that trades a Yandex OAuth token for IAM tokens (`Authorization: Bearer`),
 * cached until the refresh window (1 h after issue or 5 min before expiry) and refreshed
 * single-flight. Options are validated now.
 *
 * @example
 * const auth = createTrackerAuth({
 *   credentials: iamFromOAuthToken({ oauthToken: process.env.YANDEX_OAUTH_TOKEN! }),
 *   org: { cloudOrgId: 'bpf3crucp1v2mm2uxwzz' },
 * });
 */
export function iamFromOAuthToken(options: IamFromOAuthTokenOptions): RefreshingTokenSource {
  assertSourceOptions(options, 'iamFromOAuthToken');
  const oauth = assertToken(options.oauthToken, 'oauthToken');
  const iamUrl = assertUrl(options.iamUrl ?? DEFAULT_IAM_URL, 'iamUrl');
  return iamSourceEngine(
    options,
    `iam:oauth:${fingerprint(oauth)}`,
    ({ signal, now, timeoutMs }) =>
      exchangeForIamToken({ iamUrl, body: { yandexPassportOauthToken: oauth }, fetch: options.fetch, signal, timeoutMs, now, secrets: [oauth] }),
    iamFromOAuthToken,
  );
}
