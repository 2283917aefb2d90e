/**
 * IAM tokens for a service account from its authorized key (docs/yandex-api.md 3.3–3.4): sign a PS256
 * JWT, exchange it at `POST /iam/v1/tokens`, cache the IAM token by its `expiresAt`. Unlike the
 * Yandex Cloud Node SDK (fixed 120 s cache, no single-flight; docs/yandex-api.md 5), one exchange per
 * refresh window serves every caller.
 */
import type { RefreshingTokenSource } from '../refresh/engine.js';
import { hideSecrets } from '../redact.js';
import { DEFAULT_IAM_URL } from '../types.js';
import { assertUrl } from '../validate.js';
import { exchangeForIamToken } from './iam-exchange.js';
import { createServiceAccountJwtSigner } from './service-account-jwt.js';
import { parseServiceAccountKey, type ServiceAccountKeyInput } from './service-account-key.js';
import { assertSourceOptions, iamSourceEngine, type TokenSourceOptions } from './source-options.js';

export interface IamFromServiceAccountKeyOptions extends TokenSourceOptions {
  /**
   * The authorized key: the `yc iam key create` JSON (object or text, snake_case), or the REST
   * answer (camelCase). The `PLEASE DO NOT REMOVE THIS LINE!` first line of newer keys is fine.
   */
  key: ServiceAccountKeyInput;
  /** IAM API base URL. Default `https://iam.api.cloud.yandex.net`. */
  iamUrl?: string | URL | undefined;
}

/** A service-account token source; `serviceAccountId` and `keyId` are public, the key is not. */
export interface ServiceAccountTokenSource extends RefreshingTokenSource {
  readonly serviceAccountId: string;
  readonly keyId: string;
}

/**
 * A token source for a Yandex Cloud service account, from its authorized key. The key is checked
 * and parsed now (a {@link ConfigurationError} `INVALID_KEY` names the bad field, never echoing key
 * material); the WebCrypto key is imported once. In Node, `iamFromServiceAccountKeyFile()` from
 * `@tracker-auth/core/node` reads the key from a file.
 *
 * @example
 * const auth = createTrackerAuth({
 *   credentials: iamFromServiceAccountKey({ key: process.env.TRACKER_SERVICE_ACCOUNT_KEY! }),
 *   org: { cloudOrgId: 'bpf3crucp1v2mm2uxwzz' },
 * });
 */
export function iamFromServiceAccountKey(options: IamFromServiceAccountKeyOptions): ServiceAccountTokenSource {
  assertSourceOptions(options, 'iamFromServiceAccountKey');
  const parsed = parseServiceAccountKey(options.key, 'key');
  const iamUrl = assertUrl(options.iamUrl ?? DEFAULT_IAM_URL, 'iamUrl');
  const signer = createServiceAccountJwtSigner(parsed, 'key');
  const { serviceAccountId, keyId } = parsed;
  const source = iamSourceEngine(
    options,
    `iam:sa:${serviceAccountId}:${keyId}`,
    async ({ signal, now, timeoutMs }) => {
      const jwt = await signer.sign(now());
      return exchangeForIamToken({ iamUrl, body: { jwt }, fetch: options.fetch, signal, timeoutMs, now, secrets: [jwt] });
    },
    iamFromServiceAccountKey,
  );
  const { id } = source;
  // The engine's source, with the key's public ids; what JSON.stringify and util.inspect show
  // (no key material) is redefined to name them.
  return hideSecrets(Object.assign(source, { serviceAccountId, keyId }), () => ({ id, kind: 'iam', serviceAccountId, keyId }), 'ServiceAccountTokenSource');
}
